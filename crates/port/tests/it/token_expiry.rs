//! Tokens that expire while a call is backing off: every attempt carries a
//! token that is still valid, and the one refresh on a `401 expired` stays
//! bounded.
//!
//! The server here is a small model of Sinch's: it issues numbered tokens
//! that live a fixed time on the test's manual clock, answers `401` with
//! "expired" to a token past its lifetime, and otherwise answers the API
//! calls with a scripted list of statuses (then 200).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::header::AUTHORIZATION;
use sinch_contacts_port::test_util::{FakeTransport, ManualClock, json_response};
use sinch_contacts_port::{
    Auth, Clock as _, ContactsClient, Error, FixedJitter, Region, RetryPolicy,
};

use crate::support::{
    CONTACT_JSON, KEY_ID, KEY_SECRET, TOKEN_URL, Time, secs, token_response, with_header,
};

/// What the model server saw of one API request.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    token: String,
    expired: bool,
}

#[derive(Default)]
struct ServerState {
    issued: Vec<(String, Instant)>,
    statuses: VecDeque<u16>,
    seen: Vec<Seen>,
}

/// Installs the model server on `fake`; returns its shared state.
fn model_server(
    fake: &FakeTransport,
    clock: &ManualClock,
    lifetime: Duration,
    statuses: &[u16],
) -> Arc<Mutex<ServerState>> {
    let state = Arc::new(Mutex::new(ServerState {
        statuses: statuses.iter().copied().collect(),
        ..ServerState::default()
    }));
    let (shared, clock) = (state.clone(), clock.clone());
    fake.set_handler(move |request| {
        let now = clock.now();
        let mut state = shared.lock().unwrap();
        let response = if request.uri() == TOKEN_URL {
            let token = format!("token-{}", state.issued.len() + 1);
            state.issued.push((token.clone(), now + lifetime));
            token_response(&token, lifetime.as_secs())
        } else {
            let header = request.headers()[AUTHORIZATION].to_str().unwrap();
            let token = header.strip_prefix("Bearer ").unwrap().to_owned();
            let expires_at = state
                .issued
                .iter()
                .find(|(issued, _)| *issued == token)
                .map(|(_, at)| *at)
                .expect("a token the server issued");
            let expired = now >= expires_at;
            state.seen.push(Seen { token, expired });
            if expired {
                with_header(
                    json_response(
                        401,
                        r#"{"error":{"code":401,"message":"expired","status":"UNAUTHENTICATED"}}"#,
                    ),
                    "www-authenticate",
                    r#"Bearer error="invalid_token", error_description="Jwt is expired""#,
                )
            } else {
                let status = state.statuses.pop_front().unwrap_or(200);
                let body = if status == 200 { CONTACT_JSON } else { "{}" };
                json_response(status, body)
            }
        };
        std::future::ready(Ok(response))
    });
    state
}

fn client(fake: &FakeTransport, time: &Time, retry: RetryPolicy) -> ContactsClient {
    ContactsClient::builder(fake.clone(), "project-1")
        .region(Region::Eu)
        .auth(Auth::oauth2(KEY_ID, KEY_SECRET).with_token_url(TOKEN_URL))
        .clock(Arc::new(time.clock.clone()))
        .sleep(Arc::new(time.sleep.clone()))
        .jitter(Arc::new(FixedJitter::new(1.0)))
        .retry_policy(retry)
        .build()
        .unwrap()
}

fn seen(token: &str) -> Seen {
    Seen {
        token: token.to_owned(),
        expired: false,
    }
}

/// Tokens live 2 s (so the client replaces them at half life, 1 s), each
/// back-off is 3 s: every retry outlives the token of the attempt before.
/// Worked by hand: t=0 token-1 → 503; t=3 token-2 → 503; t=6 token-3 → 200.
/// A client that kept token-1 for the whole call would send it expired at
/// t=3, refresh once, send token-2 expired at t=6 and fail with a 401.
#[tokio::test]
async fn each_retry_after_a_long_back_off_carries_a_fresh_token() {
    let fake = FakeTransport::new();
    let time = Time::new();
    let server = model_server(&fake, &time.clock, secs(2), &[503, 503]);
    let retry = RetryPolicy::default()
        .with_max_attempts(3)
        .with_initial_backoff(secs(3))
        .with_max_backoff(secs(3));
    let contact = client(&fake, &time, retry).get("01CONTACT").await.unwrap();
    assert_eq!(contact.id.as_deref(), Some("01CONTACT"));
    assert_eq!(time.sleep.delays(), vec![secs(3), secs(3)]);
    let server = server.lock().unwrap();
    assert_eq!(
        server.seen,
        vec![seen("token-1"), seen("token-2"), seen("token-3")]
    );
}

/// A 401 expired on a later attempt (the server's clock is ahead of the
/// client's, here: the token dies at 2 s while the client would keep it to
/// 5 s) drops that token and repeats at once with a fresh one, without using
/// up an attempt: 503, sleep 3 s, 401 expired, new token, 200.
#[tokio::test]
async fn an_expired_answer_on_a_retry_is_refreshed_once_without_using_an_attempt() {
    let fake = FakeTransport::new();
    let time = Time::new();
    let state = Arc::new(Mutex::new(0_u32));
    let counter = state.clone();
    fake.set_handler(move |request| {
        let mut calls = counter.lock().unwrap();
        *calls += 1;
        let token = request.uri() == TOKEN_URL;
        let response = match (token, *calls) {
            (true, _) => token_response(&format!("token-{calls}"), 10),
            (false, 2) => json_response(503, "{}"),
            (false, 3) => with_header(
                json_response(401, "{}"),
                "www-authenticate",
                r#"Bearer error="invalid_token", error_description="Jwt is expired""#,
            ),
            (false, _) => json_response(200, CONTACT_JSON),
        };
        std::future::ready(Ok(response))
    });
    let retry = RetryPolicy::default()
        .with_max_attempts(2)
        .with_initial_backoff(secs(3))
        .with_max_backoff(secs(3));
    client(&fake, &time, retry).get("01CONTACT").await.unwrap();
    let sent: Vec<String> = fake
        .requests()
        .iter()
        .map(|request| {
            if request.uri() == TOKEN_URL {
                "token request".to_owned()
            } else {
                request.headers()[AUTHORIZATION]
                    .to_str()
                    .unwrap()
                    .to_owned()
            }
        })
        .collect();
    assert_eq!(
        sent,
        vec![
            "token request",
            "Bearer token-1",
            "Bearer token-1",
            "token request",
            "Bearer token-4",
        ]
    );
    assert_eq!(time.sleep.delays(), vec![secs(3)]);
}

/// A server that calls every token expired gets one refresh per call, not a
/// loop: token, 401, token, 401, and the 401 is returned. The refused token
/// is dropped, so the next call starts with a token of its own.
#[tokio::test]
async fn a_server_that_always_says_expired_gets_one_refresh_per_call() {
    let fake = FakeTransport::new();
    let time = Time::new();
    let issued = Arc::new(Mutex::new(0_u32));
    let counter = issued.clone();
    fake.set_handler(move |request| {
        let response = if request.uri() == TOKEN_URL {
            let mut issued = counter.lock().unwrap();
            *issued += 1;
            token_response(&format!("token-{issued}"), 3600)
        } else {
            with_header(
                json_response(401, "{}"),
                "www-authenticate",
                r#"Bearer error="invalid_token", error_description="Jwt is expired""#,
            )
        };
        std::future::ready(Ok(response))
    });
    let client = client(&fake, &time, RetryPolicy::default());
    for _ in 0..2 {
        let error = client.get("01CONTACT").await.unwrap_err();
        assert!(matches!(error, Error::Api(_)), "{error:?}");
        assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED));
    }
    let sent: Vec<String> = fake
        .requests()
        .iter()
        .filter(|request| request.uri() != TOKEN_URL)
        .map(|request| {
            request.headers()[AUTHORIZATION]
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        sent,
        vec![
            "Bearer token-1",
            "Bearer token-2",
            "Bearer token-3",
            "Bearer token-4"
        ]
    );
    assert!(time.sleep.delays().is_empty());
}
