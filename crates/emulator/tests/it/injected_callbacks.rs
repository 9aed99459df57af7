//! Callback bodies of one's own, posted to `POST /_emulator/callbacks` or given to
//! `Emulator::inject_callback`: delivered, as given, to the webhooks subscribed to their trigger,
//! signed with each webhook's secret, retried, logged and counted like the emulator's own.

use std::time::Duration;

use http::Method;
use serde_json::{Value, json};
use sinch_contacts_callbacks::{Callback, Event, Verifier, parse};
use sinch_contacts_emulator::{DeliveryPolicy, Emulator, Webhook};
use sinch_contacts_model::WebhookTrigger;

use crate::support::{Received, Receiver, http, settle};

/// A CONTACT_CREATE callback as a trigger fixture has it: another app and project than the
/// emulator's, and members in an order of its own, so that an unchanged body shows.
const CONTACT_CREATE: &str = r#"{"project_id": "fixture-project", "app_id": "fixture-app",
 "accepted_time": "2024-06-15T14:00:00.123Z",
 "contact_create_notification": {"contact": {"id": "01FIXTURE", "display_name": "Grace Hopper",
   "channel_identities": [{"channel": "SMS", "identity": "46700000002"}], "language": "EN"}}}"#;

fn fast_emulator() -> Emulator {
    Emulator::builder()
        .delivery_policy(DeliveryPolicy::new(4, Duration::from_millis(10)))
        .build()
}

fn subscribe(
    emulator: &Emulator,
    receiver: &Receiver,
    secret: &str,
    triggers: &[WebhookTrigger],
) -> String {
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: secret.to_owned(),
        triggers: triggers.to_vec(),
    })
}

/// Verified with `secret`, then parsed.
fn verified(received: &Received, secret: &str) -> Callback {
    let payload = Verifier::new(secret)
        .verify(&received.headers, &received.body)
        .expect("the signature verifies with the webhook's secret");
    parse(&payload).expect("the callback parses")
}

/// The `(field, description)` pairs of a 400 answer.
fn violations(answer: &Value) -> Vec<(String, String)> {
    answer["error"]["details"][0]["field_violations"]
        .as_array()
        .expect("field violations")
        .iter()
        .map(|violation| {
            (
                violation["field"].as_str().unwrap().to_owned(),
                violation["description"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_posted_callback_reaches_each_subscribed_webhook_signed_with_its_secret() {
    let emulator = fast_emulator();
    let first = Receiver::start(&[]).await;
    let second = Receiver::start(&[]).await;
    let unsubscribed = Receiver::start(&[]).await;
    let first_id = subscribe(
        &emulator,
        &first,
        "first-secret",
        &[WebhookTrigger::ContactCreate, WebhookTrigger::OptOut],
    );
    let second_id = subscribe(
        &emulator,
        &second,
        "second-secret",
        &[WebhookTrigger::ContactCreate],
    );
    let unsubscribed_id = subscribe(
        &emulator,
        &unsubscribed,
        "third-secret",
        &[
            WebhookTrigger::ContactUpdate,
            WebhookTrigger::MessageInbound,
        ],
    );
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = server.base_url();

    let answer = http(
        Method::POST,
        &format!("{base}/_emulator/callbacks"),
        &[("content-type", "application/json")],
        CONTACT_CREATE,
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({
            "trigger": "CONTACT_CREATE",
            "queued": 2,
            "webhook_ids": [first_id, second_id],
            "not_queued": [],
        })
    );
    settle(&emulator).await;

    for (receiver, secret, other_secret) in [
        (&first, "first-secret", "second-secret"),
        (&second, "second-secret", "first-secret"),
    ] {
        let received = receiver.received();
        assert_eq!(received.len(), 1);
        // The bytes as posted: neither the emulator's app and project nor a time of its own.
        assert_eq!(received[0].body, CONTACT_CREATE.as_bytes());
        let callback = verified(&received[0], secret);
        assert_eq!(callback.app_id, "fixture-app");
        assert_eq!(callback.project_id, "fixture-project");
        let Event::ContactCreate(created) = &callback.event else {
            panic!("not a CONTACT_CREATE: {:?}", callback.event)
        };
        assert_eq!(
            created.contact.display_name.as_deref(),
            Some("Grace Hopper")
        );
        // Each webhook's own secret: the other's does not verify.
        assert!(
            Verifier::new(other_secret)
                .verify(&received[0].headers, &received[0].body)
                .is_err()
        );
    }
    assert!(unsubscribed.received().is_empty());

    // Logged and counted like the emulator's own callbacks.
    let log = emulator.deliveries();
    assert_eq!(log.len(), 2);
    for delivery in &log {
        assert_eq!(delivery.trigger, WebhookTrigger::ContactCreate);
        assert_eq!(delivery.body, CONTACT_CREATE);
        assert!(delivery.delivered && delivery.attempts == 1, "{delivery:?}");
    }
    let status = http(Method::GET, &format!("{base}/_emulator/status"), &[], "")
        .await
        .unwrap()
        .json();
    let delivered: Vec<(String, u64)> = status["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|stats| {
            (
                stats["webhook_id"].as_str().unwrap().to_owned(),
                stats["delivered"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        delivered,
        [(first_id, 1), (second_id, 1), (unsubscribed_id, 0)]
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_that_is_not_a_typed_callback_is_a_400_naming_what_is_wrong() {
    let emulator = fast_emulator();
    let receiver = Receiver::start(&[]).await;
    subscribe(
        &emulator,
        &receiver,
        "secret",
        &[WebhookTrigger::ContactCreate, WebhookTrigger::ContactUpdate],
    );
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("{}/_emulator/callbacks", server.base_url());
    let envelope = r#""app_id": "a", "project_id": "p""#;
    for (body, field, description) in [
        (
            "STOP".to_owned(),
            "body",
            "not JSON: expected value at line 1 column 1",
        ),
        (
            format!(r#"{{{envelope}, "my_notification": {{"id": "1"}}}}"#),
            "my_notification",
            "not the notification key of a trigger the callbacks crate types \
             (contact_create_notification, message, opt_out_notification, ...)",
        ),
        (
            format!(r#"{{{envelope}}}"#),
            "body",
            "no notification: a callback holds one notification key beside the envelope \
             (contact_create_notification, message, opt_out_notification, ...)",
        ),
        (
            format!(
                r#"{{{envelope}, "trigger": "CONTACT_UPDATE", "contact_create_notification": {{"contact": {{"id": "c1"}}}}}}"#
            ),
            "trigger",
            "names CONTACT_UPDATE but the notification is CONTACT_CREATE's \
             (contact_create_notification)",
        ),
    ] {
        let answer = http(Method::POST, &url, &[], &body).await.unwrap();
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(
            violations(&answer.json()),
            [(field.to_owned(), description.to_owned())],
            "{body}"
        );
    }
    // A notification whose members do not fit its trigger's type: the path names the member.
    let answer = http(
        Method::POST,
        &url,
        &[],
        &format!(r#"{{{envelope}, "contact_create_notification": {{"contact": {{"id": 5}}}}}}"#),
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 400);
    let found = violations(&answer.json());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "contact_create_notification.contact.id");
    assert!(
        found[0].1.starts_with("JSON that does not fit"),
        "{found:?}"
    );

    // Nothing was delivered or logged; another method is refused with the one allowed.
    settle(&emulator).await;
    assert!(emulator.deliveries().is_empty());
    assert!(receiver.received().is_empty());
    let answer = http(Method::GET, &url, &[], "").await.unwrap();
    assert_eq!(answer.status, 405);
    assert_eq!(answer.headers["allow"], "POST");
    server.shutdown().await;
}

#[tokio::test]
async fn no_subscribed_webhook_is_not_an_error_and_the_answer_says_so() {
    let emulator = fast_emulator();
    let receiver = Receiver::start(&[]).await;
    subscribe(&emulator, &receiver, "secret", &[WebhookTrigger::OptIn]);
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("{}/_emulator/callbacks", server.base_url());
    let answer = http(Method::POST, &url, &[], CONTACT_CREATE).await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({
            "trigger": "CONTACT_CREATE",
            "queued": 0,
            "webhook_ids": [],
            "not_queued": [],
            "note": "no registered webhook is subscribed to CONTACT_CREATE: the callback was not queued",
        })
    );

    // A subscribed webhook the emulator never sends to: logged, counted as failed, and named.
    let unsent = emulator.register_webhook(Webhook {
        target: "unsent://nowhere/".to_owned(),
        secret: "secret".to_owned(),
        triggers: vec![WebhookTrigger::ContactCreate],
    });
    let answer = http(Method::POST, &url, &[], CONTACT_CREATE).await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({
            "trigger": "CONTACT_CREATE",
            "queued": 0,
            "webhook_ids": [],
            "not_queued": [{
                "webhook_id": unsent,
                "reason": "not sent: unsent:// targets are never sent to",
            }],
            "note": "no webhook subscribed to CONTACT_CREATE could take the callback (see not_queued)",
        })
    );
    let stats = emulator.delivery_stats();
    assert_eq!(
        (stats[1].webhook_id.as_str(), stats[1].failed),
        (unsent.as_str(), 1)
    );
    settle(&emulator).await;
    assert!(receiver.received().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn an_injected_callback_is_retried_each_attempt_signed_afresh() {
    let emulator = fast_emulator();
    // The first attempt gets a 503, the second a 200.
    let receiver = Receiver::start(&[503]).await;
    let id = subscribe(
        &emulator,
        &receiver,
        "secret",
        &[WebhookTrigger::MessageInbound],
    );
    let stop = r#"{"app_id": "a", "project_id": "p", "trigger": "message_inbound",
      "message": {"id": "m1", "direction": "TO_APP", "contact_id": "c1",
        "contact_message": {"text_message": {"text": "STOP"}},
        "channel_identity": {"channel": "SMS", "identity": "46700000003"}}}"#;
    let injected = emulator.inject_callback(stop).unwrap();
    assert_eq!(injected.trigger, WebhookTrigger::MessageInbound);
    assert_eq!(injected.webhook_ids, [id]);
    assert_eq!(injected.nothing_queued(), None);
    settle(&emulator).await;

    let received = receiver.received();
    assert_eq!(received.len(), 2);
    let nonces: Vec<String> = received
        .iter()
        .map(|attempt| {
            let payload = Verifier::new("secret")
                .verify(&attempt.headers, &attempt.body)
                .expect("every attempt verifies");
            assert_eq!(attempt.body, stop.as_bytes());
            payload.nonce().to_owned()
        })
        .collect();
    assert_ne!(nonces[0], nonces[1]);
    let callback = verified(&received[1], "secret");
    assert_eq!(callback.trigger(), WebhookTrigger::MessageInbound);
    let log = emulator.deliveries();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].attempts, log[0].last_status, log[0].delivered),
        (2, Some(200), true)
    );
    assert_eq!(emulator.delivery_stats()[0].delivered, 1);
}
