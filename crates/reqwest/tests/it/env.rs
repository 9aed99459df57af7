//! `from_env_with` / `EnvConfig`: every variable is read, checked and named
//! in errors; the secret never shows.

use std::collections::HashMap;

use sinch_contacts_port::Region;
use sinch_contacts_reqwest::{EnvConfig, EnvError, from_env_with};

const SECRET: &str = "s3cr3t-never-shown";

fn vars(pairs: &[(&'static str, &'static str)]) -> HashMap<&'static str, String> {
    let mut vars: HashMap<&'static str, String> = HashMap::from([
        ("SINCH_PROJECT_ID", "my-project".to_owned()),
        ("SINCH_KEY_ID", "my-key".to_owned()),
        ("SINCH_KEY_SECRET", SECRET.to_owned()),
        ("SINCH_REGION", "eu".to_owned()),
    ]);
    for (name, value) in pairs {
        vars.insert(name, (*value).to_owned());
    }
    vars
}

fn config(vars: &HashMap<&'static str, String>) -> Result<EnvConfig, EnvError> {
    EnvConfig::from_lookup(|name| vars.get(name).cloned())
}

fn without(name: &str) -> HashMap<&'static str, String> {
    let mut all = vars(&[]);
    all.remove(name);
    all
}

/// Checks the error names `variable` and that no rendering leaks the secret.
fn assert_names(error: &EnvError, variable: &str) {
    assert_eq!(error.variable(), Some(variable), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(shown.contains(variable), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
}

#[test]
fn each_missing_required_variable_is_named() {
    for name in [
        "SINCH_PROJECT_ID",
        "SINCH_KEY_ID",
        "SINCH_KEY_SECRET",
        "SINCH_REGION",
    ] {
        let error = config(&without(name)).unwrap_err();
        assert!(
            matches!(error, EnvError::Missing { .. }),
            "{name}: {error:?}"
        );
        assert_names(&error, name);
        assert_eq!(
            error.to_string(),
            format!("environment variable {name} is not set or is empty")
        );
    }
}

#[test]
fn an_empty_value_counts_as_missing() {
    let error = config(&vars(&[("SINCH_KEY_ID", "  ")])).unwrap_err();
    assert!(matches!(
        error,
        EnvError::Missing {
            variable: "SINCH_KEY_ID"
        }
    ));
}

#[test]
fn bad_values_are_named() {
    let cases: [(&'static str, &'static str); 5] = [
        ("SINCH_REGION", "ap"),
        ("SINCH_AUTH", "kerberos"),
        ("SINCH_BASE_URL", "127.0.0.1:8080"),
        ("SINCH_BASE_URL", "http://host/?q=1"),
        ("SINCH_TOKEN_URL", "ftp://auth.example/token"),
    ];
    for (name, value) in cases {
        let error = config(&vars(&[(name, value)])).unwrap_err();
        assert!(
            matches!(error, EnvError::Invalid { .. }),
            "{name}={value}: {error:?}"
        );
        assert_names(&error, name);
        assert!(error.to_string().contains(value), "{error}");
    }
}

#[test]
fn a_token_url_with_basic_auth_is_refused() {
    let error = config(&vars(&[
        ("SINCH_AUTH", "basic"),
        ("SINCH_TOKEN_URL", "http://127.0.0.1:1/oauth2/token"),
    ]))
    .unwrap_err();
    assert_names(&error, "SINCH_TOKEN_URL");
}

#[test]
fn a_region_gives_the_regional_url_and_sinchs_token_url() {
    let config = config(&vars(&[("SINCH_REGION", "BR")])).unwrap();
    assert_eq!(config.region(), Some(Region::Br));
    assert_eq!(config.base_url(), "https://br.conversation.api.sinch.com");
    assert_eq!(config.project_id(), "my-project");
    assert_eq!(config.auth().key_id(), "my-key");
    assert!(config.auth().is_oauth2());
    assert_eq!(
        config.auth().token_url(),
        Some("https://auth.sinch.com/oauth2/token")
    );
    assert!(!format!("{config:?}").contains(SECRET));
}

#[test]
fn a_base_url_replaces_the_region_and_hosts_the_token_endpoint() {
    let mut vars = without("SINCH_REGION");
    vars.insert("SINCH_BASE_URL", "http://127.0.0.1:8080/".to_owned());
    let config = config(&vars).unwrap();
    assert_eq!(config.region(), None);
    assert_eq!(config.base_url(), "http://127.0.0.1:8080");
    assert_eq!(
        config.auth().token_url(),
        Some("http://127.0.0.1:8080/oauth2/token")
    );
}

#[test]
fn a_region_given_with_a_base_url_is_still_checked() {
    let error = config(&vars(&[
        ("SINCH_BASE_URL", "http://127.0.0.1:8080"),
        ("SINCH_REGION", "mars"),
    ]))
    .unwrap_err();
    assert_names(&error, "SINCH_REGION");
}

#[test]
fn an_explicit_token_url_wins() {
    let config = config(&vars(&[
        ("SINCH_BASE_URL", "http://127.0.0.1:8080"),
        ("SINCH_TOKEN_URL", "http://127.0.0.1:9090/token"),
    ]))
    .unwrap();
    assert_eq!(
        config.auth().token_url(),
        Some("http://127.0.0.1:9090/token")
    );
}

#[test]
fn basic_auth_on_request() {
    for scheme in ["basic", "Basic"] {
        let config = config(&vars(&[("SINCH_AUTH", scheme)])).unwrap();
        assert!(!config.auth().is_oauth2());
        assert_eq!(config.auth().token_url(), None);
    }
    let config = config(&vars(&[("SINCH_AUTH", "oauth2")])).unwrap();
    assert!(config.auth().is_oauth2());
}

#[test]
fn from_env_with_builds_a_ready_client() {
    let vars = vars(&[]);
    let client = from_env_with(|name| vars.get(name).cloned()).unwrap();
    assert_eq!(
        client.endpoint().base_url(),
        "https://eu.conversation.api.sinch.com"
    );
    assert_eq!(client.endpoint().project_id(), "my-project");

    let missing = without("SINCH_PROJECT_ID");
    let error = from_env_with(|name| missing.get(name).cloned()).unwrap_err();
    assert_names(&error, "SINCH_PROJECT_ID");
}
