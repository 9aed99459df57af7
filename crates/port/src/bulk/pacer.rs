//! [`Pacer`]: how fast requests may start, learnt from 429s and kept under
//! the caller's ceiling.
//!
//! Requests start at least `1 / rate` apart (a token bucket holding one
//! token), so a server's bucket sees them evenly spread, never in a clump.
//! The rate is learnt:
//!
//! - **slow start**: from the initial rate, each served request adds
//!   [`SLOW_START_STEP`] request/s (the rate about doubles every 0.7 s),
//!   until the first 429;
//! - **then probing**: each served request adds [`PROBE_STEP`] request/s
//!   (about +2 % a second);
//! - a 429 multiplies the rate by [`CUT`], at most once per round (a 429 of
//!   a request that started before the last cut is ignored).
//!
//! The rate grows only while it holds requests back: a send waited for the
//! pacer since the last increase. It never exceeds the ceiling
//! (`max_rate`) nor goes below [`MIN_RATE`].

use std::time::{Duration, Instant};

use super::options::MIN_RATE;

/// What a served request adds to the rate during slow start (request/s).
pub(crate) const SLOW_START_STEP: f64 = 1.0;
/// What a served request adds to the rate after the first 429 (request/s).
pub(crate) const PROBE_STEP: f64 = 0.02;
/// The factor a 429 multiplies the rate by.
pub(crate) const CUT: f64 = 0.9;

/// The pacing of a bulk run.
#[derive(Debug, Clone)]
pub(crate) struct Pacer {
    rate: f64,
    ceiling: Option<f64>,
    slow_start: bool,
    next_start: Option<Instant>,
    last_cut: Option<Instant>,
    held_back: bool,
}

impl Pacer {
    /// A pacer starting at `initial` requests/s (at least [`MIN_RATE`]),
    /// never above `ceiling`.
    pub(crate) fn new(initial: f64, ceiling: Option<f64>) -> Self {
        let mut pacer = Self {
            rate: initial,
            ceiling,
            slow_start: true,
            next_start: None,
            last_cut: None,
            held_back: false,
        };
        pacer.rate = pacer.bounded(initial);
        pacer
    }

    /// The current rate, in requests per second.
    #[cfg(test)]
    pub(crate) fn rate(&self) -> f64 {
        self.rate
    }

    /// When the next request may start, once one started.
    #[cfg(test)]
    pub(crate) fn next_start(&self) -> Option<Instant> {
        self.next_start
    }

    /// Whether the pacer is still in slow start.
    #[cfg(test)]
    pub(crate) fn in_slow_start(&self) -> bool {
        self.slow_start
    }

    fn bounded(&self, rate: f64) -> f64 {
        let rate = rate.max(MIN_RATE);
        self.ceiling.map_or(rate, |ceiling| rate.min(ceiling))
    }

    /// How long to wait before a request may start at `now`; `None` when it
    /// may start now. A wait marks the pacer as holding requests back.
    pub(crate) fn wait(&mut self, now: Instant) -> Option<Duration> {
        let next = self.next_start?;
        if next <= now {
            return None;
        }
        self.held_back = true;
        Some(next - now)
    }

    /// A request starts at `now`: the next may start `1 / rate` later.
    pub(crate) fn start(&mut self, now: Instant) {
        let from = self.next_start.map_or(now, |next| next.max(now));
        self.next_start = Some(from + Duration::from_secs_f64(1.0 / self.rate));
    }

    /// A request was served (not throttled).
    pub(crate) fn on_served(&mut self) {
        if !self.held_back {
            return;
        }
        self.held_back = false;
        let step = if self.slow_start {
            SLOW_START_STEP
        } else {
            PROBE_STEP
        };
        self.rate = self.bounded(self.rate + step);
    }

    /// A request started at `started` was answered 429, as learnt at `now`.
    pub(crate) fn on_throttled(&mut self, started: Instant, now: Instant) {
        if self.last_cut.is_some_and(|last| started < last) {
            return;
        }
        self.slow_start = false;
        self.rate = self.bounded(self.rate * CUT);
        self.last_cut = Some(now);
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
    fn requests_start_one_interval_apart() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(10.0, None);
        assert_eq!(pacer.wait(t0), None, "the first request starts at once");
        pacer.start(t0);
        assert_eq!(pacer.wait(t0), Some(ms(100)));
        assert_eq!(pacer.wait(t0 + ms(40)), Some(ms(60)));
        assert_eq!(pacer.wait(t0 + ms(100)), None);
        pacer.start(t0 + ms(100));
        assert_eq!(pacer.wait(t0 + ms(100)), Some(ms(100)));
        // After a pause, the next interval counts from the start, not from
        // the missed slots: no burst to catch up.
        pacer.start(t0 + ms(1_000));
        assert_eq!(pacer.wait(t0 + ms(1_000)), Some(ms(100)));
        assert_eq!(pacer.wait(t0 + ms(1_050)), Some(ms(50)));
    }

    #[test]
    fn a_start_ahead_of_its_slot_pushes_the_next_one() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(10.0, None);
        pacer.start(t0);
        pacer.start(t0 + ms(50));
        assert_eq!(pacer.wait(t0 + ms(50)), Some(ms(150)));
    }

    #[test]
    fn the_rate_grows_only_while_it_holds_requests_back() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(10.0, None);
        pacer.on_served();
        assert_eq!(pacer.rate(), 10.0);
        pacer.start(t0);
        assert!(pacer.wait(t0).is_some());
        pacer.on_served();
        assert_eq!(pacer.rate(), 11.0, "slow start: +1 request/s");
        pacer.on_served();
        assert_eq!(pacer.rate(), 11.0, "no wait since the last increase");
    }

    #[test]
    fn a_429_cuts_by_a_tenth_once_per_round_and_ends_slow_start() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(20.0, None);
        assert!(pacer.in_slow_start());
        pacer.on_throttled(t0, t0 + ms(100));
        assert_eq!(pacer.rate(), 18.0);
        assert!(!pacer.in_slow_start());
        pacer.on_throttled(t0 + ms(99), t0 + ms(150));
        assert_eq!(pacer.rate(), 18.0, "started before the cut");
        pacer.on_throttled(t0 + ms(100), t0 + ms(200));
        assert!((pacer.rate() - 16.2).abs() < 1e-9);
        pacer.start(t0 + ms(200));
        assert!(pacer.wait(t0 + ms(200)).is_some());
        pacer.on_served();
        assert!(
            (pacer.rate() - 16.22).abs() < 1e-9,
            "probing: +0.02 request/s"
        );
    }

    #[test]
    fn the_rate_stays_between_the_floor_and_the_ceiling() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(50.0, Some(20.0));
        assert_eq!(pacer.rate(), 20.0);
        for step in 0..10 {
            pacer.start(t0 + ms(step));
            assert!(pacer.wait(t0 + ms(step)).is_some());
            pacer.on_served();
        }
        assert_eq!(pacer.rate(), 20.0);
        for step in 0..100 {
            pacer.on_throttled(t0 + ms(step), t0 + ms(step));
        }
        assert_eq!(pacer.rate(), MIN_RATE);
        assert_eq!(Pacer::new(0.0, None).rate(), MIN_RATE);
    }

    #[derive(Debug, Clone)]
    enum Event {
        /// A request starts now (after waiting if it must).
        Start,
        /// A served answer.
        Served,
        /// A 429 for a request started `age` ms before now.
        Throttled { age: u64 },
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            Just(Event::Start),
            Just(Event::Served),
            (0..200_u64).prop_map(|age| Event::Throttled { age }),
        ]
    }

    proptest! {
        /// The pacer against its rule restated naively, events 7 ms apart:
        /// starts are at least one interval apart; a served answer after a
        /// wait adds 1 (slow start) or 0.02; a 429 not older than the last
        /// cut multiplies by 0.9 and ends slow start; the rate stays within
        /// `MIN_RATE..=ceiling`.
        #[test]
        fn the_pacer_follows_the_rule(
            initial in 0.5..200.0_f64,
            ceiling in proptest::option::of(1.0..100.0_f64),
            events in proptest::collection::vec(event(), 0..200),
        ) {
            let t0 = Instant::now();
            let bound = |rate: f64| {
                let rate = rate.max(MIN_RATE);
                ceiling.map_or(rate, |ceiling| rate.min(ceiling))
            };
            let mut pacer = Pacer::new(initial, ceiling);
            let mut rate = bound(initial);
            let mut slow_start = true;
            let mut last_cut: Option<u64> = None;
            let mut held_back = false;
            let mut last_start: Option<Instant> = None;
            for (step, event) in events.into_iter().enumerate() {
                let now = 1_000 + step as u64 * 7;
                match event {
                    Event::Start => {
                        let at = match pacer.wait(t0 + ms(now)) {
                            Some(wait) => {
                                held_back = true;
                                t0 + ms(now) + wait
                            }
                            None => t0 + ms(now),
                        };
                        if let Some(previous) = last_start {
                            prop_assert!(at >= previous);
                        }
                        prop_assert!(pacer.next_start().is_none_or(|next| next <= at));
                        pacer.start(at);
                        let gap = pacer.next_start().map(|next| (next - at).as_secs_f64());
                        let gap = gap.unwrap_or_default();
                        prop_assert!((gap - 1.0 / rate).abs() < 1e-6, "{} vs {}", gap, 1.0 / rate);
                        last_start = Some(at);
                    }
                    Event::Served => {
                        if held_back {
                            held_back = false;
                            rate = bound(rate + if slow_start { 1.0 } else { 0.02 });
                        }
                        pacer.on_served();
                    }
                    Event::Throttled { age } => {
                        let started = now - age;
                        if last_cut.is_none_or(|cut| started >= cut) {
                            slow_start = false;
                            rate = bound(rate * 0.9);
                            last_cut = Some(now);
                        }
                        pacer.on_throttled(t0 + ms(started), t0 + ms(now));
                    }
                }
                prop_assert!((pacer.rate() - rate).abs() < 1e-9, "{} vs {rate}", pacer.rate());
                prop_assert_eq!(pacer.in_slow_start(), slow_start);
            }
        }
    }
}
