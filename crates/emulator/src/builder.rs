//! [`EmulatorBuilder`]: what an emulator is built with.

use std::time::Duration;

use crate::config::{Config, DeliveryPolicy};
use crate::connections::ConnectionLimits;
use crate::emulator::Emulator;
use crate::faults::FaultSpec;
use crate::rate_limit::RateLimit;

impl Emulator {
    /// A builder to change the defaults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::new()
    }
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
            config: Config::default(),
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

    /// Limits the project's API requests with a token bucket: beyond it they are answered 429
    /// `RESOURCE_EXHAUSTED` with a `Retry-After`. Without this call there is no limit.
    ///
    /// ```
    /// use sinch_contacts_emulator::{Emulator, RateLimit};
    ///
    /// let emulator = Emulator::builder()
    ///     .rate_limit(RateLimit::new(200.0).burst(20))
    ///     .build();
    /// assert_eq!(emulator.rate_limit(), Some(RateLimit::new(200.0).burst(20)));
    /// ```
    #[must_use]
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.config.rate_limit = Some(limit);
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

    /// What the HTTP server ([`Emulator::serve`]) allows a client: how long a request's head may
    /// take, how long a connection may sit idle, how many are served at once. Without this
    /// call, [`ConnectionLimits::default`].
    #[must_use]
    pub fn connection_limits(mut self, limits: ConnectionLimits) -> Self {
        self.config.connections = limits;
        self
    }

    /// The emulator.
    pub fn build(self) -> Emulator {
        Emulator::from_parts(self.config, self.faults)
    }
}
