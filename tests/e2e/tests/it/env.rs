//! `from_env_with` pointed at the emulator through `SINCH_BASE_URL`.

use std::collections::HashMap;

use serde_json::json;
use sinch_contacts_e2e::loopback::Loopback;
use sinch_contacts_emulator::Emulator;

use crate::support::{create_request, id_of, list_everything};

fn variables(base_url: &str, auth: Option<&str>) -> HashMap<&'static str, String> {
    let mut variables = HashMap::from([
        ("SINCH_PROJECT_ID", "emulator-project".to_owned()),
        ("SINCH_KEY_ID", "emulator-key".to_owned()),
        ("SINCH_KEY_SECRET", "emulator-secret".to_owned()),
        ("SINCH_BASE_URL", base_url.to_owned()),
    ]);
    if let Some(auth) = auth {
        variables.insert("SINCH_AUTH", auth.to_owned());
    }
    variables
}

#[tokio::test]
async fn from_env_with_a_base_url_uses_the_emulator_and_its_token_endpoint() {
    let loopback = Loopback::start(Emulator::new()).await.expect("serving");
    let variables = variables(&loopback.base_url(), None);
    let client = sinch_contacts_reqwest::from_env_with(|name| variables.get(name).cloned())
        .expect("configured from the variables");
    assert_eq!(client.endpoint().base_url(), loopback.base_url());
    let created = client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "SMS", "identity": "+46700000200"}],
            "language": "EN_US",
            "external_id": "env-1",
        })))
        .await
        .expect("create");
    assert_eq!(client.get(&id_of(&created)).await.expect("get"), created);
    assert_eq!(
        client.find_by_external_id("env-1").await.expect("lookup"),
        Some(created.clone())
    );
    assert_eq!(list_everything(&client).await, vec![created]);
    // OAuth2 is the default scheme; the token came from {SINCH_BASE_URL}/oauth2/token.
    assert_eq!(loopback.emulator().tokens_issued(), 1);
    loopback.shutdown().await;
}

#[tokio::test]
async fn from_env_with_basic_auth_needs_no_token() {
    let loopback = Loopback::start(Emulator::new()).await.expect("serving");
    let variables = variables(&loopback.base_url(), Some("basic"));
    let client = sinch_contacts_reqwest::from_env_with(|name| variables.get(name).cloned())
        .expect("configured from the variables");
    let created = client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "SMS", "identity": "+46700000201"}],
            "language": "EN_US",
        })))
        .await
        .expect("create");
    assert_eq!(loopback.emulator().contact(&id_of(&created)), Some(created));
    assert_eq!(loopback.emulator().tokens_issued(), 0);
    loopback.shutdown().await;
}

#[tokio::test]
async fn from_env_with_a_trailing_slash_on_the_base_url_reaches_the_same_paths() {
    let loopback = Loopback::start(Emulator::new()).await.expect("serving");
    let variables = variables(&format!("{}/", loopback.base_url()), None);
    let client = sinch_contacts_reqwest::from_env_with(|name| variables.get(name).cloned())
        .expect("configured from the variables");
    let created = client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "SMS", "identity": "+46700000202"}],
            "language": "EN_US",
        })))
        .await
        .expect("create");
    assert_eq!(loopback.emulator().contact(&id_of(&created)), Some(created));
    assert_eq!(loopback.emulator().tokens_issued(), 1);
    loopback.shutdown().await;
}
