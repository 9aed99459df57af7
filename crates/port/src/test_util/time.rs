//! A manual clock and a sleeper that records instead of waiting.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use crate::runtime::{Clock, Sleep, SleepFuture};

/// A [`Clock`] that moves only when told to; its monotonic and wall times
/// advance together.
#[derive(Debug, Clone)]
pub struct ManualClock {
    start: Instant,
    start_wall: SystemTime,
    elapsed: Arc<Mutex<Duration>>,
}

impl ManualClock {
    /// A clock frozen at the current instant and wall time.
    pub fn new() -> Self {
        Self::at_wall_time(SystemTime::now())
    }

    /// A clock frozen at the given wall time.
    pub fn at_wall_time(wall: SystemTime) -> Self {
        Self {
            start: Instant::now(),
            start_wall: wall,
            elapsed: Arc::default(),
        }
    }

    /// Moves the clock forward (saturating: a clock advanced beyond what
    /// [`Instant`] and [`SystemTime`] can hold stays at the largest time they
    /// can).
    pub fn advance(&self, by: Duration) {
        let mut elapsed = self.elapsed.lock().unwrap_or_else(PoisonError::into_inner);
        *elapsed = elapsed.saturating_add(by);
    }

    fn elapsed(&self) -> Duration {
        *self.elapsed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        latest(self.start, self.elapsed(), |time, by| time.checked_add(by))
    }

    fn wall_now(&self) -> SystemTime {
        latest(self.start_wall, self.elapsed(), |time, by| {
            time.checked_add(by)
        })
    }
}

/// `start + elapsed`, or the latest representable time on the way there.
fn latest<T: Copy>(start: T, elapsed: Duration, add: impl Fn(T, Duration) -> Option<T>) -> T {
    if let Some(time) = add(start, elapsed) {
        return time;
    }
    // Binary search for the largest representable step.
    let (mut reachable, mut unreachable) = (Duration::ZERO, elapsed);
    while unreachable.saturating_sub(reachable) > Duration::from_secs(1) {
        let middle = reachable + (unreachable - reachable) / 2;
        if add(start, middle).is_some() {
            reachable = middle;
        } else {
            unreachable = middle;
        }
    }
    add(start, reachable).unwrap_or(start)
}

/// A [`Sleep`] that returns at once, records each requested delay and, if
/// given a [`ManualClock`], advances it by that delay.
#[derive(Debug, Clone, Default)]
pub struct RecordingSleep {
    delays: Arc<Mutex<Vec<Duration>>>,
    clock: Option<ManualClock>,
}

impl RecordingSleep {
    /// A sleeper that only records.
    pub fn new() -> Self {
        Self::default()
    }

    /// A sleeper that also advances `clock`.
    pub fn advancing(clock: ManualClock) -> Self {
        Self {
            delays: Arc::default(),
            clock: Some(clock),
        }
    }

    /// The delays requested so far, in order.
    pub fn delays(&self) -> Vec<Duration> {
        self.delays
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Sleep for RecordingSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        self.delays
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(duration);
        if let Some(clock) = &self.clock {
            clock.advance(duration);
        }
        Box::pin(std::future::ready(()))
    }
}
