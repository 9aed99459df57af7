//! The `ContactsClient` over the reqwest transport against a hand-written
//! loopback Sinch: OAuth2 token first, then the contact.

use sinch_contacts_port::Error;
use tokio::io::AsyncWriteExt;

use crate::server::{Server, json_ok, read_request, response};

/// base64("emulator-key:emulator-secret"), worked out by hand.
const BASIC_CREDENTIALS: &str = "Basic ZW11bGF0b3Ita2V5OmVtdWxhdG9yLXNlY3JldA==";

const CONTACT: &str = r#"{"id":"01CONTACT","display_name":"Ada Lovelace","channel_identities":[{"channel":"SMS","identity":"+46732001122"}],"language":"EN_US"}"#;

/// Answers the token endpoint and one contact; anything else is a 404.
async fn fake_sinch() -> Server {
    Server::start(|mut stream, log| async move {
        while let Some(request) = read_request(&mut stream, &log).await {
            let answer = match (request.method.as_str(), request.target.as_str()) {
                ("POST", "/oauth2/token") => {
                    json_ok(r#"{"access_token":"tok-1","expires_in":3600,"token_type":"bearer"}"#)
                }
                ("GET", "/v1/projects/emulator-project/contacts/01CONTACT") => json_ok(CONTACT),
                _ => response(
                    "404 Not Found",
                    &[("content-type", "application/json")],
                    br#"{"error":{"code":404,"message":"no such thing","status":"NOT_FOUND"}}"#,
                ),
            };
            if stream.write_all(&answer).await.is_err() {
                return;
            }
        }
    })
    .await
}

fn env_for(server: &Server, auth: &str) -> impl Fn(&str) -> Option<String> {
    env_with_credentials(server, auth, "emulator-key", "emulator-secret")
}

fn env_with_credentials(
    server: &Server,
    auth: &str,
    key_id: &str,
    secret: &str,
) -> impl Fn(&str) -> Option<String> {
    let base_url = server.base_url();
    let auth = auth.to_owned();
    let key_id = key_id.to_owned();
    let secret = secret.to_owned();
    move |name| match name {
        "SINCH_PROJECT_ID" => Some("emulator-project".to_owned()),
        "SINCH_KEY_ID" => Some(key_id.clone()),
        "SINCH_KEY_SECRET" => Some(secret.clone()),
        "SINCH_BASE_URL" => Some(base_url.clone()),
        "SINCH_AUTH" => Some(auth.clone()),
        _ => None,
    }
}

#[tokio::test]
async fn get_a_contact_with_oauth2_from_the_environment() {
    let server = fake_sinch().await;
    let client = sinch_contacts_reqwest::from_env_with(env_for(&server, "oauth2")).unwrap();

    let contact = client.get("01CONTACT").await.unwrap();

    assert_eq!(contact.id.as_deref(), Some("01CONTACT"));
    assert_eq!(contact.display_name.as_deref(), Some("Ada Lovelace"));
    let received = server.received();
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(received[0].target, "/oauth2/token");
    assert_eq!(received[0].header("authorization"), Some(BASIC_CREDENTIALS));
    assert_eq!(received[0].body, b"grant_type=client_credentials");
    assert_eq!(received[1].method, "GET");
    assert_eq!(received[1].header("authorization"), Some("Bearer tok-1"));
}

#[tokio::test]
async fn get_a_contact_with_basic_auth_and_see_a_404_as_an_api_error() {
    let server = fake_sinch().await;
    let client = sinch_contacts_reqwest::from_env_with(env_for(&server, "basic")).unwrap();

    let contact = client.get("01CONTACT").await.unwrap();
    assert_eq!(contact.display_name.as_deref(), Some("Ada Lovelace"));

    let error = client.get("01MISSING").await.unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND));

    let received = server.received();
    assert_eq!(
        received.len(),
        2,
        "no token request with basic auth: {received:?}"
    );
    assert_eq!(received[0].header("authorization"), Some(BASIC_CREDENTIALS));
    assert_eq!(
        received[1].target,
        "/v1/projects/emulator-project/contacts/01MISSING"
    );
}

#[tokio::test]
async fn credentials_read_with_a_trailing_newline_still_authenticate() {
    let server = fake_sinch().await;
    let env = env_with_credentials(&server, "basic", " emulator-key\n", "emulator-secret\n");
    let client = sinch_contacts_reqwest::from_env_with(env).unwrap();

    client.get("01CONTACT").await.unwrap();

    assert_eq!(
        server.received()[0].header("authorization"),
        Some(BASIC_CREDENTIALS)
    );
}

#[tokio::test]
async fn a_refused_connection_reaches_the_caller_as_a_transport_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let base_url = format!("http://{addr}");
    let client = sinch_contacts_reqwest::from_env_with(move |name| match name {
        "SINCH_PROJECT_ID" => Some("p".to_owned()),
        "SINCH_KEY_ID" => Some("k".to_owned()),
        "SINCH_KEY_SECRET" => Some("s".to_owned()),
        "SINCH_BASE_URL" => Some(base_url.clone()),
        "SINCH_AUTH" => Some("basic".to_owned()),
        _ => None,
    })
    .unwrap();

    let error = client.get("01CONTACT").await.unwrap_err();

    match error {
        Error::Transport(error) => assert!(!error.may_have_been_sent()),
        other => panic!("expected a transport error, got {other:?}"),
    }
}
