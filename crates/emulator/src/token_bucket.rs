//! [`TokenBucket`]: the arithmetic of a token bucket, on a monotonic clock the caller reads.
//!
//! The bucket counts time credit in whole nanoseconds instead of fractional tokens, so it is
//! exact: one token is worth one [`RateLimit::interval`], the credit grows by the time that
//! passes and stops at `burst × interval`, and a request spends one token's worth. No float is
//! involved after the interval is fixed, so no rounding can give away or withhold a token.

use std::time::{Duration, Instant};

use crate::rate_limit::RateLimit;

/// A token bucket that starts full. The caller passes the time (`Instant::now()` in the
/// emulator, chosen instants in tests), so the bucket itself never reads a clock.
#[derive(Debug, Clone)]
pub(crate) struct TokenBucket {
    /// The credit one token is worth, in nanoseconds.
    interval: u128,
    /// The most credit the bucket holds: `burst × interval`.
    capacity: u128,
    /// The credit held at `refilled_at`.
    credit: u128,
    refilled_at: Instant,
}

/// How long until a refused request would find a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wait(pub(crate) Duration);

impl Wait {
    /// The wait in whole seconds, rounded up and at least 1: the `Retry-After` to send, so a
    /// client that honours it finds a token.
    pub(crate) fn retry_after_seconds(self) -> u64 {
        let whole = self.0.as_secs();
        let rounded_up = if self.0.subsec_nanos() > 0 {
            whole + 1
        } else {
            whole
        };
        rounded_up.max(1)
    }
}

impl TokenBucket {
    /// A full bucket for `limit`, as of `now`.
    pub(crate) fn full(limit: &RateLimit, now: Instant) -> Self {
        let interval = limit.interval_nanos();
        let capacity = interval * u128::from(limit.burst_size());
        Self {
            interval,
            capacity,
            credit: capacity,
            refilled_at: now,
        }
    }

    /// Takes a token at `now` if there is one; otherwise how long until there is. An instant
    /// earlier than one seen before counts as that one (no credit is taken back).
    pub(crate) fn take(&mut self, now: Instant) -> Result<(), Wait> {
        self.refill(now);
        if self.credit >= self.interval {
            self.credit -= self.interval;
            Ok(())
        } else {
            let missing = self.interval - self.credit;
            Err(Wait(Duration::from_nanos(
                u64::try_from(missing).unwrap_or(u64::MAX),
            )))
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.refilled_at).as_nanos();
        self.credit = self.credit.saturating_add(elapsed).min(self.capacity);
        self.refilled_at = self.refilled_at.max(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn full_bucket(limit: &str, start: Instant) -> TokenBucket {
        TokenBucket::full(&limit.parse().unwrap(), start)
    }

    /// How many tokens can be taken at `now`, one after another, before a refusal; and the wait
    /// that refusal gives. No bucket here holds more than 20, so 1,000 means it never refuses.
    fn drain(bucket: &mut TokenBucket, now: Instant) -> (usize, Duration) {
        for taken in 0..1_000 {
            if let Err(Wait(wait)) = bucket.take(now) {
                return (taken, wait);
            }
        }
        panic!("1,000 tokens taken at once and no refusal");
    }

    #[test]
    fn a_full_bucket_gives_the_burst_then_refuses() {
        let start = Instant::now();
        // 200/s: a token every 5 ms. 20 tokens at once, then the 21st waits a full interval.
        let mut bucket = full_bucket("200/s,burst=20", start);
        assert_eq!(drain(&mut bucket, start), (20, 5 * MS));
        // Still refused 3 ms later, with 2 ms to go.
        assert_eq!(bucket.take(start + 3 * MS), Err(Wait(2 * MS)));
    }

    #[test]
    fn tokens_come_back_at_the_rate() {
        let start = Instant::now();
        let mut bucket = full_bucket("200/s,burst=20", start);
        assert_eq!(drain(&mut bucket, start).0, 20);
        // 12 ms later: 12 ms of credit, two tokens (10 ms), 2 ms left; the third waits 3 ms.
        assert_eq!(drain(&mut bucket, start + 12 * MS), (2, 3 * MS));
        // At 15 ms the 3 ms have passed: exactly one token, none left over.
        assert_eq!(drain(&mut bucket, start + 15 * MS), (1, 5 * MS));
        // One second later the bucket is full again, and holds no more than the burst.
        assert_eq!(drain(&mut bucket, start + 2000 * MS).0, 20);
    }

    #[test]
    fn the_credit_stops_at_the_burst() {
        let start = Instant::now();
        let mut bucket = full_bucket("10/s,burst=3", start);
        // An hour of quiet still leaves 3 tokens, not 36,000.
        assert_eq!(drain(&mut bucket, start + Duration::from_secs(3600)).0, 3);
    }

    #[test]
    fn a_burst_of_one_spaces_requests_by_the_interval() {
        let start = Instant::now();
        // 4/s: a token every 250 ms.
        let mut bucket = full_bucket("4/s,burst=1", start);
        assert_eq!(bucket.take(start), Ok(()));
        assert_eq!(bucket.take(start), Err(Wait(250 * MS)));
        assert_eq!(bucket.take(start + 249 * MS), Err(Wait(MS)));
        assert_eq!(bucket.take(start + 250 * MS), Ok(()));
        assert_eq!(bucket.take(start + 250 * MS), Err(Wait(250 * MS)));
        // A long pause still gives one token only.
        assert_eq!(drain(&mut bucket, start + 10_000 * MS), (1, 250 * MS));
    }

    #[test]
    fn fractional_rates() {
        let start = Instant::now();
        // 0.4/s: a token every 2.5 s.
        let mut bucket = full_bucket("0.4/s,burst=2", start);
        assert_eq!(drain(&mut bucket, start), (2, 2500 * MS));
        assert_eq!(bucket.take(start + 1000 * MS), Err(Wait(1500 * MS)));
        assert_eq!(bucket.take(start + 2500 * MS), Ok(()));
        // 2.5/s: a token every 400 ms; burst 3 by default (one second's worth rounded up).
        let mut bucket = full_bucket("2.5/s", start);
        assert_eq!(drain(&mut bucket, start), (3, 400 * MS));
        assert_eq!(drain(&mut bucket, start + 1000 * MS), (2, 200 * MS));
        // 3/s: a token every 333,333,333 ns (1/3 s rounded to the nanosecond).
        let mut bucket = full_bucket("3/s,burst=1", start);
        assert_eq!(bucket.take(start), Ok(()));
        let one_third = Duration::from_nanos(333_333_333);
        assert_eq!(
            bucket.take(start + one_third - Duration::from_nanos(1)),
            Err(Wait(Duration::from_nanos(1)))
        );
        assert_eq!(bucket.take(start + one_third), Ok(()));
    }

    #[test]
    fn an_earlier_instant_counts_as_the_latest_one_seen() {
        let start = Instant::now();
        let mut bucket = full_bucket("1/s,burst=1", start + 500 * MS);
        assert_eq!(bucket.take(start + 500 * MS), Ok(()));
        // Read before the lock was taken by another request, say: no credit, no panic.
        assert_eq!(bucket.take(start), Err(Wait(1000 * MS)));
        assert_eq!(bucket.take(start + 1500 * MS), Ok(()));
    }

    #[test]
    fn retry_after_is_the_wait_rounded_up_to_whole_seconds_and_at_least_one() {
        let seconds = |nanos: u64| Wait(Duration::from_nanos(nanos)).retry_after_seconds();
        assert_eq!(seconds(1), 1);
        assert_eq!(seconds(5_000_000), 1);
        assert_eq!(seconds(999_999_999), 1);
        assert_eq!(seconds(1_000_000_000), 1);
        assert_eq!(seconds(1_000_000_001), 2);
        assert_eq!(seconds(2_500_000_000), 3);
        assert_eq!(seconds(10_000_000_000_000), 10_000);
        assert_eq!(seconds(0), 1);
    }

    #[test]
    fn retry_after_at_hand_computed_instants() {
        let start = Instant::now();
        // 0.4/s, burst 1: the next token at 2.5 s.
        let mut bucket = full_bucket("0.4/s,burst=1", start);
        assert_eq!(bucket.take(start), Ok(()));
        let retry_after_at = |bucket: &mut TokenBucket, ms: u32| {
            bucket
                .take(start + ms * MS)
                .unwrap_err()
                .retry_after_seconds()
        };
        assert_eq!(retry_after_at(&mut bucket, 0), 3); // 2.5 s
        assert_eq!(retry_after_at(&mut bucket, 500), 2); // 2.0 s
        assert_eq!(retry_after_at(&mut bucket, 1499), 2); // 1.001 s
        assert_eq!(retry_after_at(&mut bucket, 1500), 1); // 1.0 s
        assert_eq!(retry_after_at(&mut bucket, 2499), 1); // 1 ms
    }
}
