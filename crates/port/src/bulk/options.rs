//! [`BulkOptions`]: the bounds and starting values of a bulk run.

use std::time::Duration;

use crate::retry::RetryPolicy;

/// How a [`Bulk`](crate::Bulk) run paces itself, retries and gives up.
///
/// | option | default | meaning |
/// |---|---|---|
/// | [`max_concurrency`](Self::max_concurrency) | 16 | most requests in flight, whatever the limiter learns |
/// | [`min_concurrency`](Self::min_concurrency) | 1 | fewest the limiter goes down to |
/// | [`initial_concurrency`](Self::initial_concurrency) | 4 | the limiter's starting value |
/// | [`initial_rate`](Self::initial_rate) | none | unpaced until 429s show a quota; given: paced from the start, searching upwards from this rate |
/// | [`max_rate`](Self::max_rate) | none | a quota the run never exceeds (requests/s), paced at it from the start |
/// | [`retry`](Self::retry) | 10 attempts, 500 ms ×2 up to 30 s, `Retry-After` up to 60 s | per-job attempts and back-off |
/// | [`connect_failures_to_stop`](Self::connect_failures_to_stop) | 3 | connect errors in a row that stop the run |
/// | [`max_held_jobs`](Self::max_held_jobs) | 64 × `max_concurrency` | jobs held at once, in flight or waiting to retry |
///
/// Values out of range are brought into it: concurrencies are at least 1,
/// `min ≤ initial ≤ max`, rates are at least 0.1 request/s.
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_port::{BulkOptions, RetryPolicy};
///
/// let options = BulkOptions::default()
///     .with_max_concurrency(64)
///     .with_max_rate(50.0)
///     .with_retry(RetryPolicy::default().with_max_attempts(5));
/// assert_eq!(options.max_concurrency(), 64);
/// assert_eq!(options.max_rate(), Some(50.0));
/// assert_eq!(options.max_held_jobs(), 4_096);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BulkOptions {
    min_concurrency: usize,
    max_concurrency: usize,
    initial_concurrency: usize,
    initial_rate: Option<f64>,
    max_rate: Option<f64>,
    retry: RetryPolicy,
    connect_failures_to_stop: u32,
    max_held_jobs: Option<usize>,
}

/// The lowest rate the pacer and [`BulkOptions::max_rate`] go down to, in
/// requests per second.
pub const MIN_RATE: f64 = 0.1;

impl Default for BulkOptions {
    fn default() -> Self {
        Self {
            min_concurrency: 1,
            max_concurrency: 16,
            initial_concurrency: 4,
            initial_rate: None,
            max_rate: None,
            retry: default_retry(),
            connect_failures_to_stop: 3,
            max_held_jobs: None,
        }
    }
}

/// 10 attempts; back-off ceilings 500 ms, 1 s, 2 s, ... up to 30 s;
/// `Retry-After` honoured up to 60 s.
fn default_retry() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(10)
        .with_initial_backoff(Duration::from_millis(500))
        .with_multiplier(2)
        .with_max_backoff(Duration::from_secs(30))
        .with_max_retry_after(Duration::from_secs(60))
}

/// A finite rate of at least [`MIN_RATE`]; anything else (NaN, negative)
/// is [`MIN_RATE`].
fn rate(value: f64) -> f64 {
    if value.is_nan() {
        return MIN_RATE;
    }
    value.max(MIN_RATE)
}

impl BulkOptions {
    /// The defaults (see the table above).
    pub fn new() -> Self {
        Self::default()
    }

    /// The most requests in flight (at least 1); the limiter never goes
    /// above it.
    #[must_use]
    pub fn with_max_concurrency(mut self, max: usize) -> Self {
        self.max_concurrency = max.max(1);
        self
    }

    /// The fewest requests in flight the limiter goes down to (at least 1).
    #[must_use]
    pub fn with_min_concurrency(mut self, min: usize) -> Self {
        self.min_concurrency = min.max(1);
        self
    }

    /// The limiter's starting value.
    #[must_use]
    pub fn with_initial_concurrency(mut self, initial: usize) -> Self {
        self.initial_concurrency = initial;
        self
    }

    /// Paces the run from its start at `rate` requests per second, growing
    /// from there while the server serves, instead of sending unpaced until
    /// 429s show a quota: for a run that should not open with a burst.
    #[must_use]
    pub fn with_initial_rate(mut self, rate: f64) -> Self {
        self.initial_rate = Some(rate);
        self
    }

    /// A ceiling on requests per second, for a quota the caller knows; the
    /// run never sends faster, retries included.
    #[must_use]
    pub fn with_max_rate(mut self, max_rate: f64) -> Self {
        self.max_rate = Some(rate(max_rate));
        self
    }

    /// Attempts per job and the back-off between them (see
    /// [`Bulk`](crate::Bulk) for how the runner uses it).
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// How many connect errors in a row (with no answer from the server in
    /// between) stop the run; `0` is treated as `1`.
    #[must_use]
    pub fn with_connect_failures_to_stop(mut self, count: u32) -> Self {
        self.connect_failures_to_stop = count.max(1);
        self
    }

    /// How many jobs the run holds at once, in flight or waiting to retry
    /// (at least `max_concurrency`); no job is taken from the input beyond
    /// it. A job waiting out a `Retry-After` or a back-off holds no place in
    /// flight but counts here: with a fast server refusing some requests,
    /// about `rate × refused share × mean wait` jobs wait at once (16,000
    /// requests/s × 10 % × 0.75 s = 1,200), and fewer places slow the run
    /// down to what they allow.
    #[must_use]
    pub fn with_max_held_jobs(mut self, count: usize) -> Self {
        self.max_held_jobs = Some(count);
        self
    }

    /// The most requests in flight.
    pub fn max_concurrency(&self) -> usize {
        self.max_concurrency
    }

    /// The fewest requests in flight the limiter goes down to (never more
    /// than [`max_concurrency`](Self::max_concurrency)).
    pub fn min_concurrency(&self) -> usize {
        self.min_concurrency.min(self.max_concurrency)
    }

    /// The limiter's starting value, within the bounds.
    pub fn initial_concurrency(&self) -> usize {
        self.initial_concurrency
            .clamp(self.min_concurrency(), self.max_concurrency)
    }

    /// The rate the run is paced from at its start, if any (at least
    /// [`MIN_RATE`], at most [`max_rate`](Self::max_rate)); none: unpaced
    /// (or at `max_rate`) until 429s show a quota.
    pub fn initial_rate(&self) -> Option<f64> {
        let initial = rate(self.initial_rate?);
        Some(self.max_rate.map_or(initial, |max| initial.min(max)))
    }

    /// The ceiling on requests per second, if any.
    pub fn max_rate(&self) -> Option<f64> {
        self.max_rate
    }

    /// Attempts per job and the back-off between them.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// How many connect errors in a row stop the run.
    pub fn connect_failures_to_stop(&self) -> u32 {
        self.connect_failures_to_stop
    }

    /// How many jobs the run holds at once.
    pub fn max_held_jobs(&self) -> usize {
        self.max_held_jobs
            .unwrap_or(self.max_concurrency.saturating_mul(64))
            .max(self.max_concurrency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_brought_into_range() {
        let options = BulkOptions::new()
            .with_max_concurrency(0)
            .with_min_concurrency(0)
            .with_initial_concurrency(9)
            .with_initial_rate(-3.0)
            .with_connect_failures_to_stop(0)
            .with_max_held_jobs(0);
        assert_eq!(options.max_concurrency(), 1);
        assert_eq!(options.min_concurrency(), 1);
        assert_eq!(options.initial_concurrency(), 1);
        assert_eq!(options.initial_rate(), Some(MIN_RATE));
        assert_eq!(options.connect_failures_to_stop(), 1);
        assert_eq!(options.max_held_jobs(), 1);

        let options = BulkOptions::new()
            .with_max_concurrency(8)
            .with_min_concurrency(20)
            .with_initial_concurrency(2)
            .with_initial_rate(f64::NAN)
            .with_max_rate(f64::NAN);
        assert_eq!(options.min_concurrency(), 8);
        assert_eq!(options.initial_concurrency(), 8);
        assert_eq!(options.initial_rate(), Some(MIN_RATE));
        assert_eq!(options.max_rate(), Some(MIN_RATE));
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let options = BulkOptions::default();
        assert_eq!(
            (
                options.min_concurrency(),
                options.initial_concurrency(),
                options.max_concurrency()
            ),
            (1, 4, 16)
        );
        assert_eq!(options.initial_rate(), None);
        assert_eq!(options.max_rate(), None);
        assert_eq!(options.connect_failures_to_stop(), 3);
        assert_eq!(options.max_held_jobs(), 1_024);
        let retry = options.retry();
        assert_eq!(retry.max_attempts(), 10);
        assert_eq!(
            (1..=8)
                .map(|n| retry.backoff_ceiling(n).as_millis())
                .collect::<Vec<_>>(),
            [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]
        );
        assert_eq!(retry.max_retry_after(), Duration::from_secs(60));
    }

    #[test]
    fn the_initial_rate_never_exceeds_the_ceiling() {
        let options = BulkOptions::new()
            .with_initial_rate(50.0)
            .with_max_rate(20.0);
        assert_eq!(options.initial_rate(), Some(20.0));
        assert_eq!(BulkOptions::new().with_max_rate(20.0).initial_rate(), None);
        assert_eq!(
            BulkOptions::new().with_max_held_jobs(100).max_held_jobs(),
            100
        );
    }
}
