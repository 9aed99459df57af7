//! Profiles of the configuration file: flag > variable > profile, a missing profile, `config
//! show` with the secret masked, a secret in clear refused. HOME is a temporary folder each time.

use std::path::Path;

use tempfile::TempDir;

use crate::live::LiveEmulator;
use crate::support::bin;

/// A HOME whose `~/.config/sinch-contacts/config.toml` holds `config`, with the key secret
/// file `local.secret` beside it.
fn home_with(config: &str) -> TempDir {
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join(".config/sinch-contacts");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("config.toml"), config).unwrap();
    std::fs::write(folder.join("local.secret"), "emulator-secret\n").unwrap();
    home
}

/// A profile `local` for the emulator at `base_url`, and a `default` one with another project.
fn config_for(base_url: &str) -> String {
    format!(
        "[profiles.default]\nproject_id = \"default-project\"\nkey_id = \"default-key\"\n\
         region = \"eu\"\n\n[profiles.local]\nbase_url = \"{base_url}\"\n\
         project_id = \"emulator-project\"\nkey_id = \"emulator-key\"\n\
         key_secret_file = \"local.secret\"\n"
    )
}

fn show_json(home: &Path, args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let mut command = bin();
    command
        .args(["--json", "config", "show"])
        .args(args)
        .env("HOME", home);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_flag_beats_the_variable_which_beats_the_profile() {
    let home = home_with(&config_for("http://127.0.0.1:9"));
    let shown = show_json(
        home.path(),
        &["--profile", "local", "--key-id", "flag-key"],
        &[
            ("SINCH_KEY_ID", "env-key"),
            ("SINCH_PROJECT_ID", "env-project"),
        ],
    );
    assert_eq!(shown["profile"]["value"], "local");
    assert_eq!(shown["profile"]["from"], "--profile");
    assert_eq!(shown["key_id"]["value"], "flag-key");
    assert_eq!(shown["key_id"]["from"], "--key-id");
    assert_eq!(shown["project_id"]["value"], "env-project");
    assert_eq!(shown["project_id"]["from"], "SINCH_PROJECT_ID");
    assert_eq!(shown["base_url"]["value"], "http://127.0.0.1:9");
    assert_eq!(shown["base_url"]["from"], "profile local (base_url)");
    assert_eq!(shown["profiles"], serde_json::json!(["default", "local"]));

    // SINCH_PROFILE names the profile when --profile does not; without either, `default`.
    let shown = show_json(home.path(), &[], &[("SINCH_PROFILE", "local")]);
    assert_eq!(shown["profile"]["from"], "SINCH_PROFILE");
    assert_eq!(shown["project_id"]["value"], "emulator-project");
    let shown = show_json(home.path(), &[], &[]);
    assert_eq!(shown["profile"]["value"], "default");
    assert_eq!(shown["region"]["value"], "eu");
    assert_eq!(shown["key_secret"]["value"], serde_json::Value::Null);
}

#[test]
fn contacts_connect_with_the_profile_and_flags_and_variables_beat_it() {
    let emulator = LiveEmulator::start();
    let home = home_with(&config_for(&emulator.base_url));
    let list = |args: &[&str], project_env: Option<&str>| {
        let mut command = bin();
        command
            .args(["contacts", "--profile", "local", "list"])
            .args(args)
            .env("HOME", home.path());
        if let Some(project) = project_env {
            command.env("SINCH_PROJECT_ID", project);
        }
        command.output().unwrap()
    };
    // The profile alone: its base URL, project, key id and secret file reach the emulator.
    let output = list(&[], None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("no contacts"));
    // The variable beats the profile: a project the emulator does not have.
    let output = list(&[], Some("env-project"));
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Project `env-project` not found"));
    // The flag beats the variable.
    let output = list(&["--project-id", "emulator-project"], Some("env-project"));
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_missing_profile_is_a_usage_error_naming_the_profiles_there() {
    let home = home_with(&config_for("http://127.0.0.1:9"));
    for args in [
        vec!["contacts", "--profile", "prod", "list"],
        vec!["config", "show", "--profile", "prod"],
    ] {
        let output = bin().args(&args).env("HOME", home.path()).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("no profile `prod` (from --profile)")
                && stderr.contains("its profiles: default, local"),
            "{stderr}"
        );
    }
    // Named by the variable, in a file that is not there.
    let empty = tempfile::tempdir().unwrap();
    let output = bin()
        .args(["config", "show"])
        .env("HOME", empty.path())
        .env("SINCH_PROFILE", "prod")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no profile `prod` (from SINCH_PROFILE): there is no config file at"),
        "{stderr}"
    );
}

#[test]
fn config_show_masks_the_secret_and_says_where_each_setting_came_from() {
    let home = home_with(&config_for("http://127.0.0.1:9"));
    for (env_secret, from) in [
        (None, "key_secret_file"),
        (Some("env-secret-value"), "SINCH_KEY_SECRET"),
    ] {
        let mut command = bin();
        command
            .args(["config", "show", "--profile", "local"])
            .env("HOME", home.path());
        if let Some(secret) = env_secret {
            command.env("SINCH_KEY_SECRET", secret);
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(!stdout.contains("emulator-secret"), "{stdout}");
        assert!(!stdout.contains("env-secret-value"), "{stdout}");
        let line = stdout
            .lines()
            .find(|line| line.starts_with("key_secret "))
            .unwrap_or_else(|| panic!("no key_secret row: {stdout}"));
        assert!(line.contains("********") && line.contains(from), "{line}");
        let line = stdout
            .lines()
            .find(|line| line.starts_with("project_id "))
            .unwrap();
        assert!(
            line.contains("emulator-project") && line.contains("profile local (project_id)"),
            "{line}"
        );
    }
    // --config and SINCH_CONTACTS_CONFIG name another file; the flag wins.
    let other = tempfile::tempdir().unwrap();
    let flag_file = other.path().join("flag.toml");
    std::fs::write(
        &flag_file,
        "[profiles.default]\nproject_id = \"from-flag-file\"\n",
    )
    .unwrap();
    let env_file = other.path().join("env.toml");
    std::fs::write(
        &env_file,
        "[profiles.default]\nproject_id = \"from-env-file\"\n",
    )
    .unwrap();
    let shown = show_json(
        home.path(),
        &["--config", flag_file.to_str().unwrap()],
        &[("SINCH_CONTACTS_CONFIG", env_file.to_str().unwrap())],
    );
    assert_eq!(shown["project_id"]["value"], "from-flag-file");
    assert_eq!(shown["config_file"]["from"], "--config");
    let shown = show_json(
        home.path(),
        &[],
        &[("SINCH_CONTACTS_CONFIG", env_file.to_str().unwrap())],
    );
    assert_eq!(shown["project_id"]["value"], "from-env-file");
}

#[test]
fn a_key_secret_in_the_file_is_refused_with_why() {
    let home =
        home_with("[profiles.default]\nproject_id = \"p\"\nkey_secret = \"hunter2-in-clear\"\n");
    for args in [vec!["config", "show"], vec!["contacts", "list"]] {
        let output = bin().args(&args).env("HOME", home.path()).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("holds `key_secret`, which is never read from the config file")
                && stderr.contains("key_secret_file")
                && stderr.contains("SINCH_KEY_SECRET"),
            "{stderr}"
        );
        assert!(!stderr.contains("hunter2"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}
