//! Fuzzes the axum endpoint end to end: body and headers, header names in any case, repeated
//! headers, several secrets, and replays across calls (one router and one replay guard live
//! for the whole run). Each status is predicted from the endpoint's rules.
//!
//! Input: a flags byte, then the body. Flags: bits 0-1 pick the secret (0 and 1 are
//! configured, 2 and 3 are not), bit 2 upper-cases the header names, bit 3 repeats the nonce
//! header, bit 4 sends the delivery twice, bit 5 sends raw header values taken from the body
//! (four values split on 0xFF, then the body) instead of a signature.
#![no_main]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use libfuzzer_sys::fuzz_target;
use sinch_contacts_callbacks::axum_handler::{HANDLER_FAILED_BODY, WebhookReceiver};
use sinch_contacts_callbacks::{Callback, Verifier, parse_unverified, signature_headers};
use tower::ServiceExt;

const NOW: u64 = 1_700_000_000;
const SECRETS: [&[u8]; 4] = [b"old-secret", b"new-secret", b"unknown", b""];
const NAMES: [&str; 4] = [
    "x-sinch-webhook-signature",
    "x-sinch-webhook-signature-nonce",
    "x-sinch-webhook-signature-timestamp",
    "x-sinch-webhook-signature-algorithm",
];

struct Harness {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    handled: Arc<Mutex<Option<Callback>>>,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let handled: Arc<Mutex<Option<Callback>>> = Arc::default();
        let sink = handled.clone();
        let verifier = Verifier::new(SECRETS[0])
            .with_secret(SECRETS[1])
            .with_replay_guard(4096)
            .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW));
        let router = WebhookReceiver::new(verifier, move |callback: Callback| {
            let sink = sink.clone();
            async move {
                let fail = callback.app_id == "fail";
                *sink.lock().unwrap() = Some(callback);
                if fail {
                    Err(std::io::Error::other("secret detail"))
                } else {
                    Ok(())
                }
            }
        })
        .max_body_bytes(1 << 20)
        .router("/hook");
        Harness {
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap(),
            router,
            handled,
        }
    })
}

fn send(harness: &Harness, request: Request<Body>) -> (StatusCode, String) {
    harness.runtime.block_on(async {
        let response = harness.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let harness = harness();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nonce = format!("n{}", COUNTER.fetch_add(1, Ordering::Relaxed));

    if flags & 0b10_0000 != 0 {
        // Raw header values: anything may come back but a success of an unsigned request,
        // and no answer may echo the body.
        let mut parts = rest.splitn(5, |b| *b == 0xFF);
        let values: Vec<&[u8]> = (0..4).map(|_| parts.next().unwrap_or_default()).collect();
        let body = parts.next().unwrap_or_default();
        let mut builder = Request::post("/hook");
        for (name, value) in NAMES.iter().zip(&values) {
            if let Ok(value) = axum::http::HeaderValue::from_bytes(value) {
                builder = builder.header(*name, value);
            }
        }
        let (status, text) = send(harness, builder.body(Body::from(body.to_vec())).unwrap());
        assert!(text.len() < 1024, "answer of {} bytes", text.len());
        let fresh = Verifier::new(SECRETS[0])
            .with_secret(SECRETS[1])
            .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW));
        let headers: Vec<(&str, &[u8])> =
            NAMES.iter().copied().zip(values.iter().copied()).collect();
        if status != StatusCode::UNAUTHORIZED {
            assert!(
                fresh.verify(&headers, body).is_ok(),
                "{status} without a valid signature"
            );
        }
        return;
    }

    let secret = usize::from(flags & 0b11);
    let shout = flags & 0b100 != 0;
    let repeat_nonce = flags & 0b1000 != 0;
    let send_twice = flags & 0b1_0000 != 0;
    let body = rest;
    let request = || {
        let mut builder = Request::post("/hook");
        if !SECRETS[secret].is_empty() {
            for (name, value) in signature_headers(SECRETS[secret], body, &nonce, NOW as i64) {
                let name = if shout {
                    name.to_uppercase()
                } else {
                    name.to_owned()
                };
                builder = builder.header(name, value);
            }
        }
        if repeat_nonce {
            builder = builder.header("X-Sinch-Webhook-Signature-Nonce", nonce.as_str());
        }
        builder.body(Body::from(body.to_vec())).unwrap()
    };
    let expected = |replayed: bool| -> (StatusCode, Option<String>) {
        if repeat_nonce || secret >= 2 || replayed {
            return (StatusCode::UNAUTHORIZED, None);
        }
        match parse_unverified(body) {
            Err(error) => (StatusCode::BAD_REQUEST, Some(error.brief())),
            Ok(callback) if callback.app_id == "fail" => (
                StatusCode::INTERNAL_SERVER_ERROR,
                Some(HANDLER_FAILED_BODY.to_owned()),
            ),
            Ok(_) => (StatusCode::OK, Some(String::new())),
        }
    };
    *harness.handled.lock().unwrap() = None;
    let (status, text) = send(harness, request());
    let (want, want_text) = expected(false);
    assert_eq!(status, want, "{text}");
    if let Some(want_text) = want_text {
        assert_eq!(text, want_text);
    }
    assert!(text.len() < 1024, "answer of {} bytes", text.len());
    if status == StatusCode::OK || status == StatusCode::INTERNAL_SERVER_ERROR {
        assert_eq!(
            *harness.handled.lock().unwrap(),
            parse_unverified(body).ok()
        );
    }
    if send_twice {
        let (again, _) = send(harness, request());
        assert_eq!(again, expected(status == StatusCode::OK).0);
    }
});
