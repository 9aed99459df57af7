//! The configuration file: where it is, and the profiles it holds.
//!
//! ```toml
//! [profiles.default]
//! project_id = "6bb8c1a2-..."
//! key_id = "8f0b..."
//! region = "eu"
//! key_secret_file = "~/.config/sinch-contacts/default.secret"
//!
//! [profiles.local]
//! base_url = "http://127.0.0.1:8080"
//! project_id = "emulator-project"
//! key_id = "emulator-key"
//! key_secret_file = "local.secret"   # beside this file
//! ```
//!
//! The file is read as a table and then key by key: an unknown key is refused with the keys
//! there may be, and a `key_secret` is refused with why (secrets are never read from the file in
//! clear). A syntax error is reported by line and column, without quoting the line (which may
//! hold a secret).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sinch_contacts_port::Region;

use super::Source;
use crate::error::{CliError, CliResult};

/// The variable naming the configuration file.
pub const CONFIG_ENV: &str = "SINCH_CONTACTS_CONFIG";

/// The keys a profile may have.
pub const PROFILE_KEYS: [&str; 5] = [
    "project_id",
    "key_id",
    "region",
    "base_url",
    "key_secret_file",
];

/// Where the configuration file is, and what said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub path: PathBuf,
    /// `--config`, the variable, or the default location.
    pub source: Source,
}

/// A profile: where to connect and as whom (the key secret only as the path of a file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// `project_id`.
    pub project_id: Option<String>,
    /// `key_id`.
    pub key_id: Option<String>,
    /// `region`: `us`, `eu` or `br`.
    pub region: Option<String>,
    /// `base_url`.
    pub base_url: Option<String>,
    /// `key_secret_file`, resolved (`~/` from HOME, a relative path from the file's folder).
    pub key_secret_file: Option<PathBuf>,
}

/// A configuration file that was found and read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its profiles, by name.
    pub profiles: BTreeMap<String, Profile>,
}

/// The file: `--config`, else `$SINCH_CONTACTS_CONFIG`, else
/// `$HOME/.config/sinch-contacts/config.toml` (none without HOME).
pub fn locate(flag: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> Option<Location> {
    if let Some(path) = flag {
        return Some(Location {
            path: path.to_owned(),
            source: Source::Flag("--config"),
        });
    }
    if let Some(path) = env(CONFIG_ENV) {
        return Some(Location {
            path: PathBuf::from(path),
            source: Source::Env(CONFIG_ENV),
        });
    }
    let home = env("HOME")?;
    Some(Location {
        path: Path::new(&home).join(".config/sinch-contacts/config.toml"),
        source: Source::Default("the default location"),
    })
}

/// Reads the file at `location`: `None` when the default location holds none; an error (exit
/// 2) when a file named by `--config` or the variable does not exist, or when the file is not a
/// valid configuration.
pub fn load(location: &Location, home: Option<&str>) -> CliResult<Option<ConfigFile>> {
    let text = match std::fs::read_to_string(&location.path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if matches!(location.source, Source::Default(_)) {
                return Ok(None);
            }
            return Err(CliError::usage(format!(
                "the config file {} (from {}) does not exist",
                location.path.display(),
                location.source
            )));
        }
        Err(error) => {
            return Err(CliError::failure(format!(
                "cannot read the config file {}: {error}",
                location.path.display()
            )));
        }
    };
    parse(&location.path, &text, home).map(Some)
}

/// Reads the text of the file at `path`.
fn parse(path: &Path, text: &str, home: Option<&str>) -> CliResult<ConfigFile> {
    let shown = path.display();
    let table: toml::Table = toml::from_str(text).map_err(|error| {
        let place = error
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!(" at line {line}, column {column}")
            })
            .unwrap_or_default();
        CliError::usage(format!(
            "the config file {shown} is not valid TOML{place}: {}",
            error.message().trim()
        ))
    })?;
    let mut profiles = BTreeMap::new();
    for (key, value) in table {
        if key != "profiles" {
            return Err(CliError::usage(format!(
                "the config file {shown} has a key `{key}` at the top: only [profiles.NAME] \
                 tables belong there"
            )));
        }
        let toml::Value::Table(named) = value else {
            return Err(CliError::usage(format!(
                "the config file {shown}: `profiles` must be tables, [profiles.NAME]"
            )));
        };
        for (name, profile) in named {
            let toml::Value::Table(profile) = profile else {
                return Err(CliError::usage(format!(
                    "the config file {shown}: `profiles.{name}` must be a table, [profiles.{name}]"
                )));
            };
            let folder = path.parent().unwrap_or(Path::new("."));
            let read = read_profile(&name, profile, folder, home)
                .map_err(|error| CliError::usage(format!("the config file {shown}: {error}")))?;
            profiles.insert(name, read);
        }
    }
    Ok(ConfigFile {
        path: path.to_owned(),
        profiles,
    })
}

/// One profile's table, key by key.
fn read_profile(
    name: &str,
    table: toml::Table,
    folder: &Path,
    home: Option<&str>,
) -> Result<Profile, String> {
    let mut profile = Profile::default();
    for (key, value) in table {
        if key == "key_secret" {
            return Err(format!(
                "profile `{name}` holds `key_secret`, which is never read from the config file: \
                 a config file is copied, synced, shared and committed, and the key secret with \
                 it. Put the secret in a file of its own, readable by you alone, and name it with \
                 `key_secret_file = \"PATH\"`, or set SINCH_KEY_SECRET"
            ));
        }
        let toml::Value::String(text) = value else {
            return Err(format!(
                "profile `{name}`: `{key}` must be a string (in quotes)"
            ));
        };
        match key.as_str() {
            "project_id" => profile.project_id = Some(text),
            "key_id" => profile.key_id = Some(text),
            "base_url" => profile.base_url = Some(text),
            "region" => {
                text.parse::<Region>().map_err(|_| {
                    format!("profile `{name}`: region `{text}` is not one of us, eu, br")
                })?;
                profile.region = Some(text);
            }
            "key_secret_file" => {
                profile.key_secret_file = Some(resolve_path(&text, folder, home));
            }
            _ => {
                return Err(format!(
                    "profile `{name}` has an unknown key `{key}` (a profile has: {})",
                    PROFILE_KEYS.join(", ")
                ));
            }
        }
    }
    Ok(profile)
}

/// `~/x` from HOME, a relative path from the config file's folder, an absolute one as it is.
fn resolve_path(text: &str, folder: &Path, home: Option<&str>) -> PathBuf {
    if let (Some(rest), Some(home)) = (text.strip_prefix("~/"), home) {
        return Path::new(home).join(rest);
    }
    let path = Path::new(text);
    if path.is_absolute() {
        path.to_owned()
    } else {
        folder.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> CliResult<ConfigFile> {
        parse(Path::new("/etc/sc/config.toml"), text, Some("/home/ada"))
    }

    #[test]
    fn profiles_are_read_with_their_secret_file_resolved() {
        let file = parsed(
            "[profiles.default]\nproject_id = \"p\"\nkey_id = \"k\"\nregion = \"eu\"\n\
             key_secret_file = \"~/s\"\n[profiles.local]\nbase_url = \"http://127.0.0.1:1\"\n\
             key_secret_file = \"local.secret\"\n",
        )
        .unwrap();
        assert_eq!(
            file.profiles.keys().collect::<Vec<_>>(),
            ["default", "local"]
        );
        let default = &file.profiles["default"];
        assert_eq!(default.project_id.as_deref(), Some("p"));
        assert_eq!(default.region.as_deref(), Some("eu"));
        assert_eq!(default.key_secret_file, Some(PathBuf::from("/home/ada/s")));
        assert_eq!(
            file.profiles["local"].key_secret_file,
            Some(PathBuf::from("/etc/sc/local.secret"))
        );
    }

    #[test]
    fn a_secret_in_clear_an_unknown_key_and_a_bad_region_are_refused() {
        let error = parsed("[profiles.x]\nkey_secret = \"hunter2\"\n").unwrap_err();
        assert_eq!(error.exit_code(), 2);
        let text = error.to_string();
        assert!(
            text.contains("key_secret_file") && text.contains("SINCH_KEY_SECRET"),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
        let text = parsed("[profiles.x]\nprojet_id = \"p\"\n")
            .unwrap_err()
            .to_string();
        assert!(text.contains("unknown key `projet_id`"), "{text}");
        let text = parsed("[profiles.x]\nregion = \"mars\"\n")
            .unwrap_err()
            .to_string();
        assert!(text.contains("region `mars`"), "{text}");
        let text = parsed("colour = \"red\"\n").unwrap_err().to_string();
        assert!(text.contains("`colour`"), "{text}");
    }

    #[test]
    fn a_syntax_error_is_placed_without_quoting_the_line() {
        let error = parsed("[profiles.x]\nkey_id = \"k\"\nkey_secret = \"hunter2\n").unwrap_err();
        let text = error.to_string();
        assert!(text.contains("at line 3, column"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn the_file_is_the_flag_then_the_variable_then_the_default_under_home() {
        let env = |name: &str| match name {
            "HOME" => Some("/home/ada".to_owned()),
            CONFIG_ENV => Some("/from/env.toml".to_owned()),
            _ => None,
        };
        let flag = locate(Some(Path::new("/from/flag.toml")), &env).unwrap();
        assert_eq!(flag.path, Path::new("/from/flag.toml"));
        assert_eq!(locate(None, &env).unwrap().source, Source::Env(CONFIG_ENV));
        let home_only = |name: &str| (name == "HOME").then(|| "/home/ada".to_owned());
        assert_eq!(
            locate(None, &home_only).unwrap().path,
            Path::new("/home/ada/.config/sinch-contacts/config.toml")
        );
        assert_eq!(locate(None, &|_| None), None);
    }
}
