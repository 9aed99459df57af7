//! [`Tally`]: what the requests started in each interval met, counted by
//! the instant they started.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The shortest interval.
pub(crate) const MIN_INTERVAL: Duration = Duration::from_millis(100);
/// The fewest requests an interval counts before it may end.
pub(crate) const MIN_SENT: u32 = 20;
/// Ended intervals waiting for answers; beyond, the oldest is taken as it
/// stands.
const MAX_PENDING: usize = 2;

/// How an answer counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Served (not throttled).
    Served,
    /// 429.
    Throttled,
    /// Anything else (a 5xx, a timeout, a connect error).
    Other,
}

/// What the requests started in one interval met.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Sample {
    /// How long the interval lasted, in seconds.
    pub(crate) seconds: f64,
    /// Requests started.
    pub(crate) sent: u32,
    /// Of those, served.
    pub(crate) served: u32,
    /// Of those, answered 429.
    pub(crate) throttled: u32,
}

impl Sample {
    /// Requests started per second.
    pub(crate) fn sent_rate(&self) -> f64 {
        f64::from(self.sent) / self.seconds
    }

    /// Requests served per second.
    pub(crate) fn served_rate(&self) -> f64 {
        f64::from(self.served) / self.seconds
    }

    /// The share of the requests answered 429.
    pub(crate) fn throttled_share(&self) -> f64 {
        f64::from(self.throttled) / f64::from(self.sent.max(1))
    }
}

#[derive(Debug, Clone)]
struct Interval {
    start: Instant,
    end: Option<Instant>,
    sent: u32,
    answered: u32,
    served: u32,
    throttled: u32,
}

impl Interval {
    fn new(start: Instant) -> Self {
        Self {
            start,
            end: None,
            sent: 0,
            answered: 0,
            served: 0,
            throttled: 0,
        }
    }

    fn sample(&self, end: Instant) -> Sample {
        Sample {
            seconds: (end - self.start).as_secs_f64(),
            sent: self.sent,
            served: self.served,
            throttled: self.throttled,
        }
    }
}

/// The intervals of a run: the open one, where requests starting now are
/// counted, and those ended but still waiting for answers.
#[derive(Debug, Clone)]
pub(crate) struct Tally {
    /// Oldest first; the last is open.
    intervals: VecDeque<Interval>,
}

impl Tally {
    /// A tally whose first interval opens at `now`.
    pub(crate) fn new(now: Instant) -> Self {
        Self {
            intervals: VecDeque::from([Interval::new(now)]),
        }
    }

    fn open(&mut self) -> &mut Interval {
        self.intervals
            .back_mut()
            .expect("a tally always has an open interval")
    }

    /// Whether the open interval may end at `now`: it lasted at least
    /// [`MIN_INTERVAL`] and counts at least [`MIN_SENT`] requests.
    pub(crate) fn due(&self, now: Instant) -> bool {
        self.intervals.back().is_some_and(|open| {
            open.sent >= MIN_SENT && now.saturating_duration_since(open.start) >= MIN_INTERVAL
        })
    }

    /// Ends the open interval at `now` and opens the next.
    pub(crate) fn roll(&mut self, now: Instant) {
        self.open().end = Some(now);
        self.intervals.push_back(Interval::new(now));
    }

    /// Forgets every interval and opens one at `now`: answers to requests
    /// started before are not counted.
    pub(crate) fn reset(&mut self, now: Instant) {
        self.intervals.clear();
        self.intervals.push_back(Interval::new(now));
    }

    /// A request starts in the open interval.
    pub(crate) fn on_start(&mut self) {
        self.open().sent += 1;
    }

    /// A request started at `started` got `answer`; returns the samples of
    /// the intervals this completes, oldest first.
    pub(crate) fn on_answer(&mut self, started: Instant, answer: Answer) -> Vec<Sample> {
        if let Some(interval) = self
            .intervals
            .iter_mut()
            .rev()
            .find(|interval| interval.start <= started)
        {
            interval.answered += 1;
            match answer {
                Answer::Served => interval.served += 1,
                Answer::Throttled => interval.throttled += 1,
                Answer::Other => {}
            }
        }
        let mut samples = Vec::new();
        // The open interval has no end: it stops the loop.
        while let Some(oldest) = self.intervals.front() {
            let Some(end) = oldest.end else { break };
            if oldest.answered < oldest.sent && self.intervals.len() <= MAX_PENDING + 1 {
                break;
            }
            samples.push(oldest.sample(end));
            self.intervals.pop_front();
        }
        samples
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn start(tally: &mut Tally, count: u32) {
        for _ in 0..count {
            tally.on_start();
        }
    }

    #[test]
    fn an_interval_ends_after_100_ms_and_20_requests() {
        let t0 = Instant::now();
        let mut tally = Tally::new(t0);
        start(&mut tally, 19);
        assert!(!tally.due(t0 + ms(500)), "19 requests");
        tally.on_start();
        assert!(!tally.due(t0 + ms(99)), "99 ms");
        assert!(tally.due(t0 + ms(100)));
    }

    /// Interval [0, 100 ms): 20 sent, 15 served, 4 refused, 1 failed:
    /// 200 sent/s, 150 served/s, 4 / 20 = 20 % refused.
    #[test]
    fn answers_count_in_the_interval_their_request_started_in() {
        let t0 = Instant::now();
        let mut tally = Tally::new(t0);
        start(&mut tally, 20);
        tally.roll(t0 + ms(100));
        start(&mut tally, 3);
        // An answer to a request of the open interval completes nothing.
        assert_eq!(tally.on_answer(t0 + ms(100), Answer::Served), []);
        for _ in 0..15 {
            assert_eq!(tally.on_answer(t0 + ms(10), Answer::Served), []);
        }
        for _ in 0..4 {
            assert_eq!(tally.on_answer(t0 + ms(99), Answer::Throttled), []);
        }
        let samples = tally.on_answer(t0, Answer::Other);
        let expected = Sample {
            seconds: 0.1,
            sent: 20,
            served: 15,
            throttled: 4,
        };
        assert_eq!(samples, [expected]);
        assert!((expected.sent_rate() - 200.0).abs() < 1e-9);
        assert!((expected.served_rate() - 150.0).abs() < 1e-9);
        assert!((expected.throttled_share() - 0.2).abs() < 1e-12);
    }

    #[test]
    fn an_interval_waits_for_its_answers_until_two_more_ended() {
        let t0 = Instant::now();
        let mut tally = Tally::new(t0);
        start(&mut tally, 20);
        for end in [100, 250] {
            tally.roll(t0 + ms(end));
            start(&mut tally, 20);
        }
        // Two ended intervals and the open one: the first, 18 of 20
        // answered, still waits.
        for _ in 0..18 {
            assert_eq!(tally.on_answer(t0, Answer::Served), []);
        }
        // A third ends: the first is taken as it stands at the next answer.
        tally.roll(t0 + ms(400));
        let samples = tally.on_answer(t0 + ms(300), Answer::Served);
        assert_eq!(
            samples,
            [Sample {
                seconds: 0.1,
                sent: 20,
                served: 18,
                throttled: 0,
            }]
        );
        // The second, [100, 250 ms), completes with its 20th answer.
        for _ in 0..19 {
            assert_eq!(tally.on_answer(t0 + ms(100), Answer::Throttled), []);
        }
        let samples = tally.on_answer(t0 + ms(249), Answer::Throttled);
        assert_eq!(
            samples,
            [Sample {
                seconds: 0.15,
                sent: 20,
                served: 0,
                throttled: 20,
            }]
        );
    }

    #[test]
    fn a_reset_forgets_the_intervals_and_what_started_before() {
        let t0 = Instant::now();
        let mut tally = Tally::new(t0);
        start(&mut tally, 20);
        tally.roll(t0 + ms(100));
        tally.reset(t0 + ms(150));
        start(&mut tally, 20);
        // Answers to requests started before the reset count nowhere.
        for _ in 0..20 {
            assert_eq!(tally.on_answer(t0 + ms(149), Answer::Throttled), []);
        }
        tally.roll(t0 + ms(250));
        for _ in 0..19 {
            assert_eq!(tally.on_answer(t0 + ms(150), Answer::Served), []);
        }
        let samples = tally.on_answer(t0 + ms(200), Answer::Served);
        assert_eq!(
            samples,
            [Sample {
                seconds: 0.1,
                sent: 20,
                served: 20,
                throttled: 0,
            }]
        );
    }

    #[test]
    fn a_sample_with_nothing_sent_has_no_share_refused() {
        let sample = Sample {
            seconds: 0.1,
            sent: 0,
            served: 0,
            throttled: 0,
        };
        assert_eq!(sample.throttled_share(), 0.0);
    }
}
