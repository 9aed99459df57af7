//! The fixed settings of one emulator, their defaults, and how webhook deliveries are retried.
//! [`EmulatorBuilder`](crate::EmulatorBuilder) sets them.

use std::time::Duration;

use crate::connections::ConnectionLimits;
use crate::rate_limit::RateLimit;

/// The project id of [`Emulator::new`](crate::Emulator::new).
pub const DEFAULT_PROJECT_ID: &str = "emulator-project";
/// The key id of [`Emulator::new`](crate::Emulator::new).
pub const DEFAULT_KEY_ID: &str = "emulator-key";
/// The key secret of [`Emulator::new`](crate::Emulator::new).
pub const DEFAULT_KEY_SECRET: &str = "emulator-secret";
/// The app id of [`Emulator::new`](crate::Emulator::new) (the `app_id` of every callback).
pub const DEFAULT_APP_ID: &str = "emulator-app";
/// The lifetime of issued tokens by default: one hour, like Sinch's.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// How many deliveries of one webhook may be in flight at once by default.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 16;
/// How many callbacks one webhook may hold waiting for a delivery slot by default.
pub const DEFAULT_QUEUE_CAPACITY: usize = 100_000;

/// How webhook deliveries are retried, and the limits of each webhook's queue.
///
/// Each webhook has its own queue, first in first out, and at most `max_in_flight` attempts
/// under way (over as many keep-alive connections). A callback produced while `queue_capacity`
/// callbacks wait is dropped: logged with `dropped` and counted in
/// [`DeliveryStats::dropped`](crate::DeliveryStats::dropped); the API call that produced it is
/// never slowed down. A delivery waiting for its back-off holds no slot.
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_emulator::{DeliveryPolicy, Emulator};
///
/// let policy = DeliveryPolicy::new(3, Duration::from_millis(50))
///     .max_in_flight(4)
///     .queue_capacity(1_000);
/// assert_eq!((policy.max_in_flight, policy.queue_capacity), (4, 1_000));
/// let emulator = Emulator::builder().delivery_policy(policy).build();
/// # let _ = emulator;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryPolicy {
    /// Attempts in total per delivery (at least 1). Default 5.
    pub max_attempts: u32,
    /// Wait before the second attempt; doubled before each later one. Default 100 ms.
    pub initial_backoff: Duration,
    /// The longest wait between attempts. Default 2 s.
    pub max_backoff: Duration,
    /// How long one attempt may take before it counts as unanswered. Default 5 s.
    pub attempt_timeout: Duration,
    /// Attempts of one webhook under way at once (at least 1), each on a keep-alive connection
    /// of the webhook's pool. Default [`DEFAULT_MAX_IN_FLIGHT`].
    pub max_in_flight: usize,
    /// Callbacks one webhook may hold waiting for a slot (at least 1); more are dropped.
    /// Default [`DEFAULT_QUEUE_CAPACITY`].
    pub queue_capacity: usize,
    /// Whether the delivery thread runs at the lowest scheduling priority (nice 19 on Linux),
    /// so that on a busy machine the API is served first and deliveries catch up when a core
    /// is free. Default `false`: on a saturated machine (a parallel test suite) deliveries can
    /// then wait long for a core.
    pub background: bool,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            attempt_timeout: Duration::from_secs(5),
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            background: false,
        }
    }
}

impl DeliveryPolicy {
    /// A policy with these attempts and first back-off (the other values are the defaults).
    pub fn new(max_attempts: u32, initial_backoff: Duration) -> Self {
        Self {
            max_attempts: max_attempts.max(1),
            initial_backoff,
            ..Self::default()
        }
    }

    /// Sets how long one attempt may take.
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Sets how many attempts of one webhook may be under way at once (0 counts as 1).
    #[must_use]
    pub fn max_in_flight(mut self, limit: usize) -> Self {
        self.max_in_flight = limit.max(1);
        self
    }

    /// Sets how many callbacks one webhook may hold waiting for a slot (0 counts as 1).
    #[must_use]
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity.max(1);
        self
    }

    /// Runs deliveries at the lowest scheduling priority (see [`DeliveryPolicy::background`]).
    #[must_use]
    pub fn background(mut self, background: bool) -> Self {
        self.background = background;
        self
    }

    /// The wait after attempt `attempt` (1-based) failed.
    pub(crate) fn backoff_after(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// The fixed settings of one emulator.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) project_id: String,
    pub(crate) key_id: String,
    pub(crate) key_secret: String,
    pub(crate) app_id: String,
    pub(crate) token_lifetime: Duration,
    pub(crate) seed: u64,
    pub(crate) delivery: DeliveryPolicy,
    /// The token bucket of the project's API requests; `None`: no limit.
    pub(crate) rate_limit: Option<RateLimit>,
    /// What the HTTP server allows a client.
    pub(crate) connections: ConnectionLimits,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            project_id: DEFAULT_PROJECT_ID.to_owned(),
            key_id: DEFAULT_KEY_ID.to_owned(),
            key_secret: DEFAULT_KEY_SECRET.to_owned(),
            app_id: DEFAULT_APP_ID.to_owned(),
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            seed: 0,
            delivery: DeliveryPolicy::default(),
            rate_limit: None,
            connections: ConnectionLimits::default(),
        }
    }
}
