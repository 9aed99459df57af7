//! [`Recent`]: the answers served in the last second.

use std::time::{Duration, Instant};

/// The width of a bucket.
const BUCKET: Duration = Duration::from_millis(100);
/// Buckets in a second.
const BUCKETS: usize = 10;

/// Served answers counted in buckets of 100 ms over the last second.
#[derive(Debug, Clone)]
pub(crate) struct Recent {
    origin: Instant,
    /// The bucket of the last record, counted from `origin`.
    last: u64,
    counts: [u32; BUCKETS],
}

impl Recent {
    pub(crate) fn new(origin: Instant) -> Self {
        Self {
            origin,
            last: 0,
            counts: [0; BUCKETS],
        }
    }

    /// Moves to the bucket of `now`, emptying those it passes.
    fn advance(&mut self, now: Instant) -> usize {
        let index =
            (now.saturating_duration_since(self.origin).as_nanos() / BUCKET.as_nanos()) as u64;
        let passed = index.saturating_sub(self.last).min(BUCKETS as u64);
        for step in 1..=passed {
            self.counts[((self.last + step) % BUCKETS as u64) as usize] = 0;
        }
        self.last = self.last.max(index);
        (self.last % BUCKETS as u64) as usize
    }

    /// An answer served at `now`.
    pub(crate) fn record(&mut self, now: Instant) {
        let bucket = self.advance(now);
        self.counts[bucket] += 1;
    }

    /// The answers served in the last second at `now`.
    pub(crate) fn count(&mut self, now: Instant) -> u32 {
        self.advance(now);
        self.counts.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn answers_count_for_a_second_in_buckets_of_100_ms() {
        let t0 = Instant::now();
        let mut recent = Recent::new(t0);
        assert_eq!(recent.count(t0), 0);
        recent.record(t0 + ms(50));
        recent.record(t0 + ms(120));
        recent.record(t0 + ms(199));
        assert_eq!(recent.count(t0 + ms(200)), 3);
        // At 1,000 ms the bucket [0, 100 ms) is dropped; at 1,100 ms the
        // bucket [100, 200 ms) too.
        assert_eq!(recent.count(t0 + ms(999)), 3);
        assert_eq!(recent.count(t0 + ms(1_000)), 2);
        assert_eq!(recent.count(t0 + ms(1_100)), 0);
        recent.record(t0 + ms(1_150));
        assert_eq!(recent.count(t0 + ms(1_150)), 1);
        // After a long pause every bucket is empty.
        recent.record(t0 + ms(5_000));
        assert_eq!(recent.count(t0 + ms(5_050)), 1);
        assert_eq!(recent.count(t0 + ms(9_000)), 0);
    }
}
