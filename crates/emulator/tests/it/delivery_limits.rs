//! Each webhook's bounded queue and bounded deliveries in flight, against receivers on
//! 127.0.0.1 that hold requests open until the test lets them answer.

use std::collections::BTreeSet;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde_json::{Value, json};
use sinch_contacts_emulator::{DeliveryPolicy, DeliveryStats, Emulator, InboundMessage, Webhook};
use sinch_contacts_model::{ConversationChannel, WebhookTrigger};
use tokio::net::TcpListener;

use crate::held_receiver::HeldReceiver;
use crate::support::{Receiver, basic_header, client, http, id, settle, sms};

const SECRET: &str = "webhook-secret";
/// How long a wait for a state of the emulator may last before the test fails (a bound on a
/// hang, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(20);

fn creates_to(target: String) -> Webhook {
    Webhook {
        target,
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::ContactCreate],
    }
}

fn emulator_with(policy: DeliveryPolicy) -> Emulator {
    Emulator::builder().delivery_policy(policy).build()
}

/// Waits until `check` holds, looking again every few milliseconds.
async fn eventually(what: &str, check: impl Fn() -> bool) {
    let waited = tokio::time::timeout(PATIENCE, async {
        while !check() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "never: {what}");
}

/// (queued, in flight, waiting for retry, delivered, failed, dropped)
fn counts(stats: &DeliveryStats) -> (usize, usize, usize, u64, u64, u64) {
    (
        stats.queued,
        stats.in_flight,
        stats.waiting_for_retry,
        stats.delivered,
        stats.failed,
        stats.dropped,
    )
}

fn only_stats(emulator: &Emulator) -> DeliveryStats {
    let mut all = emulator.delivery_stats();
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0)
}

/// The id of the contact a CONTACT_CREATE body carries.
fn created_id(body: &[u8]) -> String {
    let body: Value = serde_json::from_slice(body).expect("a JSON callback");
    body["contact_create_notification"]["contact"]["id"]
        .as_str()
        .expect("a contact id")
        .to_owned()
}

#[tokio::test]
async fn no_more_than_the_limit_are_in_flight_and_every_callback_arrives() {
    const LIMIT: usize = 4;
    const CALLBACKS: usize = 40;
    let emulator = emulator_with(
        DeliveryPolicy::new(1, Duration::from_millis(10))
            .attempt_timeout(Duration::from_secs(60))
            .max_in_flight(LIMIT),
    );
    let receiver = HeldReceiver::start(&[]).await;
    emulator.register_webhook(creates_to(receiver.url()));
    let client = client(&emulator);
    let mut created = BTreeSet::new();
    for n in 0..CALLBACKS {
        created.insert(id(&client
            .create(&sms(&format!("+4670000{n:04}")))
            .await
            .unwrap()));
    }

    // The receiver answers one request at a time; each time the emulator fills the freed slot
    // until fewer than LIMIT callbacks remain.
    receiver.wait_until_open(LIMIT).await;
    assert_eq!(
        counts(&only_stats(&emulator)),
        (CALLBACKS - LIMIT, LIMIT, 0, 0, 0, 0)
    );
    for answered in 0..CALLBACKS {
        receiver
            .wait_until_open(LIMIT.min(CALLBACKS - answered))
            .await;
        receiver.release(1);
    }
    settle(&emulator).await;

    assert_eq!(receiver.most_open(), LIMIT);
    let arrived: BTreeSet<String> = receiver
        .bodies()
        .iter()
        .map(|body| created_id(body))
        .collect();
    assert_eq!(receiver.bodies().len(), CALLBACKS);
    assert_eq!(arrived, created);
    assert_eq!(
        counts(&only_stats(&emulator)),
        (0, 0, 0, CALLBACKS as u64, 0, 0)
    );
    // Attempts reuse the webhook's keep-alive connections rather than one each.
    assert!(
        receiver.connections() < CALLBACKS,
        "{} connections for {CALLBACKS} callbacks",
        receiver.connections()
    );
}

#[tokio::test]
async fn a_connection_answered_with_a_body_is_used_again() {
    const CALLBACKS: usize = 10;
    let emulator = emulator_with(
        DeliveryPolicy::new(1, Duration::from_millis(10))
            .attempt_timeout(Duration::from_secs(60))
            .max_in_flight(1),
    );
    // 60 KiB, more than one read of the socket: read to its end (the emulator reads up to
    // 64 KiB), so the connection goes back to the pool.
    let receiver = HeldReceiver::start_answering(&[], Bytes::from(vec![b'x'; 60 * 1024])).await;
    receiver.release_all();
    emulator.register_webhook(creates_to(receiver.url()));
    let client = client(&emulator);
    for n in 0..CALLBACKS {
        client.create(&sms(&format!("+{n}"))).await.unwrap();
    }
    settle(&emulator).await;
    assert_eq!(
        counts(&only_stats(&emulator)),
        (0, 0, 0, CALLBACKS as u64, 0, 0)
    );
    assert!(
        receiver.connections() < CALLBACKS,
        "{} connections for {CALLBACKS} callbacks",
        receiver.connections()
    );
}

#[tokio::test]
async fn a_target_that_is_not_an_http_url_fails_without_an_attempt() {
    let emulator = emulator_with(DeliveryPolicy::new(3, Duration::from_millis(10)));
    emulator.register_webhook(creates_to("ftp://127.0.0.1/callbacks".to_owned()));
    client(&emulator).create(&sms("+1")).await.unwrap();
    settle(&emulator).await;
    assert_eq!(counts(&only_stats(&emulator)), (0, 0, 0, 0, 1, 0));
    let delivery = &emulator.deliveries()[0];
    assert_eq!(
        (
            delivery.attempts,
            delivery.finished,
            delivery.delivered,
            delivery.dropped
        ),
        (0, true, false, false)
    );
    assert_eq!(
        delivery.last_error.as_deref(),
        Some("the target is not an absolute http:// URL")
    );
}

#[tokio::test]
async fn a_refused_connection_is_logged_with_its_cause() {
    let emulator = emulator_with(DeliveryPolicy::new(2, Duration::from_millis(1)));
    // Bind then drop: nothing listens on this port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    emulator.register_webhook(creates_to(format!("http://127.0.0.1:{port}/callbacks")));
    client(&emulator).create(&sms("+1")).await.unwrap();
    settle(&emulator).await;
    assert_eq!(counts(&only_stats(&emulator)), (0, 0, 0, 0, 1, 0));
    let delivery = &emulator.deliveries()[0];
    assert_eq!((delivery.attempts, delivery.last_status), (2, None));
    // The client's error and its causes, down to the refused TCP connect.
    let error = delivery.last_error.as_deref().unwrap_or_default();
    assert!(error.contains("tcp connect error"), "{error}");
}

#[tokio::test]
async fn a_full_queue_drops_and_counts_the_callback_without_holding_the_api_call() {
    let emulator = emulator_with(
        DeliveryPolicy::new(1, Duration::from_millis(10))
            .attempt_timeout(Duration::from_secs(60))
            .max_in_flight(1)
            .queue_capacity(2),
    );
    let receiver = HeldReceiver::start(&[]).await;
    emulator.register_webhook(creates_to(receiver.url()));
    let client = client(&emulator);
    let first = id(&client.create(&sms("+1")).await.unwrap());
    receiver.wait_until_open(1).await;

    // The only slot is taken: two callbacks fit in the queue, the third does not. Each create
    // returns while its callback waits or is dropped.
    let mut later = Vec::new();
    for phone in ["+2", "+3", "+4"] {
        later.push(id(&client.create(&sms(phone)).await.unwrap()));
    }
    assert_eq!(counts(&only_stats(&emulator)), (2, 1, 0, 0, 0, 1));
    let log = emulator.deliveries();
    assert_eq!(log.len(), 4);
    let dropped = &log[3];
    assert_eq!(created_id(dropped.body.as_bytes()), later[2]);
    assert!(dropped.dropped && dropped.finished && !dropped.delivered);
    assert_eq!(dropped.attempts, 0);
    assert!(
        dropped
            .last_error
            .as_deref()
            .is_some_and(|error| error.contains("queue was full")),
        "{dropped:?}"
    );
    assert!(log[..3].iter().all(|delivery| !delivery.dropped));

    receiver.release_all();
    settle(&emulator).await;
    assert_eq!(counts(&only_stats(&emulator)), (0, 0, 0, 3, 0, 1));
    // One slot: the callbacks arrive in the order they were produced.
    let arrived: Vec<String> = receiver
        .bodies()
        .iter()
        .map(|body| created_id(body))
        .collect();
    assert_eq!(arrived, [first, later[0].clone(), later[1].clone()]);
}

#[tokio::test]
async fn a_delivery_waiting_for_its_retry_leaves_the_slot_to_the_next() {
    // One slot, two attempts, and a back-off far longer than the test.
    let emulator = emulator_with(
        DeliveryPolicy::new(2, Duration::from_secs(3600))
            .attempt_timeout(Duration::from_secs(60))
            .max_in_flight(1),
    );
    let receiver = Receiver::start(&[500]).await;
    emulator.register_webhook(creates_to(receiver.url()));
    let client = client(&emulator);
    let failing = id(&client.create(&sms("+1")).await.unwrap());
    let next = id(&client.create(&sms("+2")).await.unwrap());

    eventually("the second callback is delivered", || {
        only_stats(&emulator).delivered == 1
    })
    .await;
    assert_eq!(counts(&only_stats(&emulator)), (0, 0, 1, 1, 0, 0));
    let arrived: Vec<String> = receiver
        .received()
        .iter()
        .map(|received| created_id(&received.body))
        .collect();
    assert_eq!(arrived, [failing, next]);
    let log = emulator.deliveries();
    assert_eq!(
        (log[0].attempts, log[0].last_status, log[0].finished),
        (1, Some(500), false)
    );
    assert!(log[1].delivered);

    // A reset ends the wait at once rather than after the back-off.
    emulator.reset();
    settle(&emulator).await;
    assert_eq!(receiver.received().len(), 2);
    assert!(emulator.delivery_stats().is_empty());
}

#[tokio::test]
async fn a_retry_after_its_back_off_goes_before_callbacks_not_yet_attempted() {
    let emulator = emulator_with(
        DeliveryPolicy::new(2, Duration::from_millis(1))
            .attempt_timeout(Duration::from_secs(60))
            .max_in_flight(1),
    );
    let receiver = HeldReceiver::start(&[500]).await;
    emulator.register_webhook(creates_to(receiver.url()));
    let client = client(&emulator);
    let retried = id(&client.create(&sms("+1")).await.unwrap());
    receiver.wait_until_open(1).await;
    let second = id(&client.create(&sms("+2")).await.unwrap());
    let third = id(&client.create(&sms("+3")).await.unwrap());
    // The first attempt fails (500); the slot goes to the second callback while the first
    // waits for its back-off.
    receiver.release(1);
    eventually("the second callback is held", || {
        receiver.bodies().len() == 2
    })
    .await;
    receiver.wait_until_open(1).await;
    // Once its back-off is over the retry queues ahead of the third callback.
    eventually("the retry is queued", || {
        counts(&only_stats(&emulator)) == (2, 1, 0, 0, 0, 0)
    })
    .await;
    receiver.release_all();
    settle(&emulator).await;
    let arrived: Vec<String> = receiver
        .bodies()
        .iter()
        .map(|body| created_id(body))
        .collect();
    assert_eq!(arrived, [retried.clone(), second, retried, third]);
    assert_eq!(counts(&only_stats(&emulator)), (0, 0, 0, 3, 0, 0));
}

#[tokio::test]
async fn a_retry_queued_while_the_slot_is_taken_starts_when_it_frees() {
    let emulator = emulator_with(
        DeliveryPolicy::new(2, Duration::from_millis(1))
            .attempt_timeout(Duration::from_secs(60))
            .max_in_flight(1),
    );
    let receiver = HeldReceiver::start(&[500]).await;
    emulator.register_webhook(creates_to(receiver.url()));
    let client = client(&emulator);
    let retried = id(&client.create(&sms("+1")).await.unwrap());
    receiver.wait_until_open(1).await;
    let second = id(&client.create(&sms("+2")).await.unwrap());
    // The first attempt fails (500); the second callback takes the slot, and the retry, its
    // back-off over, waits for the slot with nothing else queued.
    receiver.release(1);
    eventually("the second callback is held", || {
        receiver.bodies().len() == 2
    })
    .await;
    eventually("the retry is queued", || {
        counts(&only_stats(&emulator)) == (1, 1, 0, 0, 0, 0)
    })
    .await;
    receiver.release_all();
    settle(&emulator).await;
    let arrived: Vec<String> = receiver
        .bodies()
        .iter()
        .map(|body| created_id(body))
        .collect();
    assert_eq!(arrived, [retried.clone(), second, retried]);
    assert_eq!(counts(&only_stats(&emulator)), (0, 0, 0, 2, 0, 0));
}

#[tokio::test]
async fn an_unregistered_webhook_finishes_what_it_had_and_takes_nothing_new() {
    let emulator = emulator_with(
        DeliveryPolicy::new(1, Duration::from_millis(10))
            .attempt_timeout(Duration::from_secs(60))
            .max_in_flight(1),
    );
    let receiver = HeldReceiver::start(&[]).await;
    let webhook_id = emulator.register_webhook(creates_to(receiver.url()));
    let client = client(&emulator);
    for phone in ["+1", "+2", "+3"] {
        client.create(&sms(phone)).await.unwrap();
    }
    receiver.wait_until_open(1).await;
    assert!(emulator.unregister_webhook(&webhook_id));
    assert!(!emulator.unregister_webhook(&webhook_id));
    client.create(&sms("+4")).await.unwrap();
    let stats = only_stats(&emulator);
    assert!(!stats.registered);
    assert_eq!(counts(&stats), (2, 1, 0, 0, 0, 0));

    receiver.release_all();
    settle(&emulator).await;
    assert_eq!(receiver.bodies().len(), 3);
    assert_eq!(emulator.deliveries().len(), 3);
    assert_eq!(counts(&only_stats(&emulator)), (0, 0, 0, 3, 0, 0));
}

#[tokio::test]
async fn a_reset_forgets_queued_deliveries() {
    let emulator = emulator_with(
        DeliveryPolicy::new(1, Duration::from_millis(10))
            .attempt_timeout(Duration::from_secs(60))
            .max_in_flight(1),
    );
    let receiver = HeldReceiver::start(&[]).await;
    emulator.register_webhook(creates_to(receiver.url()));
    let client = client(&emulator);
    for phone in ["+1", "+2", "+3"] {
        client.create(&sms(phone)).await.unwrap();
    }
    receiver.wait_until_open(1).await;
    emulator.reset();
    assert!(emulator.delivery_stats().is_empty());
    assert!(emulator.deliveries().is_empty());
    // The attempt in flight ends when answered; the two queued never start.
    receiver.release_all();
    settle(&emulator).await;
    assert_eq!(receiver.bodies().len(), 1);
}

#[test]
fn deliveries_run_without_a_runtime_of_the_caller() {
    let receiving = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let receiver = receiving.block_on(Receiver::start(&[]));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = std::thread::spawn(move || {
        receiving.block_on(async {
            let _ = stopped.await;
        });
    });
    let emulator = emulator_with(DeliveryPolicy::new(1, Duration::from_millis(10)));
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::MessageInbound],
    });
    // No Tokio runtime on this thread.
    assert!(tokio::runtime::Handle::try_current().is_err());
    emulator.inject_inbound(InboundMessage::text(
        ConversationChannel::Sms,
        "+46700000001",
        "hello",
    ));
    let deadline = std::time::Instant::now() + PATIENCE;
    while only_stats(&emulator).delivered == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(counts(&only_stats(&emulator)), (0, 0, 0, 1, 0, 0));
    assert_eq!(receiver.received().len(), 1);
    stop.send(()).unwrap();
    serving.join().unwrap();
}

#[tokio::test]
async fn the_status_route_shows_each_webhooks_counts() {
    let emulator = emulator_with(
        DeliveryPolicy::new(1, Duration::from_millis(10))
            .attempt_timeout(Duration::from_secs(60))
            .max_in_flight(1)
            .queue_capacity(2),
    );
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = server.base_url();
    let held = HeldReceiver::start(&[]).await;
    // Bind then drop: nothing listens on this port any more.
    let closed_port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let creates = emulator.register_webhook(creates_to(held.url()));
    let unreachable = format!("http://127.0.0.1:{closed_port}/callbacks");
    let deletes = emulator.register_webhook(Webhook {
        target: unreachable.clone(),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::ContactDelete],
    });
    let authorization = basic_header(&emulator);
    let headers = [
        ("authorization", authorization.as_str()),
        ("content-type", "application/json"),
    ];
    let contacts = format!("{base}/v1/projects/emulator-project/contacts");
    let create = |phone: &'static str| {
        let contacts = contacts.clone();
        async move {
            let body = json!({"channel_identities": [{"channel": "SMS", "identity": phone}], "language": "EN_US"});
            let answer = http(Method::POST, &contacts, &headers, &body.to_string())
                .await
                .unwrap();
            assert_eq!(answer.status, 200);
            answer.json()["id"].as_str().unwrap().to_owned()
        }
    };
    let first = create("+1").await;
    held.wait_until_open(1).await;
    let deleted = http(Method::DELETE, &format!("{contacts}/{first}"), &headers, "")
        .await
        .unwrap();
    assert_eq!(deleted.status, 200);
    eventually("the delete's callback fails", || {
        emulator.delivery_stats()[1].failed == 1
    })
    .await;
    for phone in ["+2", "+3", "+4"] {
        create(phone).await;
    }

    let status = http(Method::GET, &format!("{base}/_emulator/status"), &[], "")
        .await
        .unwrap()
        .json();
    assert_eq!(
        status["webhooks"],
        json!([
            {"webhook_id": creates, "target": held.url(), "registered": true, "queued": 2,
             "in_flight": 1, "waiting_for_retry": 0, "delivered": 0, "failed": 0, "dropped": 1},
            {"webhook_id": deletes, "target": unreachable, "registered": true, "queued": 0,
             "in_flight": 0, "waiting_for_retry": 0, "delivered": 0, "failed": 1, "dropped": 0},
        ])
    );

    held.release_all();
    settle(&emulator).await;
    let status = http(Method::GET, &format!("{base}/_emulator/status"), &[], "")
        .await
        .unwrap()
        .json();
    let creates_counts = &status["webhooks"][0];
    assert_eq!(
        [
            &creates_counts["queued"],
            &creates_counts["in_flight"],
            &creates_counts["delivered"],
            &creates_counts["dropped"]
        ],
        [&json!(0), &json!(0), &json!(3), &json!(1)]
    );
    server.shutdown().await;
}
