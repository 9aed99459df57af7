//! [`Source`]: where a setting came from, as `config show` says it.

use std::fmt;
use std::path::PathBuf;

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag (`--project-id`).
    Flag(&'static str),
    /// An environment variable (`SINCH_PROJECT_ID`).
    Env(&'static str),
    /// A key of a profile of the configuration file.
    Profile {
        /// The profile's name.
        name: String,
        /// The key (`project_id`).
        key: &'static str,
    },
    /// The file a profile's `key_secret_file` names.
    SecretFile {
        /// The profile's name.
        profile: String,
        /// The file.
        path: PathBuf,
    },
    /// A default, said in words (`the emulator's, with --base-url`).
    Default(&'static str),
    /// Nowhere: the setting is not set.
    Unset,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag(flag) => f.write_str(flag),
            Self::Env(variable) => f.write_str(variable),
            Self::Profile { name, key } => write!(f, "profile {name} ({key})"),
            Self::SecretFile { profile, path } => {
                write!(f, "profile {profile} (key_secret_file {})", path.display())
            }
            Self::Default(what) => f.write_str(what),
            Self::Unset => f.write_str("not set"),
        }
    }
}
