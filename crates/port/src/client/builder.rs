//! [`ContactsClientBuilder`]: configuration with explicit region and
//! credentials.

use std::sync::Arc;

use super::ContactsClient;
use super::pagination::DEFAULT_MAX_CONSECUTIVE_EMPTY_PAGES;
use crate::auth::{Auth, TokenCache};
use crate::config::{ConfigError, Endpoint, Region, normalize_url};
use crate::execute::Engine;
use crate::retry::RetryPolicy;
use crate::runtime::{Clock, Jitter, RandomJitter, Sleep, SystemClock};
use crate::transport::Transport;
use crate::validation::is_dot_segment;

#[derive(Debug)]
enum Target {
    Unset,
    Region(Region),
    BaseUrl(String),
}

/// Builds a [`ContactsClient`].
///
/// Required: a transport and project id (given to
/// [`ContactsClient::builder`]), a [`region`](Self::region) **or** a
/// [`base_url`](Self::base_url), and [`auth`](Self::auth). There is no
/// default region on purpose: an app lives in exactly one region, and a
/// wrong guess fails later with a confusing 404.
///
/// Defaults: [`RetryPolicy::default`] (3 attempts), [`SystemClock`],
/// [`RandomJitter`], and `TokioSleep` when the `tokio` feature is on.
#[derive(Debug)]
pub struct ContactsClientBuilder {
    transport: Arc<dyn Transport>,
    project_id: String,
    target: Target,
    auth: Option<Auth>,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    sleep: Option<Arc<dyn Sleep>>,
    jitter: Arc<dyn Jitter>,
    max_empty_pages: u32,
}

impl ContactsClientBuilder {
    pub(super) fn new(transport: Arc<dyn Transport>, project_id: String) -> Self {
        Self {
            transport,
            project_id,
            target: Target::Unset,
            auth: None,
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            sleep: default_sleep(),
            jitter: Arc::new(RandomJitter::new()),
            max_empty_pages: DEFAULT_MAX_CONSECUTIVE_EMPTY_PAGES,
        }
    }

    /// Sends requests to `https://{region}.conversation.api.sinch.com`.
    pub fn region(mut self, region: Region) -> Self {
        self.target = Target::Region(region);
        self
    }

    /// Sends requests to a custom base URL (an emulator, a proxy); replaces
    /// any region. Checked by [`build`](Self::build).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.target = Target::BaseUrl(url.into());
        self
    }

    /// The credentials and scheme.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The retry policy; [`RetryPolicy::disabled`] turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The clock used for token expiry.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The sleeper used between retry attempts.
    pub fn sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// The jitter source of the back-off.
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = jitter;
        self
    }

    /// How many pages in a row `list_all` and `list_all_identity_conflicts`
    /// accept that are empty yet carry a `next_page_token` (default
    /// [`DEFAULT_MAX_CONSECUTIVE_EMPTY_PAGES`], 10); one more ends the stream
    /// with [`PaginationError::TooManyEmptyPages`](crate::PaginationError::TooManyEmptyPages).
    pub fn max_consecutive_empty_pages(mut self, limit: u32) -> Self {
        self.max_empty_pages = limit;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<ContactsClient, ConfigError> {
        if self.project_id.trim().is_empty() {
            return Err(ConfigError::EmptyProjectId);
        }
        if is_dot_segment(&self.project_id) {
            return Err(ConfigError::InvalidProjectId(self.project_id));
        }
        let endpoint = match self.target {
            Target::Unset => return Err(ConfigError::MissingRegion),
            Target::Region(region) => Endpoint::for_region(region, self.project_id),
            Target::BaseUrl(url) => Endpoint::custom(&url, self.project_id)?,
        };
        let auth = self.auth.ok_or(ConfigError::MissingAuth)?;
        if let Some(token_url) = auth.token_url() {
            normalize_url(token_url)?;
        }
        if self.retry.max_attempts() > 1 && self.sleep.is_none() {
            return Err(ConfigError::MissingSleep);
        }
        let tokens = TokenCache::new(auth.refresh_margin());
        Ok(ContactsClient::from_parts(
            endpoint,
            Engine {
                transport: self.transport,
                basic_header: auth.basic_header(),
                auth,
                tokens,
                clock: self.clock,
                sleep: self.sleep,
                jitter: self.jitter,
            },
            self.retry,
            self.max_empty_pages,
        ))
    }
}

#[cfg(feature = "tokio")]
fn default_sleep() -> Option<Arc<dyn Sleep>> {
    Some(Arc::new(crate::runtime::PreciseSleep))
}

#[cfg(not(feature = "tokio"))]
fn default_sleep() -> Option<Arc<dyn Sleep>> {
    None
}
