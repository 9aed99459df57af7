//! Configuration from environment variables: [`from_env`], [`from_env_with`]
//! and [`EnvConfig`].

use std::fmt;

use sinch_contacts_port::{Auth, ContactsClient, ContactsClientBuilder, Endpoint, Region};

use crate::env_error::EnvError;
use crate::transport::ReqwestTransport;

/// `SINCH_PROJECT_ID`: the project id (required).
pub const PROJECT_ID: &str = "SINCH_PROJECT_ID";
/// `SINCH_KEY_ID`: the access key id (required).
pub const KEY_ID: &str = "SINCH_KEY_ID";
/// `SINCH_KEY_SECRET`: the access key secret (required; never printed).
pub const KEY_SECRET: &str = "SINCH_KEY_SECRET";
/// `SINCH_REGION`: `us`, `eu` or `br` (required unless `SINCH_BASE_URL` is set).
pub const REGION: &str = "SINCH_REGION";
/// `SINCH_BASE_URL`: a base URL replacing the region's, e.g. an emulator's.
pub const BASE_URL: &str = "SINCH_BASE_URL";
/// `SINCH_AUTH`: `oauth2` (default) or `basic`.
pub const AUTH: &str = "SINCH_AUTH";
/// `SINCH_TOKEN_URL`: the OAuth2 token endpoint (OAuth2 only).
pub const TOKEN_URL: &str = "SINCH_TOKEN_URL";

/// A [`ContactsClient`] over a default [`ReqwestTransport`], configured from
/// the process environment; see [`EnvConfig`] for the variables and rules.
pub fn from_env() -> Result<ContactsClient, EnvError> {
    EnvConfig::from_env()?.into_client()
}

/// Like [`from_env`], reading variables through `lookup` instead of the
/// process environment (handy in tests).
///
/// ```
/// use std::collections::HashMap;
///
/// let vars = HashMap::from([
///     ("SINCH_PROJECT_ID", "my-project"),
///     ("SINCH_KEY_ID", "key-id"),
///     ("SINCH_KEY_SECRET", "key-secret"),
///     ("SINCH_REGION", "eu"),
/// ]);
/// let client = sinch_contacts_reqwest::from_env_with(|name| vars.get(name).map(|v| v.to_string()))?;
/// assert_eq!(client.endpoint().base_url(), "https://eu.conversation.api.sinch.com");
/// # Ok::<(), sinch_contacts_reqwest::EnvError>(())
/// ```
pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<ContactsClient, EnvError> {
    EnvConfig::from_lookup(lookup)?.into_client()
}

/// Where requests go: a region or a custom base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Region(Region),
    BaseUrl(String),
}

/// A client configuration read from environment variables, for when you
/// want your own transport or more builder settings than [`from_env`] gives.
///
/// | variable | required | meaning |
/// |---|---|---|
/// | `SINCH_PROJECT_ID` | yes | the project id |
/// | `SINCH_KEY_ID` | yes | the access key id |
/// | `SINCH_KEY_SECRET` | yes | the access key secret |
/// | `SINCH_REGION` | unless `SINCH_BASE_URL` is set | `us`, `eu` or `br` |
/// | `SINCH_BASE_URL` | no | replaces the region's URL (an emulator, a proxy) |
/// | `SINCH_AUTH` | no | `oauth2` (default) or `basic` |
/// | `SINCH_TOKEN_URL` | no | OAuth2 token endpoint; default `https://auth.sinch.com/oauth2/token`, or `{SINCH_BASE_URL}/oauth2/token` when `SINCH_BASE_URL` is set |
///
/// Values are trimmed (a secret read from a file often ends with a newline),
/// and an empty value counts as not set. A region given with a base URL is still
/// checked, then ignored. `SINCH_TOKEN_URL` with `SINCH_AUTH=basic` is an
/// error rather than silently unused.
///
/// ```
/// use std::collections::HashMap;
/// use sinch_contacts_port::RetryPolicy;
/// use sinch_contacts_reqwest::{EnvConfig, ReqwestTransport};
///
/// let vars = HashMap::from([
///     ("SINCH_PROJECT_ID", "emulator-project"),
///     ("SINCH_KEY_ID", "emulator-key"),
///     ("SINCH_KEY_SECRET", "emulator-secret"),
///     ("SINCH_BASE_URL", "http://127.0.0.1:8080"),
/// ]);
/// let config = EnvConfig::from_lookup(|name| vars.get(name).map(|v| v.to_string()))?;
/// assert_eq!(config.auth().token_url(), Some("http://127.0.0.1:8080/oauth2/token"));
/// let client = config
///     .client_builder(ReqwestTransport::new()?)
///     .retry_policy(RetryPolicy::disabled())
///     .build()?;
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct EnvConfig {
    project_id: String,
    target: Target,
    auth: Auth,
}

impl EnvConfig {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, EnvError> {
        Self::from_source(|name: &'static str| match std::env::var(name) {
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(EnvError::Invalid {
                variable: name,
                reason: "is not valid Unicode".to_owned(),
            }),
        })
    }

    /// Reads variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, EnvError> {
        Self::from_source(|name| Ok(lookup(name)))
    }

    fn from_source(
        source: impl Fn(&'static str) -> Result<Option<String>, EnvError>,
    ) -> Result<Self, EnvError> {
        let optional = |name: &'static str| -> Result<Option<String>, EnvError> {
            Ok(source(name)?.filter(|value| !value.trim().is_empty()))
        };
        let required = |name: &'static str| -> Result<String, EnvError> {
            optional(name)?.ok_or(EnvError::Missing { variable: name })
        };

        let project_id = required(PROJECT_ID)?.trim().to_owned();
        let key_id = required(KEY_ID)?.trim().to_owned();
        let key_secret = required(KEY_SECRET)?.trim().to_owned();
        let region = optional(REGION)?
            .map(|text| parse_region(&text))
            .transpose()?;
        let base_url = optional(BASE_URL)?
            .map(|url| checked_url(BASE_URL, url.trim()))
            .transpose()?;
        let target = match (base_url, region) {
            (Some(url), _) => Target::BaseUrl(url),
            (None, Some(region)) => Target::Region(region),
            (None, None) => return Err(EnvError::Missing { variable: REGION }),
        };
        let token_url = optional(TOKEN_URL)?
            .map(|url| checked_url(TOKEN_URL, url.trim()))
            .transpose()?;
        let auth = match optional(AUTH)?.map(|text| text.trim().to_ascii_lowercase()) {
            None => oauth2(key_id, key_secret, token_url, &target),
            Some(scheme) if scheme == "oauth2" => oauth2(key_id, key_secret, token_url, &target),
            Some(scheme) if scheme == "basic" => {
                if token_url.is_some() {
                    return Err(EnvError::Invalid {
                        variable: TOKEN_URL,
                        reason: "is only used with SINCH_AUTH=oauth2, but SINCH_AUTH is basic"
                            .to_owned(),
                    });
                }
                Auth::basic(key_id, key_secret)
            }
            Some(scheme) => {
                return Err(EnvError::Invalid {
                    variable: AUTH,
                    reason: format!("unknown scheme {scheme:?}: expected oauth2 or basic"),
                });
            }
        };
        Ok(Self {
            project_id,
            target,
            auth,
        })
    }

    /// The project id.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The region, unless a base URL replaces it.
    pub fn region(&self) -> Option<Region> {
        match &self.target {
            Target::Region(region) => Some(*region),
            Target::BaseUrl(_) => None,
        }
    }

    /// The base URL requests go to (the region's, or `SINCH_BASE_URL`).
    pub fn base_url(&self) -> String {
        match &self.target {
            Target::Region(region) => region.base_url(),
            Target::BaseUrl(url) => url.clone(),
        }
    }

    /// The credentials and scheme.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// A client builder with this configuration over `transport`, ready for
    /// more settings (retry policy, clock, ...).
    pub fn client_builder(
        &self,
        transport: impl sinch_contacts_port::Transport + 'static,
    ) -> ContactsClientBuilder {
        let builder =
            ContactsClient::builder(transport, self.project_id.clone()).auth(self.auth.clone());
        match &self.target {
            Target::Region(region) => builder.region(*region),
            Target::BaseUrl(url) => builder.base_url(url.clone()),
        }
    }

    /// A client over a default [`ReqwestTransport`].
    pub fn into_client(self) -> Result<ContactsClient, EnvError> {
        let transport = ReqwestTransport::new().map_err(EnvError::Transport)?;
        self.client_builder(transport)
            .build()
            .map_err(EnvError::Config)
    }
}

impl fmt::Debug for EnvConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvConfig")
            .field("project_id", &self.project_id)
            .field("target", &self.target)
            .field("auth", &self.auth)
            .finish()
    }
}

fn oauth2(key_id: String, key_secret: String, token_url: Option<String>, target: &Target) -> Auth {
    let auth = Auth::oauth2(key_id, key_secret);
    match (token_url, target) {
        (Some(url), _) => auth.with_token_url(url),
        (None, Target::BaseUrl(base)) => auth.with_token_url(format!("{base}/oauth2/token")),
        (None, Target::Region(_)) => auth,
    }
}

fn parse_region(text: &str) -> Result<Region, EnvError> {
    text.parse().map_err(|_| EnvError::Invalid {
        variable: REGION,
        reason: format!("unknown region {:?}: expected us, eu or br", text.trim()),
    })
}

/// Checks an URL as the client will (absolute http(s), no query or
/// fragment) and returns it without a trailing slash.
fn checked_url(variable: &'static str, url: &str) -> Result<String, EnvError> {
    Endpoint::custom(url, "")
        .map(|endpoint| endpoint.base_url().to_owned())
        .map_err(|error| EnvError::Invalid {
            variable,
            reason: error.to_string(),
        })
}
