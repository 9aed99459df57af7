//! [`RateLimit`]: how many API requests a project may make per second, and in one burst.
//!
//! ```
//! use sinch_contacts_emulator::RateLimit;
//!
//! let limit = RateLimit::new(200.0).burst(20);
//! assert_eq!((limit.per_second(), limit.burst_size()), (200.0, 20));
//! assert_eq!(limit.to_string(), "200/s,burst=20");
//! assert_eq!("200/s,burst=20".parse::<RateLimit>()?, limit);
//! # Ok::<(), sinch_contacts_emulator::RateLimitSpecError>(())
//! ```

use std::fmt;
use std::time::Duration;

const NANOS_PER_SECOND: f64 = 1_000_000_000.0;

/// A token bucket's settings: tokens come back at `per_second` a second, up to `burst_size`
/// held at once; each API request takes one, and a request finding none is answered 429.
///
/// Build one with [`RateLimit::new`] and [`RateLimit::burst`], or read the text form
/// `RATE/s[,burst=N]` with [`str::parse`] (see
/// [`RateLimitSpecError`](crate::RateLimitSpecError) for what it refuses). Without a burst, the
/// bucket holds one second's worth of tokens (the rate rounded up, at least 1).
///
/// One token comes back every [`RateLimit::interval`], which is `1 / per_second` rounded to the
/// nanosecond: `3/s` gives a token every 333,333,333 ns.
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_emulator::RateLimit;
///
/// let limit = RateLimit::new(2.5);
/// assert_eq!(limit.burst_size(), 3); // one second's worth, rounded up
/// assert_eq!(limit.interval(), Duration::from_millis(400));
/// assert_eq!(RateLimit::new(0.5).burst_size(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    per_second: f64,
    burst: u32,
}

impl RateLimit {
    /// The slowest rate accepted: one request every 10,000 seconds.
    pub const MIN_PER_SECOND: f64 = 0.0001;
    /// The fastest rate accepted: one request a nanosecond.
    pub const MAX_PER_SECOND: f64 = NANOS_PER_SECOND;

    /// `per_second` requests a second, in bursts of one second's worth (the rate rounded up, at
    /// least 1); change the burst with [`RateLimit::burst`].
    ///
    /// # Panics
    ///
    /// When `per_second` is not a number from [`RateLimit::MIN_PER_SECOND`] to
    /// [`RateLimit::MAX_PER_SECOND`]. Parse the text form to get an error instead.
    pub fn new(per_second: f64) -> Self {
        assert!(
            Self::accepts_rate(per_second),
            "a rate limit of {per_second}/s is outside {}..={} per second",
            Self::MIN_PER_SECOND,
            Self::MAX_PER_SECOND
        );
        Self {
            per_second,
            burst: one_second_of(per_second),
        }
    }

    /// Whether `per_second` is a rate [`RateLimit::new`] takes.
    pub(crate) fn accepts_rate(per_second: f64) -> bool {
        (Self::MIN_PER_SECOND..=Self::MAX_PER_SECOND).contains(&per_second)
    }

    /// Sets how many requests may come at once after a quiet spell: the tokens the bucket holds
    /// when full (0 counts as 1).
    #[must_use]
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// The rate tokens come back at, per second.
    pub fn per_second(&self) -> f64 {
        self.per_second
    }

    /// The tokens the bucket holds when full.
    pub fn burst_size(&self) -> u32 {
        self.burst
    }

    /// The time one token takes to come back: `1 / per_second`, rounded to the nanosecond.
    pub fn interval(&self) -> Duration {
        let nanos = self.interval_nanos();
        Duration::new(
            u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX),
            u32::try_from(nanos % 1_000_000_000).unwrap_or(0),
        )
    }

    /// [`RateLimit::interval`] in nanoseconds (at least 1).
    pub(crate) fn interval_nanos(&self) -> u128 {
        // In range, the quotient is from 1 to 10^13: exact enough in f64, and `as` cannot wrap.
        ((NANOS_PER_SECOND / self.per_second).round() as u128).max(1)
    }
}

/// One second's worth of tokens: the rate rounded up, at least 1.
fn one_second_of(per_second: f64) -> u32 {
    // In range, the rate is at most 10^9, below u32::MAX; `as` saturates anyway.
    (per_second.ceil() as u32).max(1)
}

impl fmt::Display for RateLimit {
    /// The text form read by [`str::parse`]: `200/s,burst=20`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/s,burst={}", self.per_second, self.burst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_burst_is_one_second_of_tokens() {
        assert_eq!(RateLimit::new(200.0).burst_size(), 200);
        assert_eq!(RateLimit::new(2.5).burst_size(), 3);
        assert_eq!(RateLimit::new(1.0).burst_size(), 1);
        assert_eq!(RateLimit::new(0.5).burst_size(), 1);
        assert_eq!(RateLimit::new(0.0001).burst_size(), 1);
    }

    #[test]
    fn a_burst_of_zero_counts_as_one() {
        assert_eq!(RateLimit::new(10.0).burst(0).burst_size(), 1);
        assert_eq!(RateLimit::new(10.0).burst(7).burst_size(), 7);
    }

    #[test]
    fn the_interval_is_the_inverse_rate_rounded_to_the_nanosecond() {
        assert_eq!(RateLimit::new(200.0).interval(), Duration::from_millis(5));
        assert_eq!(RateLimit::new(0.4).interval(), Duration::from_millis(2500));
        // 10^9 / 3 = 333,333,333.33… rounds down; 10^9 / 6 = 166,666,666.67 rounds up.
        assert_eq!(RateLimit::new(3.0).interval_nanos(), 333_333_333);
        assert_eq!(RateLimit::new(6.0).interval_nanos(), 166_666_667);
        assert_eq!(RateLimit::new(1e9).interval_nanos(), 1);
        assert_eq!(
            RateLimit::new(0.0001).interval(),
            Duration::from_secs(10_000)
        );
    }

    #[test]
    fn rates_are_accepted_only_within_the_bounds() {
        for rate in [0.0001, 1.0, 1e9] {
            assert!(RateLimit::accepts_rate(rate), "{rate}");
        }
        for rate in [0.0, -1.0, 0.000_099_9, 1.000_001e9, f64::NAN, f64::INFINITY] {
            assert!(!RateLimit::accepts_rate(rate), "{rate}");
        }
    }

    #[test]
    #[should_panic(expected = "a rate limit of 0/s is outside 0.0001..=1000000000 per second")]
    fn a_rate_out_of_bounds_panics() {
        let _ = RateLimit::new(0.0);
    }

    #[test]
    fn the_text_form_names_the_rate_and_the_burst() {
        assert_eq!(RateLimit::new(0.5).to_string(), "0.5/s,burst=1");
        assert_eq!(
            RateLimit::new(200.0).burst(20).to_string(),
            "200/s,burst=20"
        );
    }
}
