//! The axum endpoint, driven with `tower::ServiceExt::oneshot` (no network).

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sinch_contacts_callbacks::axum_handler::WebhookReceiver;
use sinch_contacts_callbacks::{Callback, Trigger, Verifier, signature_headers};
use tower::ServiceExt;

use crate::support::fixture;

const NOW: u64 = 1_700_000_000;
const SECRET: &[u8] = b"endpoint-secret";

fn verifier() -> Verifier {
    Verifier::new(SECRET)
        .with_replay_guard(64)
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
}

fn request(body: &[u8], nonce: &str, secret: &[u8]) -> Request<Body> {
    let mut builder = Request::post("/callbacks").header("content-type", "application/json");
    for (name, value) in signature_headers(secret, body, nonce, NOW as i64) {
        builder = builder.header(name, value);
    }
    builder.body(Body::from(body.to_vec())).unwrap()
}

type Seen = Arc<Mutex<Vec<Trigger>>>;

/// What the handler fails with: an error text holding a credential.
const HANDLER_ERROR: &str = "database down: postgres://app:hunter2@db.internal:5432/contacts";

fn app(fail: bool, limit: usize) -> (axum::Router, Seen) {
    let (router, seen, _) = app_with_hook(fail, limit);
    (router, seen)
}

fn app_with_hook(fail: bool, limit: usize) -> (axum::Router, Seen, Arc<Mutex<Vec<String>>>) {
    let seen: Seen = Arc::default();
    let reported: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = seen.clone();
    let reports = reported.clone();
    let router = WebhookReceiver::new(verifier(), move |callback: Callback| {
        let sink = sink.clone();
        async move {
            sink.lock().unwrap().push(callback.trigger());
            if fail {
                Err::<(), _>(std::io::Error::other(HANDLER_ERROR))
            } else {
                Ok(())
            }
        }
    })
    .max_body_bytes(limit)
    .on_handler_error(move |error| reports.lock().unwrap().push(error.to_string()))
    .router("/callbacks");
    (router, seen, reported)
}

async fn status_and_text(router: axum::Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn a_signed_callback_reaches_the_handler_and_gets_200() {
    let (router, seen) = app(false, 1 << 20);
    let body = fixture("official/message_inbound_text_stop.json");
    let (status, _) = status_and_text(router, request(&body, "n1", SECRET)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(*seen.lock().unwrap(), [Trigger::MessageInbound]);
}

#[tokio::test]
async fn a_bad_signature_gets_401_before_parsing() {
    let (router, seen) = app(false, 1 << 20);
    let (status, text) =
        status_and_text(router.clone(), request(b"not even json", "n1", b"wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("signature mismatch"), "{text}");
    let unsigned = Request::post("/callbacks").body(Body::from("{}")).unwrap();
    let (status, text) = status_and_text(router, unsigned).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        text.contains("missing header x-sinch-webhook-signature"),
        "{text}"
    );
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_unparseable_signed_body_gets_400() {
    let (router, seen) = app(false, 1 << 20);
    let (status, text) = status_and_text(router, request(br#"{"app_id": 1}"#, "n1", SECRET)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("app_id"), "{text}");
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_large_unparseable_signed_body_is_not_echoed() {
    // A 900 KB string where a string is expected elsewhere: serde quotes such values whole.
    let value = "x".repeat(900 * 1024);
    let body = format!(r#"{{"app_id":"a","project_id":"p","accepted_time":"{value}"}}"#);
    let (router, seen) = app(false, 2 << 20);
    let (status, text) = status_and_text(router, request(body.as_bytes(), "n1", SECRET)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        text,
        "callback body does not parse at `accepted_time` (line 1, column 921649): \
         JSON that does not fit the callback shape"
    );
    assert!(
        !text.contains("xxxx"),
        "no excerpt of the body in the answer"
    );
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_long_algorithm_header_is_not_echoed_whole() {
    let (router, _) = app(false, 1 << 20);
    let body = fixture("seeds/opt_in.json");
    let mut request = request(&body, "n1", SECRET);
    let algorithm = "A".repeat(10_000);
    request.headers_mut().insert(
        "x-sinch-webhook-signature-algorithm",
        algorithm.parse().unwrap(),
    );
    let (status, text) = status_and_text(router, request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.len() < 200, "{} bytes: {text}", text.len());
    assert!(text.contains("(cut, 10000 bytes)"), "{text}");
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413() {
    let (router, seen) = app(false, 256);
    let body = fixture("official/message_inbound_text_stop.json");
    assert!(body.len() > 256);
    let (status, _) = status_and_text(router, request(&body, "n1", SECRET)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_failing_handler_gets_500_and_the_redelivery_is_accepted() {
    let (router, seen, reported) = app_with_hook(true, 1 << 20);
    let body = fixture("seeds/opt_out.json");
    let (status, text) = status_and_text(router.clone(), request(&body, "n1", SECRET)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    // The sender gets a fixed text; the error (and its password) goes to the hook only.
    assert_eq!(text, "callback handler failed");
    assert!(!text.contains("hunter2"));
    assert_eq!(*reported.lock().unwrap(), [HANDLER_ERROR]);
    // The same delivery again is handled again (not refused as a replay) ...
    let (status, _) = status_and_text(router.clone(), request(&body, "n1", SECRET)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_replayed_delivery_is_refused_after_success() {
    let (router, seen) = app(false, 1 << 20);
    let body = fixture("seeds/opt_in.json");
    let (status, _) = status_and_text(router.clone(), request(&body, "n1", SECRET)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, text) = status_and_text(router, request(&body, "n1", SECRET)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("replayed nonce"), "{text}");
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn other_methods_are_refused() {
    let (router, _) = app(false, 1 << 20);
    let response = router
        .oneshot(Request::get("/callbacks").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

/// The rejections reported: reason and status.
type Refusals = Arc<Mutex<Vec<(String, u16)>>>;

/// A router whose handler answers with `outcome`, and the rejections reported.
fn app_reporting(
    outcome: fn() -> Result<(), sinch_contacts_callbacks::axum_handler::HandlerError>,
    limit: usize,
) -> (axum::Router, Refusals) {
    let rejected: Refusals = Arc::default();
    let sink = rejected.clone();
    let router = WebhookReceiver::new(
        verifier(),
        move |_callback: Callback| async move { outcome() },
    )
    .max_body_bytes(limit)
    .on_rejected(move |rejection| {
        assert!(!rejection.detail.contains("STOP"), "{}", rejection.detail);
        sink.lock().unwrap().push((
            rejection.reason.as_str().to_owned(),
            rejection.status.as_u16(),
        ));
    })
    .router("/callbacks");
    (router, rejected)
}

#[tokio::test]
async fn a_handler_asking_for_a_retry_gets_503_with_retry_after_and_the_nonce_back() {
    use sinch_contacts_callbacks::axum_handler::{RETRY_LATER_BODY, RetryLater};
    let (router, rejected) = app_reporting(
        || {
            Err(Box::new(RetryLater::new(
                Duration::from_millis(1500),
                "queue full",
            )))
        },
        1 << 20,
    );
    let body = fixture("official/message_inbound_text_stop.json");
    let response = router
        .clone()
        .oneshot(request(&body, "n-busy", SECRET))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    // 1.5 s rounded up to whole seconds.
    assert_eq!(response.headers()["retry-after"], "2");
    let text = axum::body::to_bytes(response.into_body(), 1 << 10)
        .await
        .unwrap();
    assert_eq!(text, RETRY_LATER_BODY.as_bytes());
    // The same nonce again is not a replay: the first attempt did nothing.
    let (status, _) = status_and_text(router, request(&body, "n-busy", SECRET)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        *rejected.lock().unwrap(),
        [
            ("overloaded".to_owned(), 503),
            ("overloaded".to_owned(), 503)
        ]
    );
}

#[tokio::test]
async fn every_answer_other_than_200_is_reported_with_its_reason() {
    let (router, rejected) = app_reporting(|| Err("handler down".into()), 4096);
    let body = fixture("official/message_inbound_text_stop.json");
    let send = |request| {
        let router = router.clone();
        async move { status_and_text(router, request).await.0 }
    };
    assert_eq!(
        send(request(&body, "r1", b"wrong")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(request(b"{\"app_id\": 1}", "r2", SECRET)).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        send(request(&vec![b' '; 5000], "r3", SECRET)).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        send(request(&body, "r4", SECRET)).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        send(request(&body, "r5", SECRET)).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        *rejected.lock().unwrap(),
        [
            ("unauthorized".to_owned(), 401),
            ("unparsable".to_owned(), 400),
            ("too_large".to_owned(), 413),
            ("handler_failed".to_owned(), 500),
            ("handler_failed".to_owned(), 500),
        ]
    );
}

#[tokio::test]
async fn a_request_dropped_while_its_handler_runs_does_not_cancel_the_handler() {
    let (entered_tx, entered) = tokio::sync::oneshot::channel::<()>();
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let (finished_tx, finished) = tokio::sync::oneshot::channel::<()>();
    let steps = Arc::new(Mutex::new(Some((entered_tx, released, finished_tx))));
    let router = WebhookReceiver::new(verifier(), move |_callback: Callback| {
        let steps = steps.lock().unwrap().take();
        async move {
            if let Some((entered, released, finished)) = steps {
                entered.send(()).unwrap();
                released.await.unwrap();
                finished.send(()).unwrap();
            }
            Ok::<(), std::io::Error>(())
        }
    })
    .router("/callbacks");
    let body = fixture("official/message_inbound_text_stop.json");
    let request = tokio::spawn(router.oneshot(request(&body, "n-drop", SECRET)));
    entered.await.unwrap();
    // The sender goes away while the handler is inside its work.
    request.abort();
    assert!(request.await.unwrap_err().is_cancelled());
    release.send(()).unwrap();
    // Without a task of its own, the handler would have been dropped with the request and
    // `finished` would be closed unsent.
    finished.await.expect("the handler ran to its end");
}
