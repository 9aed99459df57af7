//! [`EnvError`]: a configuration read from the environment that cannot work.

use std::error::Error as StdError;
use std::fmt;

use sinch_contacts_port::ConfigError;

use crate::build_error::TransportBuildError;

/// Why [`from_env`](crate::from_env) or [`EnvConfig`](crate::EnvConfig)
/// failed. Names the variable; never shows a secret's value.
#[derive(Debug)]
#[non_exhaustive]
pub enum EnvError {
    /// A required variable is not set, or is empty.
    Missing {
        /// The variable's name, e.g. `SINCH_PROJECT_ID`.
        variable: &'static str,
    },
    /// A variable is set to a value that cannot work.
    Invalid {
        /// The variable's name, e.g. `SINCH_REGION`.
        variable: &'static str,
        /// What is wrong with it (quotes the value, except for secrets).
        reason: String,
    },
    /// The transport could not be built.
    Transport(TransportBuildError),
    /// The client refused the configuration.
    Config(ConfigError),
}

impl EnvError {
    /// The variable at fault, for [`Missing`](Self::Missing) and
    /// [`Invalid`](Self::Invalid).
    pub fn variable(&self) -> Option<&'static str> {
        match self {
            Self::Missing { variable } | Self::Invalid { variable, .. } => Some(variable),
            Self::Transport(_) | Self::Config(_) => None,
        }
    }
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { variable } => {
                write!(f, "environment variable {variable} is not set or is empty")
            }
            Self::Invalid { variable, reason } => {
                write!(f, "environment variable {variable}: {reason}")
            }
            Self::Transport(_) => f.write_str("could not build the HTTP transport"),
            Self::Config(error) => write!(f, "invalid client configuration: {error}"),
        }
    }
}

impl StdError for EnvError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Transport(error) => Some(error),
            Self::Missing { .. } | Self::Invalid { .. } | Self::Config(_) => None,
        }
    }
}
