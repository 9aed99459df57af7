//! Whatever a server sends, the client answers with a value or a typed
//! error: never a panic, never an endless walk.
//!
//! Each function feeds one kind of server input through the real client
//! (over a [`FakeTransport`], with a [`ManualClock`] and a
//! [`RecordingSleep`], so nothing waits) and asserts what must hold for any
//! input; a violation panics. The crate's property tests call them with
//! generated inputs on stable Rust, and the `fuzz/` targets call them with
//! raw bytes under libFuzzer, so both check the same code paths.
//!
//! ```
//! use sinch_contacts_port::test_util::server_input;
//!
//! server_input::token_response(200, br#"{"access_token":"t","expires_in":18446744073709551615}"#);
//! server_input::retry_after(b"Fri, 31 Dec 9999 23:59:59 GMT");
//! server_input::error_body(502, b"<html>bad gateway</html>");
//! server_input::list_pages(&[br#"{"contacts":[],"next_page_token":"A"}"#.as_slice()]);
//! ```

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderValue, StatusCode};
use sinch_contacts_model::{IdentityConflictsQuery, ListContactsQuery};

use super::{FakeTransport, ManualClock, RecordingSleep, json_response};
use crate::auth::{Auth, MAX_TOKEN_LIFETIME};
use crate::client::ContactsClient;
use crate::config::Region;
use crate::error::{ApiError, Error};
use crate::retry::RetryPolicy;
use crate::runtime::FixedJitter;
use crate::transport::HttpResponse;

const TOKEN_URL: &str = "http://127.0.0.1:9/oauth2/token";
const CONTACT: &str = r#"{"id":"c1"}"#;

/// Runs a future that never waits on anything external to completion:
/// every future of the client over a [`FakeTransport`] and a
/// [`RecordingSleep`] is ready when polled.
fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    for _ in 0..1_000_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
    panic!("a client future over an in-memory transport never completed");
}

/// A status `http` accepts: the value itself when in `100..=999`, else 500.
fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn response(code: u16, body: &[u8]) -> HttpResponse {
    let mut response = http::Response::new(Bytes::copy_from_slice(body));
    *response.status_mut() = status(code);
    response
}

struct Harness {
    fake: FakeTransport,
    clock: ManualClock,
    sleep: RecordingSleep,
    client: ContactsClient,
    policy: RetryPolicy,
}

fn harness(auth: Auth) -> Harness {
    let fake = FakeTransport::new();
    let clock = ManualClock::at_wall_time(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let sleep = RecordingSleep::advancing(clock.clone());
    let policy = RetryPolicy::default();
    let client = ContactsClient::builder(fake.clone(), "p")
        .region(Region::Eu)
        .auth(auth)
        .retry_policy(policy.clone())
        .clock(Arc::new(clock.clone()))
        .sleep(Arc::new(sleep.clone()))
        .jitter(Arc::new(FixedJitter::new(1.0)))
        .max_consecutive_empty_pages(3)
        .build()
        .expect("a valid configuration");
    Harness {
        fake,
        clock,
        sleep,
        client,
        policy,
    }
}

/// A token endpoint answering `code` with `body` to every token request.
///
/// Holds for any input: no panic; a call fails only with a typed error
/// (`Auth`, `Api`, or a transport error once the scripted answers run out);
/// a 2xx that is not a token is an [`AuthError`](crate::AuthError) that keeps
/// neither the body nor the parser's message; and a token is never used
/// longer than [`MAX_TOKEN_LIFETIME`] whatever `expires_in` said.
pub fn token_response(code: u16, body: &[u8]) {
    let h = harness(Auth::oauth2("key", "secret").with_token_url(TOKEN_URL));
    let answer = response(code, body);
    let token_body = answer.body().clone();
    let token_status = answer.status();
    let served = token_body.clone();
    h.fake.set_handler(move |request| {
        let reply = if request.uri() == TOKEN_URL {
            response(token_status.as_u16(), &served)
        } else {
            json_response(200, CONTACT)
        };
        async move { Ok(reply) }
    });
    let token_requests = |fake: &FakeTransport| {
        fake.requests()
            .iter()
            .filter(|request| request.uri() == TOKEN_URL)
            .count()
    };
    for _ in 0..2 {
        match run(h.client.get("c1")) {
            Ok(_) => {}
            Err(Error::Auth(error)) => {
                if token_status.is_success() {
                    assert!(error.decode_path().is_some(), "{error:?}");
                    assert!(
                        error.raw_body().is_empty(),
                        "a 2xx token body is never kept"
                    );
                } else {
                    assert_eq!(error.raw_body(), &token_body);
                }
                let _ = error.to_string();
            }
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    let before = token_requests(&h.fake);
    h.clock.advance(MAX_TOKEN_LIFETIME);
    let outcome = run(h.client.get("c1"));
    assert!(
        token_requests(&h.fake) > before,
        "a token outlived MAX_TOKEN_LIFETIME ({outcome:?})"
    );
}

/// A `Retry-After` header with the value `value` on a 429 and a 503 before a
/// success.
///
/// Holds for any input: no panic; every delay the client sleeps is at most
/// the larger of the policy's back-off ceiling and `max_retry_after`; the
/// call either succeeds after the two retries or returns the 429/503 whose
/// `Retry-After` was too long.
pub fn retry_after(value: &[u8]) {
    let Ok(header) = HeaderValue::from_bytes(value) else {
        return; // Not a header value any HTTP stack would hand over.
    };
    let with_header = |code: u16| {
        let mut busy = response(code, b"{}");
        busy.headers_mut()
            .insert(http::header::RETRY_AFTER, header.clone());
        busy
    };
    let parsed = ApiError::from_response(with_header(429));
    let _ = (parsed.retry_after(), parsed.retry_at(), parsed.to_string());

    let h = harness(Auth::basic("key", "secret"));
    h.fake.push_response(with_header(429));
    h.fake.push_response(with_header(503));
    h.fake.push_json(200, CONTACT);
    let outcome = run(h.client.get("c1"));
    let limit = h.policy.max_retry_after().max(h.policy.max_backoff());
    let delays = h.sleep.delays();
    assert!(delays.iter().all(|delay| *delay <= limit), "{delays:?}");
    match outcome {
        Ok(_) => assert_eq!(delays.len(), 2),
        Err(Error::Api(error)) => {
            assert!(matches!(error.status().as_u16(), 429 | 503));
            assert!(error.retry_after().is_some() || error.retry_at().is_some());
        }
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

/// An error response with status `code` (taken as 4xx or 5xx) and `body`.
///
/// Holds for any input: no panic; the body is kept byte for byte; a body
/// read as a Sinch error is a JSON object; the call through the client
/// returns [`Error::Api`] with the same status and body.
pub fn error_body(code: u16, body: &[u8]) {
    let code = 400 + code % 200;
    let error = ApiError::from_response(response(code, body));
    assert_eq!(error.status().as_u16(), code);
    assert_eq!(error.raw_body().as_ref(), body);
    if error.has_error_body() {
        assert!(matches!(
            serde_json::from_slice::<serde_json::Value>(body),
            Ok(serde_json::Value::Object(_))
        ));
    }
    for detail in error.details() {
        let _ = (detail.type_url(), detail.to_json());
    }
    let _ = error.to_string();

    let h = harness(Auth::basic("key", "secret"));
    let served = Bytes::copy_from_slice(body);
    h.fake.set_handler(move |_| {
        let reply = response(code, &served);
        async move { Ok(reply) }
    });
    let Err(Error::Api(through_client)) = run(h.client.delete("c1")) else {
        panic!("a {code} response is an API error");
    };
    assert_eq!(through_client.status().as_u16(), code);
    assert_eq!(through_client.raw_body().as_ref(), body);
}

/// A server answering list requests with `pages` in order, then again from
/// the first, for ever.
///
/// Holds for any input: no panic; both `list_all` and
/// `list_all_identity_conflicts` end, after at most `pages.len() + 1`
/// requests (a server cycling through its pages repeats a token or keeps
/// returning empty pages, and both stop the walk); at most one error is
/// yielded, and it is the last item.
pub fn list_pages(pages: &[&[u8]]) {
    if pages.is_empty() {
        return;
    }
    let bodies: Vec<Bytes> = pages
        .iter()
        .map(|page| Bytes::copy_from_slice(page))
        .collect();
    for conflicts in [false, true] {
        let h = harness(Auth::basic("key", "secret"));
        let served = bodies.clone();
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        h.fake.set_handler(move |_| {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // Fail here rather than loop for ever when a walk does not end.
            assert!(
                index <= served.len(),
                "request {} for {} distinct pages: the walk does not end",
                index + 1,
                served.len()
            );
            let reply = response(200, &served[index % served.len()]);
            async move { Ok(reply) }
        });
        let errors: Vec<bool> = if conflicts {
            run(h
                .client
                .list_all_identity_conflicts(IdentityConflictsQuery::default())
                .map(|item| item.is_err())
                .collect())
        } else {
            run(h
                .client
                .list_all(ListContactsQuery::default())
                .map(|item| item.is_err())
                .collect())
        };
        let error_count = errors.iter().filter(|is_error| **is_error).count();
        assert!(error_count <= 1, "{error_count} errors");
        if error_count == 1 {
            assert_eq!(errors.last(), Some(&true), "the error ends the stream");
        }
        // Tokens come from at most `pages.len()` distinct bodies, so page
        // `pages.len() + 1` repeats one of them (a cycle) at the latest;
        // the empty-page limit can only stop the walk earlier.
        assert!(
            h.fake.request_count() <= pages.len() + 1,
            "{} requests for {} distinct pages",
            h.fake.request_count(),
            pages.len()
        );
    }
}
