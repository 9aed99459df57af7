//! Injected time and randomness: [`Clock`], [`Sleep`] and [`Jitter`].
//!
//! The client never reads the time, sleeps or draws random numbers directly,
//! so tests can drive token expiry and retry back-off deterministically and
//! the crate does not tie itself to one async runtime.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// A boxed future that completes after a delay; returned by [`Sleep::sleep`].
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The client's clock: monotonic time for token expiry, wall time for
/// `Retry-After` dates.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> Instant;

    /// The current wall-clock time; defaults to [`SystemTime::now`].
    fn wall_now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Waits for a duration, used between retry attempts and, in a
/// [`Bulk`](crate::Bulk) run, to space requests at a rate.
pub trait Sleep: Send + Sync + fmt::Debug {
    /// Returns a future that completes once `duration` has elapsed.
    fn sleep(&self, duration: Duration) -> SleepFuture;

    /// Returns a future that completes once `duration` has elapsed, for the
    /// short waits that space a bulk run's requests at its pacing rate. An
    /// implementation whose timer fires on a coarse tick may end these
    /// waits more precisely; the default is [`Sleep::sleep`].
    fn pace(&self, duration: Duration) -> SleepFuture {
        self.sleep(duration)
    }

    /// How late a [`Sleep::pace`] wait may end. A bulk run lets a request
    /// that starts at most this long after its pacing slot keep the slot,
    /// so a timer that wakes late costs no rate; a request that starts later
    /// than this counts the next slot from its own start. The default, 2 ms,
    /// suits a timer on a millisecond tick; a sleeper that ends waits
    /// precisely returns zero, so that a start delayed by the scheduling of
    /// tasks never makes the next gap shorter than the rate's interval (a
    /// quota enforced with a bucket of one token refuses such a gap).
    fn pace_lateness(&self) -> Duration {
        Duration::from_millis(2)
    }
}

/// Draws the random part of a back-off delay ("full jitter").
pub trait Jitter: Send + Sync + fmt::Debug {
    /// Returns a duration uniformly drawn from `0..=max`.
    fn sample(&self, max: Duration) -> Duration;
}

/// [`Clock`] backed by [`Instant::now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// [`Sleep`] backed by `tokio::time::sleep` for every wait; needs a Tokio
/// runtime with the time driver enabled. It follows Tokio's clock, paused or
/// not, so it is the sleeper for tests on a paused clock; its pacing waits
/// end on Tokio's millisecond tick (see [`PreciseSleep`]).
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

#[cfg(feature = "tokio")]
impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The client's default [`Sleep`] with the `tokio` feature: retry back-off
/// on `tokio::time::sleep`, and pacing waits ([`Sleep::pace`]) ended by a
/// background timer thread within tens of microseconds of their deadline.
///
/// Tokio's timer fires on a millisecond tick, so a 5.3 ms wait ends after 6
/// or 7: a bulk run against a quota of one request every 5 ms with no burst
/// lost a quarter of the quota to it. The timer thread is started on the
/// first pacing wait and spins on nothing. It reads the real clock: under a
/// paused Tokio clock use [`TokioSleep`].
///
/// ```
/// use std::sync::Arc;
/// use sinch_contacts_port::{Auth, ContactsClient, PreciseSleep, Region};
/// # use sinch_contacts_port::test_util::FakeTransport;
/// # let transport = FakeTransport::new();
/// let client = ContactsClient::builder(transport, "project-id")
///     .region(Region::Eu)
///     .auth(Auth::basic("key-id", "key-secret"))
///     .sleep(Arc::new(PreciseSleep))
///     .build()?;
/// # Ok::<(), sinch_contacts_port::ConfigError>(())
/// ```
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct PreciseSleep;

#[cfg(feature = "tokio")]
impl Sleep for PreciseSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(tokio::time::sleep(duration))
    }

    fn pace(&self, duration: Duration) -> SleepFuture {
        Box::pin(crate::precise_timer::precise_delay(
            Instant::now() + duration,
        ))
    }

    fn pace_lateness(&self) -> Duration {
        Duration::ZERO
    }
}

/// [`Jitter`] from a small xorshift generator seeded by the standard
/// library's per-process random hasher keys. Not cryptographic; it only
/// spreads retries of many clients over time.
#[derive(Debug)]
pub struct RandomJitter {
    state: AtomicU64,
}

impl RandomJitter {
    /// A generator with a fresh random seed.
    pub fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(0x9E37_79B9_7F4A_7C15);
        Self::with_seed(hasher.finish())
    }

    /// A generator with a fixed seed, for reproducible sequences.
    pub fn with_seed(seed: u64) -> Self {
        Self {
            state: AtomicU64::new(seed | 1),
        }
    }

    fn next_u64(&self) -> u64 {
        let mut current = self.state.load(Ordering::Relaxed);
        loop {
            let mut next = current;
            next ^= next << 13;
            next ^= next >> 7;
            next ^= next << 17;
            match self.state.compare_exchange_weak(
                current,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next,
                Err(actual) => current = actual,
            }
        }
    }
}

impl Default for RandomJitter {
    fn default() -> Self {
        Self::new()
    }
}

impl Jitter for RandomJitter {
    fn sample(&self, max: Duration) -> Duration {
        let max_nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
        if max_nanos == 0 {
            return Duration::ZERO;
        }
        let draw = self.next_u64() % max_nanos.saturating_add(1).max(1);
        Duration::from_nanos(draw)
    }
}

/// [`Jitter`] that always returns the same fraction of the maximum, for
/// deterministic tests (`1.0` = no jitter, `0.0` = no delay).
#[derive(Debug, Clone, Copy)]
pub struct FixedJitter {
    fraction: f64,
}

impl FixedJitter {
    /// Always returns `fraction` (clamped to `0.0..=1.0`) of the maximum.
    pub fn new(fraction: f64) -> Self {
        Self {
            fraction: fraction.clamp(0.0, 1.0),
        }
    }
}

impl Jitter for FixedJitter {
    fn sample(&self, max: Duration) -> Duration {
        // `Duration::mul_f64` panics when rounding carries the product past
        // `Duration::MAX` (as it does for `Duration::MAX × 1.0`).
        Duration::try_from_secs_f64(max.as_secs_f64() * self.fraction)
            .map_or(max, |delay| delay.min(max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pacing wait never ends before its deadline (the timer thread's
    /// wake-up is checked against the clock), for waits shorter and longer
    /// than Tokio's millisecond tick.
    #[cfg(feature = "tokio")]
    #[tokio::test]
    async fn a_precise_pacing_wait_ends_no_earlier_than_asked() {
        for micros in [0_u64, 400, 5_300, 20_000] {
            let asked = Duration::from_micros(micros);
            let start = Instant::now();
            PreciseSleep.pace(asked).await;
            assert!(start.elapsed() >= asked, "{micros} µs");
        }
    }

    #[test]
    fn jitter_stays_within_any_maximum() {
        for max in [Duration::ZERO, Duration::from_millis(1500), Duration::MAX] {
            assert_eq!(FixedJitter::new(1.0).sample(max), max);
            assert_eq!(FixedJitter::new(0.0).sample(max), Duration::ZERO);
            assert!(FixedJitter::new(0.5).sample(max) <= max);
            assert!(RandomJitter::with_seed(7).sample(max) <= max);
        }
        assert_eq!(
            FixedJitter::new(0.5).sample(Duration::from_secs(3)),
            Duration::from_millis(1500)
        );
    }
}
