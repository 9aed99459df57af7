//! The effective settings as `sinch_contacts_reqwest::EnvConfig` reads them (by variable
//! name), and its errors said with where the setting at fault came from.

use sinch_contacts_reqwest::EnvError;
use sinch_contacts_reqwest::vars::{BASE_URL, KEY_ID, KEY_SECRET, PROJECT_ID, REGION};

use super::{Settings, Source};

impl Settings {
    /// The value for the `SINCH_*` variable `name` that `sinch_contacts_reqwest::EnvConfig`
    /// reads, when it is a setting resolved here (`None` for the others: read them from the
    /// environment).
    pub fn lookup(&self, name: &str) -> Option<Option<String>> {
        let setting = match name {
            PROJECT_ID => &self.project_id,
            KEY_ID => &self.key_id,
            KEY_SECRET => &self.key_secret,
            REGION => &self.region,
            BASE_URL => &self.base_url,
            _ => return None,
        };
        Some(setting.value.clone())
    }

    /// An error of `EnvConfig` about the settings, naming where the setting at fault came from
    /// (a profile key rather than the variable `EnvConfig` knows it by).
    pub fn explain(&self, error: &EnvError) -> String {
        let setting = match error.variable() {
            Some(PROJECT_ID) => Some(&self.project_id),
            Some(KEY_ID) => Some(&self.key_id),
            Some(KEY_SECRET) => Some(&self.key_secret),
            Some(REGION) => Some(&self.region),
            Some(BASE_URL) => Some(&self.base_url),
            _ => None,
        };
        match (error, setting) {
            (EnvError::Invalid { reason, .. }, Some(setting))
                if !matches!(setting.source, Source::Env(_)) =>
            {
                format!("{}: {reason}", setting.source)
            }
            (EnvError::Missing { variable }, _) if self.profile.value.is_some() => format!(
                "{variable} is not set, and profile {} has no {}",
                self.profile.as_str(),
                profile_key(variable)
            ),
            _ => error.to_string(),
        }
    }
}

/// The profile key of a variable.
fn profile_key(variable: &str) -> &'static str {
    match variable {
        PROJECT_ID => "project_id",
        KEY_ID => "key_id",
        KEY_SECRET => "key_secret_file",
        REGION => "region (nor base_url)",
        _ => "such key",
    }
}
