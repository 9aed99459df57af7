//! [`Auth`]: which scheme and credentials the client uses.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use http::HeaderValue;

use super::secret::Secret;

/// The OAuth2 token endpoint used unless overridden.
pub const DEFAULT_TOKEN_URL: &str = "https://auth.sinch.com/oauth2/token";

/// How the client authenticates: HTTP Basic or OAuth2 client credentials,
/// both from an access key id and its secret.
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_port::Auth;
///
/// let basic = Auth::basic("key-id", "key-secret");
/// let oauth = Auth::oauth2("key-id", "key-secret")
///     .with_token_url("http://127.0.0.1:8080/oauth2/token")
///     .with_refresh_margin(Duration::from_secs(30));
/// assert!(!format!("{basic:?}{oauth:?}").contains("key-secret"));
/// ```
#[derive(Clone)]
pub struct Auth {
    key_id: String,
    secret: Secret,
    scheme: Scheme,
}

#[derive(Clone, Debug)]
pub(crate) enum Scheme {
    Basic,
    OAuth2 {
        token_url: String,
        refresh_margin: Duration,
    },
}

impl Auth {
    /// HTTP Basic with the key id as user name and the secret as password.
    /// Convenient for tests and tools; OAuth2 is the recommended scheme.
    pub fn basic(key_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self {
            key_id: key_id.into(),
            secret: secret.into(),
            scheme: Scheme::Basic,
        }
    }

    /// OAuth2 client credentials against [`DEFAULT_TOKEN_URL`], refreshing a
    /// token 60 seconds before it expires.
    pub fn oauth2(key_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self {
            key_id: key_id.into(),
            secret: secret.into(),
            scheme: Scheme::OAuth2 {
                token_url: DEFAULT_TOKEN_URL.to_owned(),
                refresh_margin: Duration::from_secs(60),
            },
        }
    }

    /// Uses another token endpoint (OAuth2 only; ignored for Basic).
    pub fn with_token_url(mut self, url: impl Into<String>) -> Self {
        if let Scheme::OAuth2 { token_url, .. } = &mut self.scheme {
            *token_url = url.into();
        }
        self
    }

    /// How long before `expires_in` runs out a token is replaced (OAuth2
    /// only). Tokens shorter-lived than twice the margin are replaced at half
    /// their lifetime.
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        if let Scheme::OAuth2 { refresh_margin, .. } = &mut self.scheme {
            *refresh_margin = margin;
        }
        self
    }

    /// The access key id.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Whether this is the OAuth2 scheme.
    pub fn is_oauth2(&self) -> bool {
        matches!(self.scheme, Scheme::OAuth2 { .. })
    }

    /// The token endpoint, for OAuth2.
    pub fn token_url(&self) -> Option<&str> {
        match &self.scheme {
            Scheme::OAuth2 { token_url, .. } => Some(token_url),
            Scheme::Basic => None,
        }
    }

    /// The refresh margin (zero for Basic).
    pub(crate) fn refresh_margin(&self) -> Duration {
        match &self.scheme {
            Scheme::OAuth2 { refresh_margin, .. } => *refresh_margin,
            Scheme::Basic => Duration::ZERO,
        }
    }

    pub(crate) fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// `Basic base64(key_id:secret)`, marked sensitive.
    pub(crate) fn basic_header(&self) -> HeaderValue {
        let pair = format!("{}:{}", self.key_id, self.secret.expose());
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        let mut value = HeaderValue::try_from(format!("Basic {encoded}"))
            .expect("base64 output is a valid header value");
        value.set_sensitive(true);
        value
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("key_id", &self.key_id)
            .field("secret", &self.secret)
            .field("scheme", &self.scheme)
            .finish()
    }
}
