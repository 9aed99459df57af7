//! Where the `contacts` commands connect and as whom: each setting from its flag, else its
//! environment variable, else the selected profile of the configuration file ([`mod@file`]), as
//! cargo and the AWS CLI do ([`mod@resolve`]). Secrets come from a flag, the environment or a file
//! a profile names, never from the configuration file itself.

mod env_config;
mod file;
mod resolve;
mod select;
mod source;

pub use file::CONFIG_ENV;
pub use resolve::{Fallback, Flags, Setting, Settings, resolve};
pub use source::Source;

use std::path::PathBuf;

use clap::Args;

/// `--config` and `--profile`.
#[derive(Debug, Clone, Default, Args)]
pub struct ProfileArgs {
    /// The configuration file with the profiles (default: the SINCH_CONTACTS_CONFIG variable,
    /// else ~/.config/sinch-contacts/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The profile of the configuration file to connect with (default: the SINCH_PROFILE
    /// variable, else the profile named `default` when there is one). A flag or a variable
    /// still beats what the profile says.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}
