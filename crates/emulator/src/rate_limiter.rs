//! [`RateLimiter`]: a project's token bucket and the count of requests it allowed and refused.

use std::time::Instant;

use serde::Serialize;

use crate::rate_limit::RateLimit;
use crate::token_bucket::{TokenBucket, Wait};

/// How many API requests the rate limit let through and refused since the emulator was built
/// or reset.
///
/// ```
/// use sinch_contacts_emulator::{Emulator, RateLimit};
///
/// let emulator = Emulator::builder().rate_limit(RateLimit::new(10.0)).build();
/// let counts = emulator.rate_limit_counts();
/// assert_eq!((counts.allowed, counts.refused), (0, 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct RateLimitCounts {
    /// Requests that found a token.
    pub allowed: u64,
    /// Requests answered 429 because the bucket was empty.
    pub refused: u64,
}

/// One project's bucket and counts.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    bucket: TokenBucket,
    counts: RateLimitCounts,
}

impl RateLimiter {
    /// A limiter with a full bucket as of `now`.
    pub(crate) fn new(limit: RateLimit, now: Instant) -> Self {
        Self {
            limit,
            bucket: TokenBucket::full(&limit, now),
            counts: RateLimitCounts::default(),
        }
    }

    pub(crate) fn limit(&self) -> RateLimit {
        self.limit
    }

    pub(crate) fn counts(&self) -> RateLimitCounts {
        self.counts
    }

    /// Takes a token for a request arriving at `now`, counting it as allowed or refused.
    pub(crate) fn admit(&mut self, now: Instant) -> Result<(), Wait> {
        let taken = self.bucket.take(now);
        match taken {
            Ok(()) => self.counts.allowed += 1,
            Err(_) => self.counts.refused += 1,
        }
        taken
    }

    /// A full bucket again as of `now`, and zero counts.
    pub(crate) fn reset(&mut self, now: Instant) {
        *self = Self::new(self.limit, now);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn counts_what_it_allows_and_refuses() {
        let start = Instant::now();
        let mut limiter = RateLimiter::new("1/s,burst=2".parse().unwrap(), start);
        let outcomes: Vec<bool> = (0..5).map(|_| limiter.admit(start).is_ok()).collect();
        assert_eq!(outcomes, [true, true, false, false, false]);
        assert_eq!(
            limiter.counts(),
            RateLimitCounts {
                allowed: 2,
                refused: 3
            }
        );
    }

    #[test]
    fn reset_refills_the_bucket_and_zeroes_the_counts() {
        let start = Instant::now();
        let limit: RateLimit = "1/s,burst=2".parse().unwrap();
        let mut limiter = RateLimiter::new(limit, start);
        for _ in 0..3 {
            let _ = limiter.admit(start);
        }
        let later = start + Duration::from_millis(10);
        limiter.reset(later);
        assert_eq!(limiter.counts(), RateLimitCounts::default());
        assert_eq!(limiter.limit(), limit);
        assert_eq!(limiter.admit(later), Ok(()));
        assert_eq!(limiter.admit(later), Ok(()));
        assert_eq!(
            limiter.admit(later),
            Err(Wait(Duration::from_secs(1))),
            "the bucket was refilled to the burst, not beyond"
        );
    }
}
