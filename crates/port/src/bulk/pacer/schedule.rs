//! [`Schedule`]: when the next request may start at a given rate.

use std::time::{Duration, Instant};

/// How late a start may come after the slot it waited for and still keep
/// the schedule, with a timer that wakes up to a millisecond late; and how
/// far behind `now` the schedule may lag at rates above 500/s.
pub(crate) const SLACK: Duration = Duration::from_millis(2);

/// The slots of a paced run: starts at least `1 / rate` apart.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    /// The slot of the last start.
    slot: Option<Instant>,
    /// The slot the last wait was for.
    waited_for: Option<Instant>,
    /// How late a start may come after the slot it waited for and keep it.
    keep_late: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Self::keeping_late(SLACK)
    }
}

impl Schedule {
    /// A schedule where a start at most `keep_late` after the slot it waited
    /// for keeps that slot: the sleeper's lateness ([`SLACK`] for a timer on
    /// a millisecond tick, nothing for one that ends waits precisely, whose
    /// late starts come from the scheduling of tasks instead).
    pub(crate) fn keeping_late(keep_late: Duration) -> Self {
        Self {
            slot: None,
            waited_for: None,
            keep_late,
        }
    }

    /// When the next request may start at `rate` (none: at once).
    fn next(&self, rate: Option<f64>) -> Option<Instant> {
        Some(self.slot? + Duration::from_secs_f64(1.0 / rate?))
    }

    /// How long a request must wait at `now`; `None` when it may start.
    pub(crate) fn wait(&mut self, now: Instant, rate: Option<f64>) -> Option<Duration> {
        let next = self.next(rate)?;
        if next <= now {
            return None;
        }
        self.waited_for = Some(next);
        Some(next - now)
    }

    /// A request starts at `now`. Its slot is the next one, or `now` if
    /// that is later, with two allowances for a timer that wakes up late and
    /// only every millisecond:
    ///
    /// - a start that comes at most `keep_late` after the slot it waited for
    ///   keeps that slot, so the schedule loses nothing to the timer (but the
    ///   next gap is shorter by as much: against a bucket of one token, a
    ///   gap shorter than `1 / R` is refused, so a precise timer keeps no
    ///   late slot);
    /// - at a rate whose interval is shorter than [`SLACK`], the schedule may
    ///   lag `SLACK - interval` behind `now`: the slots passed meanwhile are
    ///   used at once.
    pub(crate) fn start(&mut self, now: Instant, rate: Option<f64>) {
        let Some(rate) = rate else {
            self.slot = Some(now);
            return;
        };
        let interval = Duration::from_secs_f64(1.0 / rate);
        let mut earliest = now
            .checked_sub(SLACK.saturating_sub(interval))
            .unwrap_or(now);
        if let Some(due) = self.waited_for
            && now.saturating_duration_since(due) <= self.keep_late
        {
            earliest = earliest.min(due);
        }
        self.slot = Some(match self.slot {
            Some(slot) => (slot + interval).max(earliest),
            None => now,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    /// How many requests may start at `now`, one after the other.
    fn starts_at(schedule: &mut Schedule, now: Instant, rate: f64) -> usize {
        let mut count = 0;
        while schedule.wait(now, Some(rate)).is_none() {
            schedule.start(now, Some(rate));
            count += 1;
        }
        count
    }

    #[test]
    fn unpaced_requests_never_wait() {
        let t0 = Instant::now();
        let mut schedule = Schedule::default();
        for _ in 0..3 {
            assert_eq!(schedule.wait(t0, None), None);
            schedule.start(t0, None);
        }
        // The slot of the last start is kept: pacing from then on counts
        // from it.
        assert_eq!(schedule.wait(t0, Some(10.0)), Some(ms(100)));
    }

    #[test]
    fn requests_start_one_interval_apart_at_the_rate_in_force() {
        let t0 = Instant::now();
        let mut schedule = Schedule::default();
        assert_eq!(
            schedule.wait(t0, Some(10.0)),
            None,
            "the first starts at once"
        );
        schedule.start(t0, Some(10.0));
        assert_eq!(schedule.wait(t0, Some(10.0)), Some(ms(100)));
        assert_eq!(schedule.wait(t0 + ms(40), Some(10.0)), Some(ms(60)));
        // The rate doubled meanwhile: the next slot is 50 ms after the last.
        assert_eq!(schedule.wait(t0 + ms(40), Some(20.0)), Some(ms(10)));
        assert_eq!(schedule.wait(t0 + ms(50), Some(20.0)), None);
    }

    #[test]
    fn a_start_ahead_of_its_slot_pushes_the_next_one() {
        let t0 = Instant::now();
        let mut schedule = Schedule::default();
        schedule.start(t0, Some(10.0));
        schedule.start(t0 + ms(50), Some(10.0));
        // Slots t0 and t0 + 100 ms: the next is at t0 + 200 ms.
        assert_eq!(schedule.wait(t0 + ms(50), Some(10.0)), Some(ms(150)));
    }

    #[test]
    fn a_timer_late_by_at_most_the_slack_loses_nothing() {
        let t0 = Instant::now();
        let mut schedule = Schedule::default();
        schedule.start(t0, Some(100.0));
        assert_eq!(schedule.wait(t0, Some(100.0)), Some(ms(10)));
        // Woken 1.8 ms late: the start keeps its slot (t0 + 10 ms), so the
        // next is due at t0 + 20 ms, 8.2 ms later.
        schedule.start(t0 + us(11_800), Some(100.0));
        assert_eq!(schedule.wait(t0 + us(11_800), Some(100.0)), Some(us(8_200)));
    }

    #[test]
    fn a_start_later_than_the_slack_counts_from_itself() {
        let t0 = Instant::now();
        let mut schedule = Schedule::default();
        schedule.start(t0, Some(100.0));
        assert_eq!(schedule.wait(t0, Some(100.0)), Some(ms(10)));
        // 2.1 ms late: more than the slack, no catching up.
        schedule.start(t0 + us(12_100), Some(100.0));
        assert_eq!(schedule.wait(t0 + us(12_100), Some(100.0)), Some(ms(10)));
        // After a pause, no burst either (the interval exceeds the slack).
        schedule.start(t0 + ms(1_000), Some(100.0));
        assert_eq!(schedule.wait(t0 + ms(1_000), Some(100.0)), Some(ms(10)));
    }

    /// With a precise timer a late start is the scheduler's delay, not the
    /// timer's: it keeps no slot, so the next gap is a whole interval.
    #[test]
    fn keeping_no_late_slot_never_shortens_a_gap() {
        let t0 = Instant::now();
        let mut schedule = Schedule::keeping_late(Duration::ZERO);
        schedule.start(t0, Some(200.0));
        assert_eq!(schedule.wait(t0, Some(200.0)), Some(ms(5)));
        // Started 0.3 ms after its slot (t0 + 5 ms): the next slot is 5 ms
        // after the start, not after the slot.
        schedule.start(t0 + us(5_300), Some(200.0));
        assert_eq!(schedule.wait(t0 + us(5_300), Some(200.0)), Some(ms(5)));
        // On time: the slot is kept as it is.
        schedule.start(t0 + us(10_300), Some(200.0));
        assert_eq!(schedule.wait(t0 + us(10_300), Some(200.0)), Some(ms(5)));
    }

    /// At 4,000 requests/s (0.25 ms apart) with a timer that wakes every
    /// millisecond, the slots passed while waiting are used at once: 4 per
    /// millisecond.
    #[test]
    fn above_the_timers_resolution_the_passed_slots_are_used() {
        let t0 = Instant::now();
        let mut schedule = Schedule::default();
        schedule.start(t0, Some(4_000.0));
        assert_eq!(schedule.wait(t0, Some(4_000.0)), Some(us(250)));
        // Woken at t0 + 1 ms: slots t0 + 0.25, 0.5, 0.75 and 1 ms.
        assert_eq!(starts_at(&mut schedule, t0 + ms(1), 4_000.0), 4);
        assert_eq!(schedule.wait(t0 + ms(1), Some(4_000.0)), Some(us(250)));
        assert_eq!(starts_at(&mut schedule, t0 + ms(2), 4_000.0), 4);
        // After a pause the schedule may lag 2 - 0.25 = 1.75 ms behind:
        // slots now - 1.75 ms up to now, 8 of them.
        assert_eq!(starts_at(&mut schedule, t0 + ms(100), 4_000.0), 8);
    }
}
