//! `config show`: the effective connection settings of the `contacts` commands, each with where
//! it came from (a flag, a variable, a profile, a default), the key secret masked.

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::config::{Setting, Settings, Source};
use crate::contacts::CredentialArgs;
use crate::error::CliResult;
use crate::output::{Output, Table};

/// What a secret is printed as.
const MASK: &str = "********";

/// The `config` commands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the settings `contacts` would connect with, and where each came from (flag >
    /// variable > profile), the key secret masked.
    Show(ShowArgs),
}

/// Arguments of `config show`: the same flags as `contacts`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The connection flags to take into account.
    #[command(flatten)]
    pub credentials: CredentialArgs,
}

/// Runs a config command.
pub fn run(command: &ConfigCommand, output: Output) -> CliResult {
    match command {
        ConfigCommand::Show(args) => show(&args.credentials.settings()?, output),
    }
}

/// The rows: name, setting, whether it is secret.
fn rows(settings: &Settings) -> [(&'static str, &Setting, bool); 6] {
    [
        ("profile", &settings.profile, false),
        ("base_url", &settings.base_url, false),
        ("region", &settings.region, false),
        ("project_id", &settings.project_id, false),
        ("key_id", &settings.key_id, false),
        ("key_secret", &settings.key_secret, true),
    ]
}

fn shown(setting: &Setting, secret: bool) -> Option<String> {
    setting.value.as_ref().map(|value| {
        if secret {
            MASK.to_owned()
        } else {
            value.clone()
        }
    })
}

fn show(settings: &Settings, output: Output) -> CliResult {
    let (file, file_from, found) = match &settings.config {
        Some((location, found)) => (
            Some(location.path.display().to_string()),
            location.source.to_string(),
            *found,
        ),
        None => (None, "HOME is not set".to_owned(), false),
    };
    if output.json {
        let mut document = serde_json::Map::new();
        document.insert(
            "config_file".to_owned(),
            json!({ "value": file, "from": file_from, "exists": found }),
        );
        document.insert("profiles".to_owned(), json!(settings.profiles));
        for (name, setting, secret) in rows(settings) {
            document.insert(
                name.to_owned(),
                json!({ "value": shown(setting, secret), "from": setting.source.to_string() }),
            );
        }
        return output.json_line(&Value::Object(document));
    }
    let mut table = Table::new(["SETTING", "VALUE", "FROM"]).uncut();
    let file_note = if found {
        file_from
    } else {
        format!("{file_from}; no such file")
    };
    table.row([
        "config file".to_owned(),
        file.unwrap_or_else(|| "-".to_owned()),
        file_note,
    ]);
    for (name, setting, secret) in rows(settings) {
        let from = match (&setting.source, name) {
            (Source::Unset, "base_url") => "not set: the region's URL".to_owned(),
            (source, _) => source.to_string(),
        };
        table.row([
            name.to_owned(),
            shown(setting, secret).unwrap_or_else(|| "-".to_owned()),
            from,
        ]);
    }
    output.text(&table.to_string())?;
    if !settings.profiles.is_empty() {
        output.text(&format!(
            "profiles in the file: {}",
            settings.profiles.join(", ")
        ))?;
    }
    Ok(())
}
