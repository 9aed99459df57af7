//! [`Pacer`]: how fast requests may start, from the 429s and what was
//! served.
//!
//! - [`Rules`] decide the rate: none (unpaced) until 429s show a quota,
//!   then a search for the quota's rate and additive increase,
//!   multiplicative decrease around it;
//! - a [`Verdict`](verdict::Verdict) weighs the answers after the first 429;
//! - a [`Tally`] counts, per interval of at least 100 ms and 20 requests,
//!   what the requests started in it met;
//! - a [`Schedule`] spaces the starts at `1 / rate`;
//! - [`Recent`] counts the answers served in the last second, where a
//!   search starts from;
//! - [`Closing`] slows the pace of a run's last requests under a quota.

mod closing;
mod recent;
mod rules;
mod schedule;
mod strays;
mod tally;
mod verdict;

use std::time::{Duration, Instant};

pub(crate) use tally::Answer;

use closing::Closing;
use recent::Recent;
use rules::Rules;
use schedule::Schedule;
use tally::Tally;

/// The pacing of a bulk run.
#[derive(Debug, Clone)]
pub(crate) struct Pacer {
    rules: Rules,
    schedule: Schedule,
    tally: Tally,
    recent: Recent,
    closing: Closing,
}

impl Pacer {
    /// A pacer made at `now`: unpaced until 429s show a quota, or searching
    /// from `initial` when given; never above `ceiling`.
    pub(crate) fn new(initial: Option<f64>, ceiling: Option<f64>, now: Instant) -> Self {
        Self {
            rules: Rules::new(initial, ceiling, now),
            schedule: Schedule::default(),
            tally: Tally::new(now),
            recent: Recent::new(now),
            closing: Closing::default(),
        }
    }

    /// The same pacer, where a start at most `keep_late` after the slot it
    /// waited for keeps that slot: how late the sleeper's pacing waits end
    /// ([`Sleep::pace_lateness`](crate::Sleep::pace_lateness)).
    pub(crate) fn keeping_late(mut self, keep_late: Duration) -> Self {
        self.schedule = Schedule::keeping_late(keep_late);
        self
    }

    /// The pacing rate in requests per second; `None` when unpaced.
    #[cfg(test)]
    pub(crate) fn rate(&self) -> Option<f64> {
        self.rules.rate()
    }

    /// `left` jobs are left to start, when known.
    pub(crate) fn set_left(&mut self, left: Option<usize>) {
        self.closing.set_left(left);
    }

    /// A 429 put a job to wait for `wait` before its next attempt.
    pub(crate) fn throttled_wait(&mut self, wait: Duration) {
        self.closing.throttled_wait(wait);
    }

    /// The rate requests start at: under a quota, slower in the run's
    /// closing span ([`Closing`]).
    fn pace(&self) -> Option<f64> {
        let rate = self.rules.rate()?;
        Some(if self.rules.in_quota() {
            self.closing.pace(rate)
        } else {
            rate
        })
    }

    /// How long to wait before a request may start at `now`; `None` when it
    /// may start now.
    pub(crate) fn wait(&mut self, now: Instant) -> Option<Duration> {
        let wait = self.schedule.wait(now, self.pace())?;
        self.rules.held_back();
        Some(wait)
    }

    /// A request starts at `now`.
    pub(crate) fn start(&mut self, now: Instant) {
        if self.tally.due(now) {
            self.tally.roll(now);
        }
        self.tally.on_start();
        self.schedule.start(now, self.pace());
    }

    /// A request started at `started` got `answer` at `now`.
    pub(crate) fn on_answer(&mut self, answer: Answer, started: Instant, now: Instant) {
        if answer == Answer::Served {
            self.recent.record(now);
        }
        if answer != Answer::Other {
            let throttled = answer == Answer::Throttled;
            let recent = self.recent.count(now);
            if self.rules.on_answer(throttled, started, now, recent) {
                // A new phase: its intervals count from now.
                self.tally.reset(now);
                return;
            }
        }
        for sample in self.tally.on_answer(started, answer) {
            if self.rules.on_sample(sample, now) {
                self.tally.reset(now);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn without_429s_nothing_waits() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(None, None, t0);
        for n in 0..100 {
            assert_eq!(pacer.wait(t0 + ms(n)), None);
            pacer.start(t0 + ms(n));
            pacer.on_answer(Answer::Served, t0 + ms(n), t0 + ms(n + 1));
        }
        assert_eq!(pacer.rate(), None);
    }

    /// 30 answers served in the last second, then two 429s: a quota; the
    /// search starts at 31 requests/s (one more served meanwhile).
    #[test]
    fn a_quota_paces_the_run_from_what_was_served() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(None, None, t0);
        for n in 0..30 {
            pacer.start(t0 + ms(n * 10));
            pacer.on_answer(Answer::Served, t0 + ms(n * 10), t0 + ms(n * 10 + 5));
        }
        // Answers that say nothing about a quota change nothing.
        pacer.on_answer(Answer::Other, t0, t0 + ms(400));
        assert_eq!(pacer.rate(), None);
        pacer.on_answer(Answer::Throttled, t0 + ms(290), t0 + ms(400));
        assert_eq!(pacer.rate(), None, "one 429 is not enough");
        // Served, started before the first 429 came: not weighed.
        pacer.on_answer(Answer::Served, t0 + ms(290), t0 + ms(401));
        assert_eq!(pacer.rate(), None);
        // ... but it was served within the last second: 31 served.
        pacer.on_answer(Answer::Throttled, t0 + ms(290), t0 + ms(401));
        assert_eq!(pacer.rate(), Some(31.0));
        pacer.start(t0 + ms(401));
        let wait = pacer.wait(t0 + ms(401)).unwrap();
        assert!(wait.abs_diff(Duration::from_secs_f64(1.0 / 31.0)) < Duration::from_micros(1));
    }

    /// Searching from 20/s, nothing closes; a 429 ends the search at 19/s.
    /// With a 429 wait of 1 s seen, 19 jobs left do not all start within
    /// it at 19/s (starts 1 / 19 s apart), 18 do (1 / (0.85 × 19) s).
    #[test]
    fn a_runs_last_requests_under_a_quota_start_at_085_of_the_rate() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(Some(20.0), None, t0);
        pacer.throttled_wait(ms(1_000));
        pacer.set_left(Some(0));
        pacer.start(t0);
        let wait = pacer.wait(t0).unwrap();
        assert!(wait.abs_diff(ms(50)) < Duration::from_micros(1));
        pacer.on_answer(Answer::Throttled, t0, t0 + ms(1));
        assert_eq!(pacer.rate(), Some(19.0));
        let t1 = t0 + ms(200);
        pacer.set_left(Some(19));
        pacer.start(t1);
        let wait = pacer.wait(t1).unwrap();
        assert!(wait.abs_diff(Duration::from_secs_f64(1.0 / 19.0)) < Duration::from_micros(1));
        pacer.set_left(Some(18));
        let wait = pacer.wait(t1).unwrap();
        let closing = Duration::from_secs_f64(1.0 / (0.85 * 19.0));
        assert!(
            wait.abs_diff(closing) < Duration::from_micros(1),
            "{wait:?}"
        );
    }

    #[test]
    fn refusals_that_are_not_a_quota_leave_the_run_unpaced() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(None, None, t0);
        pacer.start(t0);
        pacer.on_answer(Answer::Throttled, t0, t0 + ms(1));
        for n in 0..8 {
            pacer.on_answer(Answer::Served, t0 + ms(1), t0 + ms(2 + n));
        }
        for n in 0..50 {
            pacer.start(t0 + ms(20 + n));
            pacer.on_answer(Answer::Throttled, t0 + ms(20 + n), t0 + ms(21 + n));
            assert_eq!(pacer.wait(t0 + ms(21 + n)), None);
        }
        assert_eq!(pacer.rate(), None);
    }

    #[test]
    fn a_ceiling_paces_from_the_start() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(None, Some(20.0), t0);
        assert_eq!(pacer.wait(t0), None);
        pacer.start(t0);
        assert_eq!(pacer.wait(t0), Some(ms(50)));
        let mut pacer = Pacer::new(Some(10.0), Some(20.0), t0);
        pacer.start(t0);
        assert_eq!(pacer.wait(t0), Some(ms(100)));
    }

    /// Unpaced, 20 requests in 100 ms of which 15 are refused: an interval
    /// far over a quota; the search starts from its served rate (50/s).
    #[test]
    fn an_interval_far_over_a_quota_starts_a_search() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new(None, None, t0);
        // A first 429 judged not a quota (eight served answers follow).
        pacer.on_answer(Answer::Throttled, t0, t0);
        for _ in 0..8 {
            pacer.on_answer(Answer::Served, t0, t0);
        }
        for n in 0..20 {
            pacer.start(t0 + ms(n * 5));
        }
        pacer.start(t0 + ms(100));
        for n in 0..20 {
            let answer = if n < 15 {
                Answer::Throttled
            } else {
                Answer::Served
            };
            pacer.on_answer(answer, t0 + ms(n * 5), t0 + ms(101));
        }
        assert_eq!(pacer.rate(), Some(50.0));
    }
}
