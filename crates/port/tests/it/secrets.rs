//! Credentials and tokens never appear in Debug, Display or snapshots.

use http::header::AUTHORIZATION;
use sinch_contacts_port::Auth;
use sinch_contacts_port::test_util::{FakeTransport, json_response, render_request};

use crate::support::{CONTACT_JSON, KEY_SECRET, Time, basic_client, oauth_client, token_response};

const TOKEN: &str = "eyJ-very-secret-access-token";

#[tokio::test]
async fn nothing_printable_contains_the_secret_or_the_token() {
    let fake = FakeTransport::new();
    let time = Time::new();
    let client = oauth_client(&fake, &time);
    fake.push_response(token_response(TOKEN, 3600));
    fake.push_response(json_response(500, r#"{"error":{"message":"boom"}}"#));
    let error = client.get("x").await.unwrap_err();

    let requests = fake.requests();
    let basic = requests[0].headers()[AUTHORIZATION].clone();
    let bearer = requests[1].headers()[AUTHORIZATION].clone();
    assert!(basic.is_sensitive() && bearer.is_sensitive());

    let printed = [
        format!("{client:?}"),
        format!("{error:?}"),
        error.to_string(),
        format!("{:?}", Auth::oauth2("id", KEY_SECRET)),
        format!("{:?}", Auth::basic("id", KEY_SECRET)),
        format!("{basic:?}"),
        format!("{bearer:?}"),
        render_request(&requests[0]),
        render_request(&requests[1]),
    ];
    let basic_value = basic
        .to_str()
        .unwrap()
        .trim_start_matches("Basic ")
        .to_owned();
    for text in &printed {
        assert!(!text.contains(KEY_SECRET), "secret leaked in {text}");
        assert!(!text.contains(TOKEN), "token leaked in {text}");
        assert!(
            !text.contains(&basic_value),
            "basic credential leaked in {text}"
        );
    }
    assert!(render_request(&requests[1]).contains("authorization: Bearer [REDACTED]"));
}

#[tokio::test]
async fn basic_client_debug_hides_the_secret() {
    let fake = FakeTransport::new();
    fake.push_json(200, CONTACT_JSON);
    let client = basic_client(&fake);
    client.get("x").await.unwrap();
    let printed = format!("{client:?}");
    assert!(printed.contains("key-id-1234"));
    assert!(!printed.contains(KEY_SECRET));
}
