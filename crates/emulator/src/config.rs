//! What an emulator is built with: [`EmulatorBuilder`].

use std::time::Duration;

use crate::emulator::Emulator;
use crate::faults::FaultSpec;

/// The project id of [`Emulator::new`].
pub const DEFAULT_PROJECT_ID: &str = "emulator-project";
/// The key id of [`Emulator::new`].
pub const DEFAULT_KEY_ID: &str = "emulator-key";
/// The key secret of [`Emulator::new`].
pub const DEFAULT_KEY_SECRET: &str = "emulator-secret";
/// The app id of [`Emulator::new`] (the `app_id` of every callback).
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

/// Builds an [`Emulator`]; every setting has a default (see the `DEFAULT_*` constants).
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_emulator::{Emulator, FaultSpec};
///
/// let emulator = Emulator::builder()
///     .project_id("my-project")
///     .key("my-key", "my-secret")
///     .token_lifetime(Duration::from_secs(60))
///     .faults("5xx=0.1".parse::<FaultSpec>()?)
///     .seed(42)
///     .build();
/// assert_eq!(emulator.project_id(), "my-project");
/// # Ok::<(), sinch_contacts_emulator::FaultSpecError>(())
/// ```
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    config: Config,
    faults: FaultSpec,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            config: Config {
                project_id: DEFAULT_PROJECT_ID.to_owned(),
                key_id: DEFAULT_KEY_ID.to_owned(),
                key_secret: DEFAULT_KEY_SECRET.to_owned(),
                app_id: DEFAULT_APP_ID.to_owned(),
                token_lifetime: DEFAULT_TOKEN_LIFETIME,
                seed: 0,
                delivery: DeliveryPolicy::default(),
            },
            faults: FaultSpec::none(),
        }
    }
}

impl EmulatorBuilder {
    /// The builder with every default.
    pub fn new() -> Self {
        Self::default()
    }

    /// The only project id the API paths accept (others answer 404).
    #[must_use]
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.config.project_id = project_id.into();
        self
    }

    /// The access key accepted by HTTP Basic and by the token endpoint.
    #[must_use]
    pub fn key(mut self, key_id: impl Into<String>, key_secret: impl Into<String>) -> Self {
        self.config.key_id = key_id.into();
        self.config.key_secret = key_secret.into();
        self
    }

    /// The app id: the `app_id` of callbacks and the only app getChannelProfile and the
    /// capability query accept.
    #[must_use]
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.config.app_id = app_id.into();
        self
    }

    /// How long issued bearer tokens stay valid (`expires_in` reports whole seconds).
    #[must_use]
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.token_lifetime = lifetime;
        self
    }

    /// The faults to inject from the start.
    #[must_use]
    pub fn faults(mut self, faults: FaultSpec) -> Self {
        self.faults = faults;
        self
    }

    /// The seed of fault draws, ids and tokens: the same seed and the same requests give the
    /// same faults.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// How webhook deliveries are retried.
    #[must_use]
    pub fn delivery_policy(mut self, policy: DeliveryPolicy) -> Self {
        self.config.delivery = policy;
        self
    }

    /// The emulator.
    pub fn build(self) -> Emulator {
        Emulator::from_parts(self.config, self.faults)
    }
}
