//! The axum endpoint with a SQLite store: 200 only once the delivery is committed (another
//! handle on the file sees it), a redelivery is recognized by the ledger, and a store failure
//! answers 500 with nothing committed, so the API's retry applies it later.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sinch_contacts_callbacks::axum_handler::{HANDLER_FAILED_BODY, StoreHandler, WebhookReceiver};
use sinch_contacts_callbacks::store::{CallbackStore, DeliveryId};
use sinch_contacts_callbacks::{ConversationChannel, Verifier, signature_headers};
use sinch_contacts_store::SqliteStore;
use tower::ServiceExt as _;

const NOW: u64 = 1_700_000_000;
const SECRET: &[u8] = b"store-endpoint-secret";
const STOP: &[u8] = br#"{"app_id":"a","project_id":"p","accepted_time":"2024-01-01T00:00:01Z",
  "message":{"channel_identity":{"channel":"SMS","identity":"46700000009"},
             "contact_message":{"text_message":{"text":"STOP"}}}}"#;

fn router(store: Arc<SqliteStore>) -> axum::Router {
    let verifier = Verifier::new(SECRET).with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW));
    WebhookReceiver::new(verifier, StoreHandler::new(store)).router("/callbacks")
}

fn request(body: &[u8], nonce: &str) -> Request<Body> {
    let mut builder = Request::post("/callbacks");
    for (name, value) in signature_headers(SECRET, body, nonce, NOW as i64) {
        builder = builder.header(name, value);
    }
    builder.body(Body::from(body.to_vec())).unwrap()
}

async fn body_text(response: axum::response::Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn a_200_means_the_opt_out_is_on_disk_and_a_redelivery_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let store = Arc::new(SqliteStore::open(&path).await.unwrap());
    let response = router(store.clone())
        .oneshot(request(STOP, "nonce-1"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let other_handle = SqliteStore::open(&path).await.unwrap();
    assert!(
        other_handle
            .is_suppressed(&ConversationChannel::Sms, "46700000009")
            .await
            .unwrap()
    );
    assert!(
        other_handle
            .is_applied(&DeliveryId::of_body(STOP))
            .await
            .unwrap()
    );

    // The API retries with a new nonce and timestamp but the same body.
    let response = router(store.clone())
        .oneshot(request(STOP, "nonce-2"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(other_handle.dump().await.unwrap().deliveries.len(), 1);
}

#[tokio::test]
async fn a_store_failure_answers_500_commits_nothing_and_the_retry_applies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let broken = Arc::new(SqliteStore::open(&path).await.unwrap());
    broken.close().await;
    let response = router(broken)
        .oneshot(request(STOP, "nonce-1"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body_text(response).await, HANDLER_FAILED_BODY);

    let store = Arc::new(SqliteStore::open(&path).await.unwrap());
    assert!(!store.is_applied(&DeliveryId::of_body(STOP)).await.unwrap());
    assert!(
        !store
            .is_suppressed(&ConversationChannel::Sms, "46700000009")
            .await
            .unwrap()
    );

    let response = router(store.clone())
        .oneshot(request(STOP, "nonce-2"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        store
            .is_suppressed(&ConversationChannel::Sms, "46700000009")
            .await
            .unwrap()
    );
}
