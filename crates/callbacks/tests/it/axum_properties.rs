//! The axum endpoint end to end over generated deliveries (the stable counterpart of the
//! `endpoint` fuzz target): body and headers, header names in any case, repeated headers,
//! several secrets, replays across calls, bodies past libFuzzer's default 4 KB. Each status is
//! predicted from the rules restated here, not read back from the endpoint.

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use proptest::prelude::*;
use sinch_contacts_callbacks::axum_handler::{HANDLER_FAILED_BODY, WebhookReceiver};
use sinch_contacts_callbacks::{Callback, Verifier, parse_unverified, signature_headers};
use tower::ServiceExt;

const NOW: u64 = 1_700_000_000;
const SECRETS: [&[u8]; 3] = [b"old-secret", b"new-secret", b"never-configured"];

/// One generated delivery.
#[derive(Debug, Clone)]
struct Delivery {
    body: Vec<u8>,
    secret: usize,
    shout: bool,
    repeat_nonce: bool,
    send_twice: bool,
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Callbacks, some large (past 4 KB), some whose handler fails (app_id "fail").
        (
            prop::sample::select(vec!["app", "fail"]),
            prop::sample::select(vec![
                "opt_out_notification",
                "message",
                "contact_create_notification",
                "something_new"
            ]),
            0usize..9000
        )
            .prop_map(|(app, key, pad)| {
                format!(
                    r#"{{"app_id":"{app}","project_id":"p","message_metadata":"{}","{key}":{{}}}}"#,
                    "m".repeat(pad)
                )
                .into_bytes()
            }),
        // Signed bodies that do not parse: a long wrong value, a duplicated member, bytes.
        (0usize..9000).prop_map(|len| {
            format!(
                r#"{{"app_id":"a","project_id":"p","accepted_time":"{}"}}"#,
                "x".repeat(len)
            )
            .into_bytes()
        }),
        Just(br#"{"app_id":"a","app_id":"b","project_id":"p"}"#.to_vec()),
        prop::collection::vec(any::<u8>(), 0..600),
    ]
}

fn delivery() -> impl Strategy<Value = Delivery> {
    (
        body(),
        0usize..3,
        any::<bool>(),
        prop::bool::weighted(0.15),
        any::<bool>(),
    )
        .prop_map(|(body, secret, shout, repeat_nonce, send_twice)| Delivery {
            body,
            secret,
            shout,
            repeat_nonce,
            send_twice,
        })
}

fn request(delivery: &Delivery, nonce: &str) -> Request<Body> {
    let mut builder = Request::post("/hook");
    let signed = signature_headers(SECRETS[delivery.secret], &delivery.body, nonce, NOW as i64);
    for (name, value) in &signed {
        let name = if delivery.shout {
            name.to_uppercase()
        } else {
            (*name).to_owned()
        };
        builder = builder.header(name, value);
    }
    if delivery.repeat_nonce {
        builder = builder.header("X-Sinch-Webhook-Signature-Nonce", nonce);
    }
    builder.body(Body::from(delivery.body.clone())).unwrap()
}

async fn send(router: &axum::Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// What the endpoint must answer, from the rules: refused headers → 401; a body that does
/// not parse → 400 with the error's brief text; a handler error → 500 with the fixed text;
/// else 200 — and a delivery accepted with 200 is a replay (401) when sent again.
fn expected(delivery: &Delivery, replayed: bool) -> (StatusCode, Option<String>) {
    if delivery.repeat_nonce || delivery.secret == 2 || replayed {
        return (StatusCode::UNAUTHORIZED, None);
    }
    match parse_unverified(&delivery.body) {
        Err(error) => (StatusCode::BAD_REQUEST, Some(error.brief())),
        Ok(callback) if callback.app_id == "fail" => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Some(HANDLER_FAILED_BODY.to_owned()),
        ),
        Ok(_) => (StatusCode::OK, Some(String::new())),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_endpoint_answers_by_the_rules(deliveries in prop::collection::vec(delivery(), 1..6)) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let handled: Arc<Mutex<Vec<Callback>>> = Arc::default();
        let sink = handled.clone();
        let verifier = Verifier::new(SECRETS[0])
            .with_secret(SECRETS[1])
            .with_replay_guard(64)
            .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW));
        let router = WebhookReceiver::new(verifier, move |callback: Callback| {
            let sink = sink.clone();
            async move {
                let fail = callback.app_id == "fail";
                sink.lock().unwrap().push(callback);
                if fail { Err(std::io::Error::other("secret detail")) } else { Ok(()) }
            }
        })
        .router("/hook");
        runtime.block_on(async {
            for (index, delivery) in deliveries.iter().enumerate() {
                let nonce = format!("nonce-{index}");
                let (status, text) = send(&router, request(delivery, &nonce)).await;
                let (want_status, want_text) = expected(delivery, false);
                prop_assert_eq!(status, want_status, "{:?}: {}", delivery, text);
                if let Some(want_text) = want_text {
                    prop_assert_eq!(&text, &want_text);
                }
                prop_assert!(text.len() < 600, "the answer never echoes the body");
                if status == StatusCode::OK || status == StatusCode::INTERNAL_SERVER_ERROR {
                    let last = handled.lock().unwrap().last().cloned();
                    prop_assert_eq!(last, parse_unverified(&delivery.body).ok());
                }
                if delivery.send_twice {
                    let (again, _) = send(&router, request(delivery, &nonce)).await;
                    // Only a delivery that was processed (200) is a replay; after a 400 or a
                    // 500 the nonce was released so the API's redelivery is accepted.
                    let (want_again, _) = expected(delivery, status == StatusCode::OK);
                    prop_assert_eq!(again, want_again, "{:?}", delivery);
                }
            }
            Ok(())
        })?;
    }
}
