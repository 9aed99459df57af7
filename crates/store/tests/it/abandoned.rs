//! Senders that give up: waves of concurrent deliveries over real HTTP on loopback, from
//! senders with short timeouts, half of them closing their connection mid-request; afterwards
//! one fresh delivery must be answered 200 and applied, and so must a redelivery of every
//! abandoned one.
//!
//! This is the burst of a bulk import: before group commit, a request dropped between SQLite's
//! `BEGIN IMMEDIATE` and the creation of its transaction returned its pooled connection with
//! the transaction still open, and from then on every delivery given that connection failed
//! with "attempted to call begin_with at non-zero transaction depth", for good.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sinch_contacts_callbacks::axum_handler::{StoreHandler, WebhookReceiver};
use sinch_contacts_callbacks::store::{CallbackStore, DeliveryId};
use sinch_contacts_callbacks::{ConversationChannel, Verifier, signature_headers};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::support::*;

const SECRET: &[u8] = b"abandoned-secret";
const WAVES: u32 = 12;
const SENDERS: u32 = 250;

fn stop_body(n: u32) -> Vec<u8> {
    format!(
        r#"{{"app_id":"a","project_id":"p","accepted_time":"2024-01-01T00:00:01Z","message":{{"channel_identity":{{"channel":"SMS","identity":"4670{n:07}"}},"contact_message":{{"text_message":{{"text":"STOP"}}}}}}}}"#
    )
    .into_bytes()
}

async fn serve<S: CallbackStore>(store: Arc<S>) -> SocketAddr {
    let router =
        WebhookReceiver::new(Verifier::new(SECRET), StoreHandler::new(store)).router("/callbacks");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

fn request(body: &[u8], nonce: &str) -> Vec<u8> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut head = format!(
        "POST /callbacks HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in signature_headers(SECRET, body, nonce, i64::try_from(now).unwrap()) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends a delivery and reads the status line; `None` when no answer came in `patience`.
async fn post(address: SocketAddr, body: &[u8], nonce: &str, patience: Duration) -> Option<u16> {
    let exchange = async {
        let mut stream = TcpStream::connect(address).await.ok()?;
        stream.write_all(&request(body, nonce)).await.ok()?;
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).await.ok()?;
        line.split(' ').nth(1)?.parse().ok()
    };
    tokio::time::timeout(patience, exchange)
        .await
        .ok()
        .flatten()
}

/// Sends a delivery and closes the connection after `after`, whatever happened.
async fn abandon(address: SocketAddr, body: &[u8], nonce: &str, after: Duration) {
    if let Ok(mut stream) = TcpStream::connect(address).await {
        let _ = stream.write_all(&request(body, nonce)).await;
        tokio::time::sleep(after).await;
    }
}

/// One burst at a time in this binary: each holds about 500 sockets open at its peak.
static ONE_BURST: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn senders_give_up_then_a_fresh_delivery_is_applied<S: CallbackStore>(store: S) {
    let _one_burst = ONE_BURST.lock().await;
    let store = Arc::new(store);
    let address = serve(store.clone()).await;
    for wave in 0..WAVES {
        let mut senders = tokio::task::JoinSet::new();
        for i in 0..SENDERS {
            let body = stop_body(wave * SENDERS + i);
            let nonce = format!("w{wave}-{i}");
            if i % 2 == 0 {
                senders.spawn(async move {
                    post(
                        address,
                        &body,
                        &nonce,
                        Duration::from_millis(u64::from(5 + i % 40)),
                    )
                    .await;
                });
            } else {
                senders.spawn(async move {
                    abandon(
                        address,
                        &body,
                        &nonce,
                        Duration::from_millis(u64::from(i % 9)),
                    )
                    .await;
                });
            }
        }
        while senders.join_next().await.is_some() {}
    }

    let fresh = stop_body(9_999_999);
    let status = post(address, &fresh, "fresh", Duration::from_secs(60)).await;
    assert_eq!(status, Some(200), "a fresh delivery after the burst");
    assert!(
        store
            .is_applied(&DeliveryId::of_body(&fresh))
            .await
            .unwrap()
    );
    assert!(
        store
            .is_suppressed(&ConversationChannel::Sms, "46709999999")
            .await
            .unwrap()
    );

    // The API's retries of the burst: every one is answered 200 and applied once.
    let mut retries = tokio::task::JoinSet::new();
    for n in 0..WAVES * SENDERS {
        retries.spawn(async move {
            let body = stop_body(n);
            let status = post(
                address,
                &body,
                &format!("retry-{n}"),
                Duration::from_secs(60),
            )
            .await;
            (n, status)
        });
    }
    while let Some(joined) = retries.join_next().await {
        let (n, status) = joined.unwrap();
        assert_eq!(status, Some(200), "the retry of delivery {n}");
    }
    let dump = store.dump().await.unwrap();
    assert_eq!(
        dump.deliveries.len(),
        usize::try_from(WAVES * SENDERS).unwrap() + 1
    );
    assert_eq!(dump.consents.len(), dump.deliveries.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_senders_give_up_then_a_fresh_delivery_is_applied() {
    let (store, _guard) = sqlite().await.unwrap().split();
    senders_give_up_then_a_fresh_delivery_is_applied(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_senders_give_up_then_a_fresh_delivery_is_applied() {
    let Some(backend) = postgres().await else {
        return;
    };
    let (store, _guard) = backend.split();
    senders_give_up_then_a_fresh_delivery_is_applied(store).await;
}
