//! Credentials: Basic, OAuth2 token cache, single-flight refresh and the
//! expired-token retry.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::future::join_all;
use http::header::AUTHORIZATION;
use insta::assert_snapshot;
use sinch_contacts_port::test_util::{FakeTransport, json_response, render_request};
use sinch_contacts_port::{Error, HttpRequest};

use crate::support::{
    CONTACT_JSON, TOKEN_URL, Time, basic_client, oauth_client, secs, token_response, with_header,
};

fn is_token_request(request: &HttpRequest) -> bool {
    request.uri() == TOKEN_URL
}

fn authorization(request: &HttpRequest) -> String {
    request.headers()[AUTHORIZATION]
        .to_str()
        .unwrap()
        .to_owned()
}

fn expired_401() -> sinch_contacts_port::HttpResponse {
    with_header(
        json_response(
            401,
            r#"{"error":{"code":401,"message":"token expired","status":"UNAUTHENTICATED"}}"#,
        ),
        "www-authenticate",
        r#"Bearer error="invalid_token", error_description="Jwt is expired""#,
    )
}

#[tokio::test]
async fn basic_auth_header_is_key_id_and_secret() {
    let fake = FakeTransport::new();
    fake.push_json(200, CONTACT_JSON);
    basic_client(&fake).get("01CONTACT").await.unwrap();
    // base64("key-id-1234:super-secret-value-9876")
    assert_eq!(
        authorization(&fake.requests()[0]),
        "Basic a2V5LWlkLTEyMzQ6c3VwZXItc2VjcmV0LXZhbHVlLTk4NzY="
    );
}

#[tokio::test]
async fn oauth_token_is_fetched_once_and_reused() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_response(token_response("token-1", 3600));
    fake.push_json(200, CONTACT_JSON);
    fake.push_json(200, CONTACT_JSON);
    let client = oauth_client(&fake, &time);
    client.get("a").await.unwrap();
    client.get("b").await.unwrap();
    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    assert!(is_token_request(&requests[0]));
    assert_snapshot!("token_request", render_request(&requests[0]));
    assert_eq!(authorization(&requests[1]), "Bearer token-1");
    assert_eq!(authorization(&requests[2]), "Bearer token-1");
}

#[tokio::test]
async fn token_is_refreshed_before_it_expires() {
    let fake = FakeTransport::new();
    let time = Time::new();
    let client = oauth_client(&fake, &time);
    fake.push_response(token_response("token-1", 3600));
    fake.push_json(200, CONTACT_JSON);
    client.get("a").await.unwrap();

    // 60 s margin: still fresh at 3539 s.
    time.clock.advance(secs(3539));
    fake.push_json(200, CONTACT_JSON);
    client.get("a").await.unwrap();
    assert_eq!(fake.request_count(), 3);

    // Past 3540 s a new token is fetched before the call.
    time.clock.advance(secs(2));
    fake.push_response(token_response("token-2", 3600));
    fake.push_json(200, CONTACT_JSON);
    client.get("a").await.unwrap();
    let requests = fake.requests();
    assert_eq!(requests.len(), 5);
    assert!(is_token_request(&requests[3]));
    assert_eq!(authorization(&requests[4]), "Bearer token-2");
}

#[tokio::test]
async fn short_lived_token_is_refreshed_at_half_life() {
    let fake = FakeTransport::new();
    let time = Time::new();
    let client = oauth_client(&fake, &time);
    fake.push_response(token_response("short", 60));
    fake.push_json(200, CONTACT_JSON);
    client.get("a").await.unwrap();
    time.clock.advance(secs(29));
    fake.push_json(200, CONTACT_JSON);
    client.get("a").await.unwrap();
    assert_eq!(fake.request_count(), 3);
    time.clock.advance(secs(1));
    fake.push_response(token_response("short-2", 60));
    fake.push_json(200, CONTACT_JSON);
    client.get("a").await.unwrap();
    assert!(is_token_request(&fake.requests()[3]));
}

#[tokio::test]
async fn hundred_concurrent_calls_share_one_token_request() {
    let fake = FakeTransport::new();
    let time = Time::new();
    let token_requests = Arc::new(AtomicUsize::new(0));
    let counter = token_requests.clone();
    fake.set_handler(move |request| {
        let counter = counter.clone();
        async move {
            if is_token_request(&request) {
                counter.fetch_add(1, Ordering::SeqCst);
                // Give every other call the chance to reach the cache while
                // this fetch is in flight.
                for _ in 0..50 {
                    tokio::task::yield_now().await;
                }
                Ok(token_response("shared", 3600))
            } else {
                assert_eq!(authorization(&request), "Bearer shared");
                Ok(json_response(200, CONTACT_JSON))
            }
        }
    });
    let client = oauth_client(&fake, &time);
    let calls = (0..100).map(|i| {
        let client = client.clone();
        async move { client.get(&format!("contact-{i}")).await }
    });
    let results = join_all(calls).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(token_requests.load(Ordering::SeqCst), 1);
    assert_eq!(fake.request_count(), 101);
}

#[tokio::test]
async fn hundred_concurrent_calls_on_many_threads_share_one_token_request() {
    let fake = FakeTransport::new();
    let time = Time::new();
    let token_requests = Arc::new(AtomicUsize::new(0));
    let counter = token_requests.clone();
    fake.set_handler(move |request| {
        let counter = counter.clone();
        async move {
            if is_token_request(&request) {
                counter.fetch_add(1, Ordering::SeqCst);
                for _ in 0..50 {
                    tokio::task::yield_now().await;
                }
                Ok(token_response("shared", 3600))
            } else {
                Ok(json_response(200, CONTACT_JSON))
            }
        }
    });
    let client = oauth_client(&fake, &time);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .unwrap();
    let handles: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            runtime.spawn(async move { client.get("x").await })
        })
        .collect();
    for handle in handles {
        handle.await.unwrap().unwrap();
    }
    runtime.shutdown_background();
    assert_eq!(token_requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn expired_token_is_dropped_refreshed_and_the_call_retried_once() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_response(token_response("old", 3600));
    fake.push_response(expired_401());
    fake.push_response(token_response("new", 3600));
    fake.push_json(200, CONTACT_JSON);
    let contact = oauth_client(&fake, &time).get("01CONTACT").await.unwrap();
    assert_eq!(contact.id.as_deref(), Some("01CONTACT"));
    let requests = fake.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(authorization(&requests[1]), "Bearer old");
    assert!(is_token_request(&requests[2]));
    assert_eq!(authorization(&requests[3]), "Bearer new");
}

#[tokio::test]
async fn a_second_expired_answer_is_returned_not_retried_forever() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_response(token_response("old", 3600));
    fake.push_response(expired_401());
    fake.push_response(token_response("new", 3600));
    fake.push_response(expired_401());
    let error = oauth_client(&fake, &time)
        .get("01CONTACT")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED));
    assert_eq!(fake.request_count(), 4);
    assert_eq!(fake.remaining(), 0);
}

#[tokio::test]
async fn a_401_without_expired_is_not_retried() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_response(token_response("t", 3600));
    fake.push_response(with_header(
        json_response(
            401,
            r#"{"error":{"code":401,"message":"bad key","status":"UNAUTHENTICATED"}}"#,
        ),
        "www-authenticate",
        "Bearer error=\"invalid_token\"",
    ));
    let error = oauth_client(&fake, &time).get("x").await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.message(), Some("bad key"));
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn basic_auth_does_not_react_to_expired() {
    let fake = FakeTransport::new();
    fake.push_response(expired_401());
    let error = basic_client(&fake).get("x").await.unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED));
    assert_eq!(fake.request_count(), 1);
}

#[tokio::test]
async fn token_endpoint_rejection_is_an_auth_error_and_the_api_is_not_called() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_json(
        401,
        r#"{"error":"invalid_client","error_description":"Bad client credentials"}"#,
    );
    let error = oauth_client(&fake, &time).get("x").await.unwrap_err();
    let Error::Auth(auth) = &error else {
        panic!("expected an auth error, got {error:?}");
    };
    assert_eq!(auth.error(), Some("invalid_client"));
    assert_eq!(
        error.to_string(),
        "OAuth2 token request failed: HTTP 401 Unauthorized: invalid_client: Bad client credentials"
    );
    assert_eq!(fake.request_count(), 1);
}

#[tokio::test]
async fn token_endpoint_429_is_retried_after_the_requested_delay() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_response(with_header(json_response(429, "{}"), "retry-after", "2"));
    fake.push_response(token_response("t", 3600));
    fake.push_json(200, CONTACT_JSON);
    oauth_client(&fake, &time).get("x").await.unwrap();
    assert_eq!(time.sleep.delays(), vec![secs(2)]);
    assert_eq!(fake.request_count(), 3);
}

#[tokio::test]
async fn token_endpoint_garbage_is_an_auth_error_with_a_path() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_json(200, r#"{"access_token": 12}"#);
    let error = oauth_client(&fake, &time).get("x").await.unwrap_err();
    let Error::Auth(auth) = &error else {
        panic!("expected an auth error, got {error:?}");
    };
    assert_eq!(auth.decode_path(), Some("access_token"));
    assert!(!error.is_retryable());
}
