//! [`resolve`]: each setting from its flag, else its variable, else the profile (else, with
//! `--base-url`, the emulator's default).

use std::path::Path;

use sinch_contacts_reqwest::vars::{BASE_URL, KEY_ID, KEY_SECRET, PROJECT_ID, REGION};

use super::Source;
use super::file::{self, Location};
use super::select::{read_secret_file, select_profile};
use crate::error::CliResult;

/// The flags given (each `None` when absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags<'a> {
    /// `--config`.
    pub config: Option<&'a Path>,
    /// `--profile`.
    pub profile: Option<&'a str>,
    /// `--base-url`.
    pub base_url: Option<&'a str>,
    /// `--project-id`.
    pub project_id: Option<&'a str>,
    /// `--key-id`.
    pub key_id: Option<&'a str>,
    /// `--key-secret`.
    pub key_secret: Option<&'a str>,
    /// What fills in a setting found nowhere (the emulator's, with `--base-url`).
    pub fallback: Option<Fallback>,
}

/// Defaults used when a setting is found nowhere.
#[derive(Debug, Clone, Copy)]
pub struct Fallback {
    /// The project id.
    pub project_id: &'static str,
    /// The key id.
    pub key_id: &'static str,
    /// The key secret.
    pub key_secret: &'static str,
    /// Where they come from, in words.
    pub source: &'static str,
}

/// One setting: its value (`None`: not set) and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The value.
    pub value: Option<String>,
    /// Where it came from.
    pub source: Source,
}

impl Setting {
    pub(super) fn unset() -> Self {
        Self {
            value: None,
            source: Source::Unset,
        }
    }

    /// The value, or `""`.
    pub fn as_str(&self) -> &str {
        self.value.as_deref().unwrap_or("")
    }
}

/// The effective settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file looked at (none without HOME), and whether it exists.
    pub config: Option<(Location, bool)>,
    /// The profiles of the file.
    pub profiles: Vec<String>,
    /// The selected profile.
    pub profile: Setting,
    /// The base URL (none: the region's).
    pub base_url: Setting,
    /// The region.
    pub region: Setting,
    /// The project id.
    pub project_id: Setting,
    /// The access key id.
    pub key_id: Setting,
    /// The access key secret (never printed).
    pub key_secret: Setting,
}

/// The effective settings for `flags`, reading variables (and HOME) through `env`.
pub fn resolve(flags: &Flags<'_>, env: &dyn Fn(&str) -> Option<String>) -> CliResult<Settings> {
    // An empty variable counts as not set.
    let env = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    let location = file::locate(flags.config, &env);
    let home = env("HOME");
    let loaded = match &location {
        Some(location) => file::load(location, home.as_deref())?,
        None => None,
    };
    let (profile_setting, profile) =
        select_profile(flags, &env, loaded.as_ref(), location.as_ref())?;
    let profile_name = profile_setting.value.clone().unwrap_or_default();
    let from_profile = |key: &'static str, value: Option<&String>| {
        value.map(|value| Setting {
            value: Some(value.clone()),
            source: Source::Profile {
                name: profile_name.clone(),
                key,
            },
        })
    };
    let pick =
        |flag: Option<(&str, &'static str)>, variable: &'static str, profiled: Option<Setting>| {
            if let Some((value, name)) = flag {
                return Setting {
                    value: Some(value.to_owned()),
                    source: Source::Flag(name),
                };
            }
            if let Some(value) = env(variable) {
                return Setting {
                    value: Some(value),
                    source: Source::Env(variable),
                };
            }
            profiled.unwrap_or_else(Setting::unset)
        };
    let fallback = |setting: Setting, value: fn(&Fallback) -> &'static str| match (
        &setting.value,
        flags.fallback,
    ) {
        (None, Some(fallback)) => Setting {
            value: Some(value(&fallback).to_owned()),
            source: Source::Default(fallback.source),
        },
        _ => setting,
    };
    let profile = profile.unwrap_or_default();
    let base_url = pick(
        flags.base_url.map(|v| (v, "--base-url")),
        BASE_URL,
        from_profile("base_url", profile.base_url.as_ref()),
    );
    let region = pick(
        None,
        REGION,
        from_profile("region", profile.region.as_ref()),
    );
    let project_id = fallback(
        pick(
            flags.project_id.map(|v| (v, "--project-id")),
            PROJECT_ID,
            from_profile("project_id", profile.project_id.as_ref()),
        ),
        |f| f.project_id,
    );
    let key_id = fallback(
        pick(
            flags.key_id.map(|v| (v, "--key-id")),
            KEY_ID,
            from_profile("key_id", profile.key_id.as_ref()),
        ),
        |f| f.key_id,
    );
    let secret_from_file = match &profile.key_secret_file {
        Some(path) if flags.key_secret.is_none() && env(KEY_SECRET).is_none() => {
            Some(read_secret_file(&profile_name, path)?)
        }
        _ => None,
    };
    let key_secret = fallback(
        pick(
            flags.key_secret.map(|v| (v, "--key-secret")),
            KEY_SECRET,
            secret_from_file,
        ),
        |f| f.key_secret,
    );
    Ok(Settings {
        profiles: loaded
            .as_ref()
            .map(|file| file.profiles.keys().cloned().collect())
            .unwrap_or_default(),
        config: location.map(|location| (location, loaded.is_some())),
        profile: profile_setting,
        base_url,
        region,
        project_id,
        key_id,
        key_secret,
    })
}

#[cfg(test)]
mod tests {
    use super::super::select::PROFILE_ENV;
    use super::*;

    struct Env(Vec<(&'static str, String)>);

    impl Env {
        fn get(&self, name: &str) -> Option<String> {
            self.0
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, v)| v.clone())
        }
    }

    fn home_with(config: &str) -> (tempfile::TempDir, Env) {
        let home = tempfile::tempdir().unwrap();
        let folder = home.path().join(".config/sinch-contacts");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("config.toml"), config).unwrap();
        std::fs::write(folder.join("staging.secret"), "from-file\n").unwrap();
        let env = Env(vec![("HOME", home.path().to_str().unwrap().to_owned())]);
        (home, env)
    }

    const CONFIG: &str = "[profiles.staging]\nproject_id = \"profile-project\"\n\
        key_id = \"profile-key\"\nregion = \"eu\"\nkey_secret_file = \"staging.secret\"\n\
        [profiles.default]\nproject_id = \"default-project\"\n";

    #[test]
    fn a_flag_beats_the_variable_which_beats_the_profile() {
        let (_home, mut env) = home_with(CONFIG);
        env.0.push((PROFILE_ENV, "staging".to_owned()));
        env.0.push((KEY_ID, "env-key".to_owned()));
        env.0.push((PROJECT_ID, "env-project".to_owned()));
        let flags = Flags {
            project_id: Some("flag-project"),
            ..Flags::default()
        };
        let settings = resolve(&flags, &|name| env.get(name)).unwrap();
        assert_eq!(settings.profile.as_str(), "staging");
        assert_eq!(settings.profile.source, Source::Env(PROFILE_ENV));
        assert_eq!(settings.project_id.as_str(), "flag-project");
        assert_eq!(settings.project_id.source, Source::Flag("--project-id"));
        assert_eq!(settings.key_id.as_str(), "env-key");
        assert_eq!(settings.key_id.source, Source::Env(KEY_ID));
        assert_eq!(settings.region.as_str(), "eu");
        assert!(matches!(
            settings.region.source,
            Source::Profile { key: "region", .. }
        ));
        assert_eq!(settings.key_secret.as_str(), "from-file");
        assert!(matches!(
            settings.key_secret.source,
            Source::SecretFile { .. }
        ));
        assert_eq!(settings.base_url, Setting::unset());
    }

    #[test]
    fn the_default_profile_applies_unless_another_is_named() {
        let (_home, env) = home_with(CONFIG);
        let settings = resolve(&Flags::default(), &|name| env.get(name)).unwrap();
        assert_eq!(settings.profile.as_str(), "default");
        assert_eq!(settings.project_id.as_str(), "default-project");
        assert_eq!(settings.profiles, ["default", "staging"]);
    }

    #[test]
    fn a_missing_profile_names_the_profiles_there() {
        let (_home, env) = home_with(CONFIG);
        let flags = Flags {
            profile: Some("prod"),
            ..Flags::default()
        };
        let error = resolve(&flags, &|name| env.get(name)).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        let text = error.to_string();
        assert!(
            text.contains("no profile `prod` (from --profile)")
                && text.contains("its profiles: default, staging"),
            "{text}"
        );
    }

    #[test]
    fn without_a_file_the_fallback_fills_in() {
        let home = tempfile::tempdir().unwrap();
        let env = Env(vec![("HOME", home.path().to_str().unwrap().to_owned())]);
        let flags = Flags {
            base_url: Some("http://127.0.0.1:1"),
            fallback: Some(Fallback {
                project_id: "ep",
                key_id: "ek",
                key_secret: "es",
                source: "the emulator's",
            }),
            ..Flags::default()
        };
        let settings = resolve(&flags, &|name| env.get(name)).unwrap();
        assert_eq!(
            settings.config.as_ref().map(|(_, found)| *found),
            Some(false)
        );
        assert_eq!(settings.project_id.as_str(), "ep");
        assert_eq!(
            settings.key_secret.source,
            Source::Default("the emulator's")
        );
        assert_eq!(settings.base_url.source, Source::Flag("--base-url"));
    }
}
