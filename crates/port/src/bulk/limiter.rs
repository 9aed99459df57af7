//! [`ConcurrencyLimiter`]: how many requests may be in flight, learnt by
//! AIMD (additive increase, multiplicative decrease).
//!
//! - A request the server served (any answer but 429, 5xx or a timeout) in
//!   normal time raises the limit by `1 / limit` (about +1 per limit's
//!   worth of answers), but only while the limit is in use: at least half of
//!   it in flight. A limit nobody uses is no evidence that more would work.
//! - **Slow start**: until the first overload, once [`SLOW_START_AFTER`]
//!   such answers came, each adds 1 instead (the limit doubles per round),
//!   so a fast server without a quota sees the maximum within a few rounds.
//!   The first answers add `1 / limit` only: when a quota's bucket runs out
//!   early in a run, few requests are in flight to be refused.
//! - A retryable 5xx, a timeout, or an answer slower than
//!   [`LATENCY_TOLERANCE`] × the baseline latency multiplies the limit by
//!   [`DECREASE`], at most once per round: a signal from a request started
//!   before the last decrease describes the old limit and is ignored.
//! - A 429 is none of the limiter's business: a quota limits the rate,
//!   which the pacer follows, and 429s that are not a quota would only keep
//!   the limit down for nothing.
//! - The limit stays within `min..=max`.
//!
//! The baseline latency is the lowest seen, but never less than
//! [`BASELINE_FLOOR`] when it comes to judging an answer slow: below a few
//! milliseconds (a server on the same machine) latency moves with thread
//! scheduling more than with load, and ten times a 100 µs baseline is still
//! a fast answer. While the limit is at its
//! minimum it drifts up by [`DRIFT`] of the gap towards each slower answer:
//! a server that stays slow when the run sends it the least it can is
//! slower for good, and is accepted as it is after a few dozen answers. At
//! any higher limit the baseline does not drift, so answers that slow down
//! with the run's own load keep the limit down.

use std::time::{Duration, Instant};

/// The factor a decrease multiplies the limit by.
pub(crate) const DECREASE: f64 = 0.9;
/// An answer slower than this many times the baseline counts as overload.
pub(crate) const LATENCY_TOLERANCE: f64 = 2.0;
/// The least baseline an answer is judged against: an answer is slow only
/// beyond [`LATENCY_TOLERANCE`] × 2.5 ms = 5 ms, however fast the fastest was.
pub(crate) const BASELINE_FLOOR: Duration = Duration::from_micros(2_500);
/// Served answers (while the limit is in use) before the limit may double
/// per round.
pub(crate) const SLOW_START_AFTER: u32 = 16;
/// The share of the gap the baseline moves towards a slower answer.
pub(crate) const DRIFT: f64 = 0.01;

/// The concurrency limit of a bulk run.
#[derive(Debug, Clone)]
pub(crate) struct ConcurrencyLimiter {
    limit: f64,
    min: f64,
    max: f64,
    last_decrease: Option<Instant>,
    baseline: Option<Duration>,
    slow_start: bool,
    served: u32,
}

impl ConcurrencyLimiter {
    /// A limiter starting at `initial`, kept within `min..=max` (the caller
    /// ensures `1 ≤ min ≤ initial ≤ max`).
    pub(crate) fn new(min: usize, initial: usize, max: usize) -> Self {
        Self {
            limit: initial as f64,
            min: min as f64,
            max: max as f64,
            last_decrease: None,
            baseline: None,
            slow_start: true,
            served: 0,
        }
    }

    /// How many requests may be in flight now.
    pub(crate) fn limit(&self) -> usize {
        // `limit` stays within `min..=max`, both whole numbers of at least 1.
        self.limit as usize
    }

    /// The limit with its fraction, for tests and traces.
    #[cfg(test)]
    pub(crate) fn exact_limit(&self) -> f64 {
        self.limit
    }

    /// The baseline latency, once an answer came.
    #[cfg(test)]
    pub(crate) fn baseline(&self) -> Option<Duration> {
        self.baseline
    }

    /// A request started at `started` was served at `now`, with `in_flight`
    /// requests in flight (itself included).
    pub(crate) fn on_served(&mut self, started: Instant, now: Instant, in_flight: usize) {
        let latency = now.saturating_duration_since(started);
        let slow = self.baseline.is_some_and(|baseline| {
            latency.as_secs_f64() > baseline.max(BASELINE_FLOOR).as_secs_f64() * LATENCY_TOLERANCE
        });
        self.baseline = Some(match self.baseline {
            Some(baseline) if latency > baseline && self.limit > self.min => baseline,
            Some(baseline) if latency > baseline => baseline + (latency - baseline).mul_f64(DRIFT),
            _ => latency,
        });
        if slow {
            self.on_overload(started, now);
        } else if in_flight as f64 * 2.0 >= self.limit {
            self.served = self.served.saturating_add(1);
            let step = if self.slow_start && self.served > SLOW_START_AFTER {
                1.0
            } else {
                1.0 / self.limit
            };
            self.limit = (self.limit + step).min(self.max);
        }
    }

    /// A request started at `started` met overload (a 5xx, a timeout, an
    /// I/O error), as learnt at `now`; ends the slow start.
    pub(crate) fn on_overload(&mut self, started: Instant, now: Instant) {
        self.slow_start = false;
        if self.last_decrease.is_some_and(|last| started < last) {
            return;
        }
        self.limit = (self.limit * DECREASE).max(self.min);
        self.last_decrease = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn an_answer_is_judged_against_a_baseline_of_at_least_two_and_a_half_ms() {
        let t0 = Instant::now();
        let us = Duration::from_micros;
        let mut limiter = ConcurrencyLimiter::new(1, 8, 16);
        limiter.on_served(t0, t0 + us(100), 8);
        assert_eq!(limiter.baseline(), Some(us(100)));
        let after_first = limiter.exact_limit();
        // Fifty times the baseline, yet under 2 × 2.5 ms: served in normal time.
        limiter.on_served(t0, t0 + us(5_000), 8);
        assert!(
            limiter.exact_limit() > after_first,
            "{}",
            limiter.exact_limit()
        );
        let before = limiter.exact_limit();
        limiter.on_served(t0 + us(5_000), t0 + us(10_001), 8);
        assert!(
            (limiter.exact_limit() - before * 0.9).abs() < 1e-9,
            "5.001 ms is slow: {} from {before}",
            limiter.exact_limit()
        );
    }

    #[test]
    fn served_answers_add_one_over_the_limit_while_the_limit_is_in_use() {
        let t0 = Instant::now();
        let mut limiter = ConcurrencyLimiter::new(1, 4, 10);
        assert_eq!(limiter.limit(), 4);
        limiter.on_served(t0, t0 + ms(50), 2);
        assert_eq!(limiter.exact_limit(), 4.25);
        assert_eq!(limiter.limit(), 4);
        // 1 × 2 < 4.25: a limit nobody uses does not grow.
        limiter.on_served(t0, t0 + ms(50), 1);
        assert_eq!(limiter.exact_limit(), 4.25);
        // 4.25 + 1 / 4.25 = 4.485 29; then + 1 / 4.485 29 = 4.708 25.
        limiter.on_served(t0, t0 + ms(50), 3);
        limiter.on_served(t0, t0 + ms(50), 3);
        assert!((limiter.exact_limit() - 4.708_25).abs() < 1e-4);
    }

    /// Worked apart: from 2, sixteen answers add 1 / limit each (2.5, 2.9,
    /// 3.2448, ... 6.097 35); the 17th and 18th add 1 each; an overload
    /// multiplies by 0.9 (7.287 61) and ends the slow start: the next adds
    /// 1 / 7.287 61.
    #[test]
    fn after_sixteen_answers_the_limit_doubles_per_round_until_an_overload() {
        let t0 = Instant::now();
        let mut limiter = ConcurrencyLimiter::new(1, 2, 64);
        for _ in 0..16 {
            limiter.on_served(t0, t0 + ms(50), 64);
        }
        assert!((limiter.exact_limit() - 6.097_345).abs() < 1e-5);
        limiter.on_served(t0, t0 + ms(50), 64);
        assert!((limiter.exact_limit() - 7.097_345).abs() < 1e-5);
        limiter.on_served(t0, t0 + ms(50), 64);
        assert!((limiter.exact_limit() - 8.097_345).abs() < 1e-5);
        limiter.on_overload(t0 + ms(10), t0 + ms(60));
        assert!((limiter.exact_limit() - 7.287_611).abs() < 1e-5);
        limiter.on_served(t0 + ms(60), t0 + ms(110), 64);
        assert!((limiter.exact_limit() - 7.424_830).abs() < 1e-5);
    }

    #[test]
    fn overload_multiplies_by_nine_tenths_once_per_round() {
        let t0 = Instant::now();
        let mut limiter = ConcurrencyLimiter::new(1, 10, 10);
        limiter.on_overload(t0, t0 + ms(100));
        assert_eq!(limiter.exact_limit(), 9.0);
        // Started before the decrease at 100 ms: about the old limit.
        limiter.on_overload(t0 + ms(99), t0 + ms(120));
        assert_eq!(limiter.exact_limit(), 9.0);
        // Started at the decrease or later: counts.
        limiter.on_overload(t0 + ms(100), t0 + ms(150));
        assert!((limiter.exact_limit() - 8.1).abs() < 1e-9);
        assert_eq!(limiter.limit(), 8);
    }

    #[test]
    fn the_limit_stays_within_its_bounds() {
        let t0 = Instant::now();
        let mut limiter = ConcurrencyLimiter::new(2, 3, 5);
        for step in 0..100 {
            let at = t0 + ms(step);
            limiter.on_overload(at, at);
        }
        assert_eq!(limiter.exact_limit(), 2.0);
        for _ in 0..100 {
            limiter.on_served(t0, t0 + ms(10), 5);
        }
        assert_eq!(limiter.exact_limit(), 5.0);
    }

    #[test]
    fn an_answer_slower_than_twice_the_baseline_is_overload() {
        let t0 = Instant::now();
        let mut limiter = ConcurrencyLimiter::new(1, 10, 10);
        limiter.on_served(t0, t0 + ms(100), 10);
        assert_eq!(limiter.baseline(), Some(ms(100)));
        assert_eq!(limiter.exact_limit(), 10.0);
        // Exactly twice is still normal; above the minimum the baseline
        // does not drift.
        limiter.on_served(t0, t0 + ms(200), 10);
        assert_eq!(limiter.exact_limit(), 10.0);
        assert_eq!(limiter.baseline(), Some(ms(100)));
        // 201 ms > 2 × 100 ms: overload.
        limiter.on_served(t0, t0 + ms(201), 10);
        assert_eq!(limiter.exact_limit(), 9.0);
        assert_eq!(limiter.baseline(), Some(ms(100)));
        // A faster answer becomes the baseline.
        limiter.on_served(t0 + ms(300), t0 + ms(340), 10);
        assert_eq!(limiter.baseline(), Some(ms(40)));
    }

    #[test]
    fn at_its_minimum_the_limit_accepts_a_slower_server_little_by_little() {
        let t0 = Instant::now();
        let mut limiter = ConcurrencyLimiter::new(2, 2, 10);
        limiter.on_served(t0, t0 + ms(100), 2);
        // 2 + 1/2 = 2.5: above the minimum, no drift.
        assert_eq!(limiter.exact_limit(), 2.5);
        limiter.on_served(t0, t0 + ms(150), 2);
        assert_eq!(limiter.baseline(), Some(ms(100)));
        for _ in 0..3 {
            limiter.on_overload(t0 + ms(100), t0 + ms(100));
        }
        // 2.9 × 0.9 = 2.61, × 0.9 = 2.349, × 0.9 = 2.114 1.
        assert!((limiter.exact_limit() - 2.1141).abs() < 1e-9);
        limiter.on_overload(t0 + ms(100), t0 + ms(100));
        assert_eq!(limiter.exact_limit(), 2.0);
        // At the minimum a slower answer moves the baseline 1 % of the
        // gap: 100 + 300 × 0.01 = 103 ms (and, being slow, is overload).
        limiter.on_served(t0 + ms(100), t0 + ms(500), 2);
        assert_eq!(limiter.baseline(), Some(ms(103)));
        assert_eq!(limiter.exact_limit(), 2.0);
    }

    #[derive(Debug, Clone)]
    enum Event {
        /// An answer after `latency` ms, `in_flight` in flight.
        Served { latency: u64, in_flight: usize },
        /// Overload for a request started `age` ms before now.
        Overload { age: u64 },
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            8 => (0..400_u64, 1..70_usize)
                .prop_map(|(latency, in_flight)| Event::Served { latency, in_flight }),
            1 => (0..300_u64).prop_map(|age| Event::Overload { age }),
        ]
    }

    proptest! {
        /// The limiter against the rule restated naively: each event at
        /// 10 ms steps; a decrease ignores requests started before the
        /// last one; an increase needs the limit in use, and is 1 instead
        /// of 1 / limit after 16 such answers with no overload yet; an
        /// answer is slow beyond twice the baseline or 5 ms; the baseline
        /// is the lowest latency, drifting up by 1 % of each gap
        /// only while the limit is at its minimum.
        #[test]
        fn the_limiter_follows_the_rule(
            (min, max) in (1..8_usize, 8..64_usize),
            initial in 1..64_usize,
            events in proptest::collection::vec(event(), 0..200),
        ) {
            let initial = initial.clamp(min, max);
            let t0 = Instant::now();
            let mut limiter = ConcurrencyLimiter::new(min, initial, max);
            let mut limit = initial as f64;
            let mut last_decrease: Option<u64> = None;
            let mut baseline: Option<f64> = None;
            let mut slow_start = true;
            let mut in_use_answers = 0;
            for (step, event) in events.into_iter().enumerate() {
                let now = 1_000 + step as u64 * 10;
                let mut decrease = |started: u64, limit: &mut f64| {
                    if last_decrease.is_none_or(|last| started >= last) {
                        *limit = (*limit * 0.9).max(min as f64);
                        last_decrease = Some(now);
                    }
                };
                match event {
                    Event::Served { latency, in_flight } => {
                        let started = now - latency;
                        let seconds = latency as f64 / 1_000.0;
                        // Judged against at least 2.5 ms.
                        let slow = baseline.is_some_and(|b: f64| seconds > b.max(0.0025) * 2.0);
                        baseline = Some(match baseline {
                            Some(b) if seconds > b && limit > min as f64 => b,
                            Some(b) if seconds > b => b + (seconds - b) * 0.01,
                            _ => seconds,
                        });
                        if slow {
                            slow_start = false;
                            decrease(started, &mut limit);
                        } else if (in_flight * 2) as f64 >= limit {
                            in_use_answers += 1;
                            let step = if slow_start && in_use_answers > 16 { 1.0 } else { 1.0 / limit };
                            limit = (limit + step).min(max as f64);
                        }
                        limiter.on_served(t0 + ms(started), t0 + ms(now), in_flight);
                    }
                    Event::Overload { age } => {
                        slow_start = false;
                        decrease(now - age, &mut limit);
                        limiter.on_overload(t0 + ms(now - age), t0 + ms(now));
                    }
                }
                prop_assert!((limiter.exact_limit() - limit).abs() < 1e-9, "{} vs {limit}", limiter.exact_limit());
                prop_assert!((min..=max).contains(&limiter.limit()));
                let got = limiter.baseline().unwrap_or_default().as_secs_f64();
                prop_assert!((got - baseline.unwrap_or_default()).abs() < 1e-6, "{got} vs {baseline:?}");
            }
        }
    }
}
