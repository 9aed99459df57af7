//! OAuth2 tokens: issued, cached by the client, expired, refreshed.

use std::time::Duration;

use http::Method;
use sinch_contacts_emulator::Emulator;
use sinch_contacts_port::RetryPolicy;

use crate::support::{basic_header, client_with, http, oauth2, sms};

#[tokio::test]
async fn the_client_gets_one_token_and_reuses_it() {
    let emulator = Emulator::new();
    let client = client_with(&emulator, oauth2(&emulator), RetryPolicy::disabled());
    for n in 0..5 {
        client.create(&sms(&format!("+6000{n}"))).await.unwrap();
    }
    assert_eq!(emulator.tokens_issued(), 1);
    assert_eq!(emulator.contact_count(), 5);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_by_the_client() {
    let emulator = Emulator::new();
    let client = client_with(&emulator, oauth2(&emulator), RetryPolicy::disabled());
    client.create(&sms("+60010")).await.unwrap();
    emulator.expire_tokens();
    // The emulator answers 401 `Bearer error="expired"`; the client fetches a new token and
    // repeats the request once.
    client.create(&sms("+60011")).await.unwrap();
    assert_eq!(emulator.tokens_issued(), 2);
    assert_eq!(emulator.contact_count(), 2);
}

#[tokio::test]
async fn over_http_an_expired_token_gets_401_with_bearer_error_expired() {
    let emulator = Emulator::builder()
        .token_lifetime(Duration::from_secs(2))
        .build();
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = server.base_url();
    let basic = basic_header(&emulator);
    let token = http(
        Method::POST,
        &format!("{base}/oauth2/token"),
        &[
            ("authorization", &basic),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "grant_type=client_credentials",
    )
    .await
    .unwrap();
    assert_eq!(token.status, 200);
    let token = token.json();
    assert_eq!(token["expires_in"], 2);
    assert_eq!(token["token_type"], "bearer");
    assert!(token["scope"].is_string());
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let contacts = format!("{base}/v1/projects/emulator-project/contacts");

    let fresh = http(Method::GET, &contacts, &[("authorization", &bearer)], "")
        .await
        .unwrap();
    assert_eq!(fresh.status, 200);

    // Past the two-second lifetime.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = http(Method::GET, &contacts, &[("authorization", &bearer)], "")
        .await
        .unwrap();
    assert_eq!(expired.status, 401);
    let challenge = expired.headers["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.starts_with("Bearer error=\"expired\""),
        "{challenge}"
    );
    assert_eq!(expired.json()["error"]["status"], "UNAUTHENTICATED");

    let unknown = http(
        Method::GET,
        &contacts,
        &[("authorization", "Bearer made-up")],
        "",
    )
    .await
    .unwrap();
    assert_eq!(unknown.status, 401);
    assert!(
        !unknown.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("expired")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn the_token_endpoint_checks_the_key_and_the_grant() {
    let emulator = Emulator::new();
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("{}/oauth2/token", server.base_url());
    let form = [("content-type", "application/x-www-form-urlencoded")];

    let anonymous = http(Method::POST, &url, &form, "grant_type=client_credentials")
        .await
        .unwrap();
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json()["error"], "invalid_client");

    let basic = basic_header(&emulator);
    let with_key = [("authorization", basic.as_str()), form[0]];
    let wrong_grant = http(Method::POST, &url, &with_key, "grant_type=password")
        .await
        .unwrap();
    assert_eq!(wrong_grant.status, 400);
    assert_eq!(wrong_grant.json()["error"], "unsupported_grant_type");
    let no_grant = http(Method::POST, &url, &with_key, "").await.unwrap();
    assert_eq!(no_grant.status, 400);
    assert_eq!(emulator.tokens_issued(), 0);
    server.shutdown().await;
}
