//! [`WriterStats`]: what a store's writers did so far, for health checks and metrics.

use std::time::Duration;

/// The upper bounds of the commit latency buckets, in seconds (as Prometheus' defaults, with a
/// finer start: a group commit on a local disk takes a few milliseconds).
pub const LATENCY_BUCKETS: [f64; 14] = [
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A histogram of latencies over [`LATENCY_BUCKETS`].
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_store::LatencyHistogram;
///
/// let mut histogram = LatencyHistogram::default();
/// histogram.record(Duration::from_millis(3));
/// histogram.record(Duration::from_secs(60));
/// assert_eq!(histogram.count(), 2);
/// // At most 5 ms: the first only; the second is above every bound.
/// assert_eq!(histogram.cumulative()[3], (0.005, 1));
/// assert_eq!(histogram.cumulative().last(), Some(&(10.0, 1)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyHistogram {
    /// Per bucket, the samples above the previous bound and at most this one; the last entry
    /// counts the samples above every bound.
    counts: [u64; LATENCY_BUCKETS.len() + 1],
    sum_seconds: f64,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self {
            counts: [0; LATENCY_BUCKETS.len() + 1],
            sum_seconds: 0.0,
        }
    }
}

impl LatencyHistogram {
    /// Counts one sample.
    pub fn record(&mut self, latency: Duration) {
        let seconds = latency.as_secs_f64();
        let bucket = LATENCY_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.counts[bucket] += 1;
        self.sum_seconds += seconds;
    }

    /// The number of samples.
    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The sum of every sample, in seconds.
    pub fn sum_seconds(&self) -> f64 {
        self.sum_seconds
    }

    /// Per bound of [`LATENCY_BUCKETS`], the samples at most that long (Prometheus' `le`
    /// buckets; the `+Inf` bucket is [`count`](Self::count)).
    pub fn cumulative(&self) -> Vec<(f64, u64)> {
        let mut total = 0;
        LATENCY_BUCKETS
            .iter()
            .zip(self.counts)
            .map(|(bound, count)| {
                total += count;
                (*bound, total)
            })
            .collect()
    }
}

/// What a store's writers did since the store was opened.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WriterStats {
    /// `apply` and `apply_batch` calls waiting for a writer now.
    pub queued: usize,
    /// How many may wait ([`StoreOptions::queue_capacity`](crate::StoreOptions::queue_capacity)).
    pub capacity: usize,
    /// Transactions committed.
    pub groups: u64,
    /// Deliveries committed as new.
    pub fresh: u64,
    /// Deliveries found in the ledger (redeliveries): nothing changed.
    pub already_applied: u64,
    /// Deliveries whose transaction failed (nothing of them committed).
    pub failed: u64,
    /// Calls refused because the queue was full.
    pub rejected: u64,
    /// From queueing to commit, per `apply` or `apply_batch` that committed.
    pub commit_latency: LatencyHistogram,
}

impl WriterStats {
    /// Whether the queue has no room left.
    pub fn is_full(&self) -> bool {
        self.queued >= self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_fall_in_the_first_bucket_whose_bound_is_at_least_them() {
        let mut histogram = LatencyHistogram::default();
        // Hand-placed: 0.5 ms is in the first bucket (bound inclusive), 0.6 ms in the second,
        // 10 s in the last bounded one, 11 s above all.
        for millis in [0.5, 0.6, 10_000.0, 11_000.0] {
            histogram.record(Duration::from_secs_f64(millis / 1000.0));
        }
        let cumulative = histogram.cumulative();
        assert_eq!(cumulative[0], (0.0005, 1));
        assert_eq!(cumulative[1], (0.001, 2));
        assert_eq!(cumulative[12], (5.0, 2));
        assert_eq!(cumulative[13], (10.0, 3));
        assert_eq!(histogram.count(), 4);
        assert!((histogram.sum_seconds() - 21.0011).abs() < 1e-9);
    }

    #[test]
    fn full_means_no_room_left() {
        let mut stats = WriterStats {
            queued: 3,
            capacity: 4,
            groups: 0,
            fresh: 0,
            already_applied: 0,
            failed: 0,
            rejected: 0,
            commit_latency: LatencyHistogram::default(),
        };
        assert!(!stats.is_full());
        stats.queued = 4;
        assert!(stats.is_full());
    }
}
