//! The fixed settings of one emulator, their defaults, and how webhook deliveries are retried.
//! [`EmulatorBuilder`](crate::EmulatorBuilder) sets them.

use std::time::Duration;

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

/// How webhook deliveries are retried.
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
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            attempt_timeout: Duration::from_secs(5),
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
        }
    }
}
