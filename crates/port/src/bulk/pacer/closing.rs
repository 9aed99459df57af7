//! [`Closing`]: a run's last requests under a quota, paced with a margin.
//!
//! Mid-run, a stray 429 costs its request a slot: the job waits out its
//! `Retry-After` holding no place in flight while the others go on. Near
//! the end there are no others: a job refused in the run's last second,
//! told `Retry-After: 1`, ends the run up to a second later. So once every
//! job left would start within the longest wait a 429 has put a job to,
//! the pace is [`CLOSING_PACE`] × the rate: against a bucket of one token
//! that widens the gap a late request may arrive in.

use std::time::Duration;

/// The share of the rate a run is paced at in its closing span.
pub(crate) const CLOSING_PACE: f64 = 0.85;

/// What the pacer knows of a run's end.
#[derive(Debug, Clone, Default)]
pub(crate) struct Closing {
    /// The longest wait a 429 has put a job to: what a 429 near the end
    /// may add to the run.
    span: Duration,
    /// The jobs left to start (waiting, ready, still in the input); `None`
    /// while the input does not say how many it still holds.
    left: Option<usize>,
}

impl Closing {
    /// A 429 put a job to wait for `wait`.
    pub(crate) fn throttled_wait(&mut self, wait: Duration) {
        self.span = self.span.max(wait);
    }

    /// `left` jobs are left to start, when known.
    pub(crate) fn set_left(&mut self, left: Option<usize>) {
        self.left = left;
    }

    /// The pace for `rate`: [`CLOSING_PACE`] × `rate` once every job left
    /// would start within the span at `rate`, else `rate`.
    pub(crate) fn pace(&self, rate: f64) -> f64 {
        let closing = self
            .left
            .is_some_and(|left| (left as f64) < rate * self.span.as_secs_f64());
        if closing { rate * CLOSING_PACE } else { rate }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn without_a_429_wait_or_a_known_count_the_pace_is_the_rate() {
        let mut closing = Closing::default();
        closing.set_left(Some(0));
        assert_eq!(closing.pace(200.0), 200.0, "no 429 has put a job to wait");
        closing.throttled_wait(ms(1_000));
        closing.set_left(None);
        assert_eq!(closing.pace(200.0), 200.0, "the count left is unknown");
    }

    /// At 200/s with a wait of 1.05 s, 210 jobs start within the span:
    /// 209 left is closing (paced at 170/s), 210 is not.
    #[test]
    fn the_last_jobs_that_fit_in_the_longest_429_wait_are_paced_at_085() {
        let mut closing = Closing::default();
        closing.throttled_wait(ms(1_050));
        closing.throttled_wait(ms(400));
        closing.set_left(Some(210));
        assert_eq!(closing.pace(200.0), 200.0);
        closing.set_left(Some(209));
        assert!((closing.pace(200.0) - 170.0).abs() < 1e-9);
        closing.set_left(Some(0));
        assert!((closing.pace(20.0) - 17.0).abs() < 1e-9);
    }
}
