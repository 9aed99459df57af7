//! Where requests go: [`Region`], [`Endpoint`] and [`ConfigError`].

use std::fmt;

use crate::encode::encode_segment;
use crate::error::Error;
use crate::validation::require_id;

/// A Conversation API region; the app's region must match, or the API
/// answers 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// `https://us.conversation.api.sinch.com`
    Us,
    /// `https://eu.conversation.api.sinch.com`
    Eu,
    /// `https://br.conversation.api.sinch.com`
    Br,
}

impl Region {
    /// The region's name in host names: `us`, `eu` or `br`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Us => "us",
            Self::Eu => "eu",
            Self::Br => "br",
        }
    }

    /// `https://{region}.conversation.api.sinch.com`.
    ///
    /// ```
    /// use sinch_contacts_port::Region;
    /// assert_eq!(Region::Eu.base_url(), "https://eu.conversation.api.sinch.com");
    /// ```
    pub fn base_url(self) -> String {
        format!("https://{}.conversation.api.sinch.com", self.as_str())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Region {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "us" => Ok(Self::Us),
            "eu" => Ok(Self::Eu),
            "br" => Ok(Self::Br),
            _ => Err(ConfigError::UnknownRegion(text.to_owned())),
        }
    }
}

/// A client configuration that cannot work.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// Neither a region nor a base URL was given.
    MissingRegion,
    /// No credentials were given.
    MissingAuth,
    /// The project id is empty or blank.
    EmptyProjectId,
    /// The project id is a path dot segment (`.` or `..`), which URL
    /// resolution would turn into another path.
    InvalidProjectId(String),
    /// A region name other than `us`, `eu` or `br`.
    UnknownRegion(String),
    /// A base or token URL that is not an absolute `http(s)` URL without
    /// query or fragment.
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Retries are enabled but no sleeper is available (build without the
    /// `tokio` feature and no [`Sleep`](crate::Sleep) given).
    MissingSleep,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingRegion => {
                f.write_str("no region given: call .region(Region::Us | Eu | Br) or .base_url(...)")
            }
            Self::MissingAuth => f.write_str("no credentials given: call .auth(Auth::...)"),
            Self::EmptyProjectId => f.write_str("the project id is empty"),
            Self::InvalidProjectId(project_id) => write!(
                f,
                "invalid project id {project_id:?}: `.` and `..` are path dot segments, not ids"
            ),
            Self::UnknownRegion(region) => {
                write!(f, "unknown region {region:?}: expected us, eu or br")
            }
            Self::InvalidUrl { url, reason } => write!(f, "invalid URL {url:?}: {reason}"),
            Self::MissingSleep => f.write_str(
                "retries need a sleeper: enable the `tokio` feature, pass .sleep(...), \
                 or disable retries",
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Checks that `url` is an absolute http(s) URL without query or fragment
/// and returns it without a trailing slash.
pub(crate) fn normalize_url(url: &str) -> Result<String, ConfigError> {
    let invalid = |reason| ConfigError::InvalidUrl {
        url: url.to_owned(),
        reason,
    };
    let uri: http::Uri = url.parse().map_err(|_| invalid("not a valid URI"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(invalid("the scheme must be http or https")),
    }
    if uri.authority().is_none() {
        return Err(invalid("a host is required"));
    }
    if uri.query().is_some() || url.contains('#') {
        return Err(invalid("query and fragment are not allowed"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// The base URL and project every request of a client is built against.
///
/// ```
/// use sinch_contacts_port::{Endpoint, Region};
///
/// let endpoint = Endpoint::for_region(Region::Us, "my project");
/// assert_eq!(
///     endpoint.project_url(),
///     "https://us.conversation.api.sinch.com/v1/projects/my%20project"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    base_url: String,
    project_id: String,
}

impl Endpoint {
    /// The endpoint of a Sinch region.
    pub fn for_region(region: Region, project_id: impl Into<String>) -> Self {
        Self {
            base_url: region.base_url(),
            project_id: project_id.into(),
        }
    }

    /// An endpoint at a custom base URL (an emulator, a proxy); a path
    /// prefix is kept.
    pub fn custom(base_url: &str, project_id: impl Into<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            base_url: normalize_url(base_url)?,
            project_id: project_id.into(),
        })
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The project id.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// `{base_url}/v1/projects/{project_id}`, the project id percent-encoded.
    pub fn project_url(&self) -> String {
        format!(
            "{}/v1/projects/{}",
            self.base_url,
            encode_segment(&self.project_id)
        )
    }

    /// [`project_url`](Self::project_url) once the project id is known to be
    /// usable (not empty, blank, `.` or `..`): every operation builds on it,
    /// so an [`Endpoint`] made by hand cannot send to another path either.
    pub(crate) fn checked_project_url(&self) -> Result<String, Error> {
        require_id("project_id", &self.project_id)?;
        Ok(self.project_url())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_parse_and_print() {
        for region in [Region::Us, Region::Eu, Region::Br] {
            assert_eq!(region.as_str().parse::<Region>(), Ok(region));
        }
        assert_eq!("EU".parse::<Region>(), Ok(Region::Eu));
        assert_eq!(
            "ap".parse::<Region>(),
            Err(ConfigError::UnknownRegion("ap".into()))
        );
    }

    #[test]
    fn custom_urls_are_checked() {
        let endpoint = Endpoint::custom("http://127.0.0.1:8080/emulator/", "p").unwrap();
        assert_eq!(endpoint.base_url(), "http://127.0.0.1:8080/emulator");
        assert_eq!(
            endpoint.project_url(),
            "http://127.0.0.1:8080/emulator/v1/projects/p"
        );
        for bad in [
            "127.0.0.1:8080",
            "ftp://host",
            "http://h/?q=1",
            "http://h/#f",
            "/path",
            "::",
        ] {
            assert!(
                matches!(
                    Endpoint::custom(bad, "p"),
                    Err(ConfigError::InvalidUrl { .. })
                ),
                "{bad}"
            );
        }
    }
}
