//! [`EventClock`]: the `accepted_time` of each callback, in whole microseconds like Sinch's
//! (`2020-11-17T16:05:51.724083Z`) and strictly increasing within one emulator, so that a mirror
//! can always order two changes to one contact, however close together they were made.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Hands out strictly increasing instants, each the wall clock truncated to the microsecond, or
/// one microsecond after the previous one when the clock has not moved on since (or went back).
#[derive(Debug, Default)]
pub(crate) struct EventClock {
    last_micros: Option<u64>,
}

impl EventClock {
    /// The accepted time of the next event, given the wall clock reads `now`.
    pub(crate) fn next(&mut self, now: SystemTime) -> SystemTime {
        let micros = now.duration_since(UNIX_EPOCH).map_or(0, |since| {
            u64::try_from(since.as_micros()).unwrap_or(u64::MAX)
        });
        let next = match self.last_micros {
            Some(last) if micros <= last => last.saturating_add(1),
            _ => micros,
        };
        self.last_micros = Some(next);
        UNIX_EPOCH + Duration::from_micros(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_micros(micros: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_micros(micros)
    }

    #[test]
    fn follows_the_clock_truncated_to_the_microsecond() {
        let mut clock = EventClock::default();
        let now = UNIX_EPOCH + Duration::from_nanos(1_605_629_151_724_083_999);
        assert_eq!(clock.next(now), at_micros(1_605_629_151_724_083));
        assert_eq!(
            clock.next(at_micros(1_605_629_151_800_000)),
            at_micros(1_605_629_151_800_000)
        );
    }

    #[test]
    fn a_clock_that_has_not_moved_on_adds_one_microsecond() {
        let mut clock = EventClock::default();
        let now = at_micros(1_000_000);
        let times: Vec<SystemTime> = (0..3).map(|_| clock.next(now)).collect();
        assert_eq!(
            times,
            [
                at_micros(1_000_000),
                at_micros(1_000_001),
                at_micros(1_000_002)
            ]
        );
        // Within the same microsecond too.
        let later = UNIX_EPOCH + Duration::from_nanos(1_000_002_500);
        assert_eq!(clock.next(later), at_micros(1_000_003));
        // The clock catches up again once it has passed the last instant handed out.
        assert_eq!(clock.next(at_micros(2_000_000)), at_micros(2_000_000));
    }

    #[test]
    fn a_clock_that_goes_back_still_gives_increasing_times() {
        let mut clock = EventClock::default();
        assert_eq!(clock.next(at_micros(5_000)), at_micros(5_000));
        assert_eq!(clock.next(at_micros(1_000)), at_micros(5_001));
        assert_eq!(
            clock.next(UNIX_EPOCH - Duration::from_secs(1)),
            at_micros(5_002)
        );
    }
}
