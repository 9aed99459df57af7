//! Which profile applies, and the key secret file it names.

use std::path::Path;

use super::file::{ConfigFile, Location, Profile};
use super::{Flags, Setting, Source};
use crate::error::{CliError, CliResult};

/// The variable naming the profile.
pub const PROFILE_ENV: &str = "SINCH_PROFILE";

/// The profile: `--profile`, else the variable, else `default` when the file has one.
pub(super) fn select_profile(
    flags: &Flags<'_>,
    env: &dyn Fn(&str) -> Option<String>,
    loaded: Option<&ConfigFile>,
    location: Option<&Location>,
) -> CliResult<(Setting, Option<Profile>)> {
    let named = match (flags.profile, env(PROFILE_ENV)) {
        (Some(name), _) => Some((name.to_owned(), Source::Flag("--profile"))),
        (None, Some(name)) => Some((name, Source::Env(PROFILE_ENV))),
        (None, None) => None,
    };
    let Some((name, source)) = named else {
        return Ok(match loaded.and_then(|file| file.profiles.get("default")) {
            Some(profile) => (
                Setting {
                    value: Some("default".to_owned()),
                    source: Source::Default("the profile named default"),
                },
                Some(profile.clone()),
            ),
            None => (Setting::unset(), None),
        });
    };
    match loaded {
        Some(file) => match file.profiles.get(&name) {
            Some(profile) => Ok((
                Setting {
                    value: Some(name),
                    source,
                },
                Some(profile.clone()),
            )),
            None => {
                let there: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
                let listed = if there.is_empty() {
                    "it has none".to_owned()
                } else {
                    format!("its profiles: {}", there.join(", "))
                };
                Err(CliError::usage(format!(
                    "no profile `{name}` (from {source}) in the config file {}; {listed}",
                    file.path.display()
                )))
            }
        },
        None => Err(CliError::usage(match location {
            Some(location) => format!(
                "no profile `{name}` (from {source}): there is no config file at {}",
                location.path.display()
            ),
            None => format!(
                "no profile `{name}` (from {source}): HOME is not set, so there is no config file; \
                 name one with --config or {}",
                super::CONFIG_ENV
            ),
        })
        .hint("a profile is a [profiles.NAME] table of the config file, see docs/cli.md")),
    }
}

/// The key secret in `path`, its trailing line break removed.
pub(super) fn read_secret_file(profile: &str, path: &Path) -> CliResult<Setting> {
    let mut text = std::fs::read_to_string(path).map_err(|error| {
        CliError::failure(format!(
            "cannot read the key secret file {} (key_secret_file of profile {profile}): {error}",
            path.display()
        ))
    })?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    if text.is_empty() {
        return Err(CliError::usage(format!(
            "the key secret file {} (key_secret_file of profile {profile}) is empty",
            path.display()
        )));
    }
    Ok(Setting {
        value: Some(text),
        source: Source::SecretFile {
            profile: profile.to_owned(),
            path: path.to_owned(),
        },
    })
}
