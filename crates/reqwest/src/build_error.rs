//! [`TransportBuildError`]: why a [`ReqwestTransport`](crate::ReqwestTransport)
//! could not be built.

use std::error::Error as StdError;
use std::fmt;

/// Why [`ReqwestTransportBuilder::build`](crate::ReqwestTransportBuilder::build)
/// (or [`ReqwestTransport::new`](crate::ReqwestTransport::new)) failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransportBuildError {
    /// The TLS configuration could not be made, for example because no root
    /// certificate could be loaded from the system's trust store.
    Tls(rustls::Error),
    /// reqwest refused to build its client.
    Client(reqwest::Error),
    /// A setting that cannot work.
    InvalidSetting {
        /// The builder method concerned, e.g. `connect_timeout`.
        setting: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl fmt::Display for TransportBuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tls(_) => f.write_str("could not configure TLS"),
            Self::Client(_) => f.write_str("could not build the reqwest client"),
            Self::InvalidSetting { setting, reason } => write!(f, "invalid `{setting}`: {reason}"),
        }
    }
}

impl StdError for TransportBuildError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Tls(error) => Some(error),
            Self::Client(error) => Some(error),
            Self::InvalidSetting { .. } => None,
        }
    }
}
