//! Signed callbacks delivered to a real receiver on 127.0.0.1, retried, and logged.

use std::time::Duration;

use serde_json::{Value, json};
use sinch_contacts_callbacks::{Verifier, parse};
use sinch_contacts_emulator::{DeliveryPolicy, Emulator, InboundMessage, Webhook};
use sinch_contacts_model::{
    ContactPatch, ConversationChannel, QueryCapabilityRequest, WebhookTrigger,
};
use tokio::net::TcpListener;

use crate::support::{Received, Receiver, client, id, settle, sms, with_identities};

const SECRET: &str = "webhook-secret";

fn all_contact_triggers() -> Vec<WebhookTrigger> {
    vec![
        WebhookTrigger::ContactCreate,
        WebhookTrigger::ContactUpdate,
        WebhookTrigger::ContactDelete,
        WebhookTrigger::ContactMerge,
        WebhookTrigger::ContactIdentitiesDuplication,
        WebhookTrigger::Capability,
        WebhookTrigger::MessageInbound,
    ]
}

fn fast_emulator() -> Emulator {
    Emulator::builder()
        .delivery_policy(DeliveryPolicy::new(4, Duration::from_millis(10)))
        .build()
}

/// Verifies the signature with the callbacks crate's verifier and returns the JSON body.
fn verified(received: &Received) -> Value {
    let verifier = Verifier::new(SECRET);
    let payload = verifier
        .verify(&received.headers, &received.body)
        .expect("the signature verifies with the webhook's secret");
    assert!(!payload.nonce().contains('.'), "nonce {}", payload.nonce());
    let callback = parse(&payload).expect("the callback parses");
    assert_eq!(callback.app_id, "emulator-app");
    assert_eq!(callback.project_id, "emulator-project");
    assert!(callback.accepted_time.is_some());
    received.json()
}

/// The notification key of a callback body (the member that is not part of the envelope).
fn key(body: &Value) -> String {
    body.as_object()
        .unwrap()
        .keys()
        .find(|key| !["app_id", "project_id", "accepted_time"].contains(&key.as_str()))
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn contact_operations_are_delivered_signed_in_the_official_shapes() {
    let emulator = fast_emulator();
    let receiver = Receiver::start(&[]).await;
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: all_contact_triggers(),
    });
    let client = client(&emulator);
    let destination = id(&client.create(&sms("+1")).await.unwrap());
    client
        .update(&destination, &ContactPatch::new().display_name("Ada"))
        .await
        .unwrap();
    let source = id(&client
        .create(&with_identities(&[(ConversationChannel::Whatsapp, "+2")]))
        .await
        .unwrap());
    let doomed = id(&client.create(&sms("+3")).await.unwrap());
    client.delete(&doomed).await.unwrap();
    client.merge(&destination, &source).await.unwrap();
    settle(&emulator).await;

    let mut bodies: Vec<Value> = receiver.received().iter().map(verified).collect();
    // Deliveries run concurrently; order them by the log's sequence through their bodies.
    let log = emulator.deliveries();
    assert_eq!(log.len(), 6);
    assert!(
        log.iter()
            .all(|delivery| delivery.delivered && delivery.attempts == 1)
    );
    bodies.sort_by_key(|body| {
        log.iter()
            .position(|delivery| serde_json::from_str::<Value>(&delivery.body).unwrap() == *body)
    });
    let keys: Vec<String> = bodies.iter().map(key).collect();
    assert_eq!(
        keys,
        [
            "contact_create_notification",
            "contact_update_notification",
            "contact_create_notification",
            "contact_create_notification",
            "contact_delete_notification",
            "contact_merge_notification",
        ]
    );
    assert_eq!(
        bodies[0]["contact_create_notification"]["contact"]["id"],
        destination.as_str()
    );
    assert_eq!(
        bodies[1]["contact_update_notification"]["contact"]["display_name"],
        "Ada"
    );
    assert_eq!(
        bodies[4]["contact_delete_notification"]["contact"]["id"],
        doomed.as_str()
    );
    assert_eq!(
        bodies[4]["contact_delete_notification"]["contact"]["channel_identities"],
        json!([{"channel": "SMS", "identity": "+3"}])
    );
    let merge = &bodies[5]["contact_merge_notification"];
    assert_eq!(merge["preserved_contact"]["id"], destination.as_str());
    assert_eq!(merge["deleted_contact"]["id"], source.as_str());
    assert_eq!(
        merge["preserved_contact"]["channel_identities"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn an_identity_on_two_contacts_is_reported_as_duplicated() {
    let emulator = fast_emulator();
    let receiver = Receiver::start(&[]).await;
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::ContactIdentitiesDuplication],
    });
    let client = client(&emulator);
    let first = id(&client.create(&sms("+46700000009")).await.unwrap());
    let second = id(&client.create(&sms("+46700000009")).await.unwrap());
    // Updating the second without touching its identities reports nothing new.
    client
        .update(&second, &ContactPatch::new().display_name("x"))
        .await
        .unwrap();
    settle(&emulator).await;
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        verified(&received[0])["duplicated_contact_identities_notification"],
        json!({"duplicated_identities": [{"channel": "SMS", "contact_ids": [first, second]}]})
    );
}

#[tokio::test]
async fn a_capability_query_sends_one_callback_per_channel() {
    let emulator = fast_emulator();
    let receiver = Receiver::start(&[]).await;
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::Capability],
    });
    let client = client(&emulator);
    let contact = id(&client
        .create(&with_identities(&[
            (ConversationChannel::Sms, "+5"),
            (ConversationChannel::Whatsapp, "+5"),
        ]))
        .await
        .unwrap());
    let mut query = QueryCapabilityRequest::for_contact(emulator.app_id(), &contact);
    query.request_id = Some("req-9".to_owned());
    client.query_capability(&query).await.unwrap();
    settle(&emulator).await;
    let mut channels: Vec<String> = receiver
        .received()
        .iter()
        .map(|received| {
            let body = verified(received);
            let notification = &body["capability_notification"];
            assert_eq!(notification["request_id"], "req-9");
            assert_eq!(notification["contact_id"], contact.as_str());
            assert_eq!(notification["identity"], "+5");
            assert_eq!(notification["capability_status"], "CAPABILITY_FULL");
            notification["channel"].as_str().unwrap().to_owned()
        })
        .collect();
    channels.sort();
    assert_eq!(channels, ["SMS", "WHATSAPP"]);
}

#[tokio::test]
async fn an_injected_stop_arrives_as_message_inbound_from_the_known_contact() {
    let emulator = fast_emulator();
    let receiver = Receiver::start(&[]).await;
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: vec![
            WebhookTrigger::MessageInbound,
            WebhookTrigger::ContactCreate,
        ],
    });
    let client = client(&emulator);
    let contact = id(&client.create(&sms("+46700000010")).await.unwrap());
    settle(&emulator).await;
    let injected = emulator.inject_inbound(InboundMessage::text(
        ConversationChannel::Sms,
        "+46700000010",
        "STOP",
    ));
    assert_eq!(injected.contact_id, contact);
    assert!(!injected.contact_created);
    settle(&emulator).await;
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    let body = verified(&received[1]);
    let message = &body["message"];
    assert_eq!(message["id"], injected.message_id.as_str());
    assert_eq!(message["direction"], "TO_APP");
    assert_eq!(message["contact_id"], contact.as_str());
    assert_eq!(
        message["contact_message"],
        json!({"text_message": {"text": "STOP"}})
    );
    assert_eq!(message["channel_identity"]["channel"], "SMS");
    assert_eq!(message["channel_identity"]["identity"], "+46700000010");
    let parsed = parse(
        &Verifier::new(SECRET)
            .verify(&received[1].headers, &received[1].body)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(parsed.trigger().as_str(), "MESSAGE_INBOUND");
}

#[tokio::test]
async fn an_inbound_from_an_unknown_identity_creates_the_contact_first() {
    let emulator = fast_emulator();
    let injected = emulator.inject_inbound(InboundMessage::text(
        ConversationChannel::Sms,
        "+46700000011",
        "hello",
    ));
    assert!(injected.contact_created);
    let contact = emulator.contact(&injected.contact_id).unwrap();
    assert_eq!(contact.channel_identities[0].identity, "+46700000011");
}

#[tokio::test]
async fn a_failing_receiver_gets_the_same_body_again_until_it_answers_2xx() {
    let emulator = fast_emulator();
    let receiver = Receiver::start(&[500, 503]).await;
    let webhook_id = emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::ContactCreate],
    });
    client(&emulator).create(&sms("+7")).await.unwrap();
    settle(&emulator).await;
    let received = receiver.received();
    assert_eq!(received.len(), 3);
    assert!(
        received
            .iter()
            .all(|attempt| attempt.body == received[0].body)
    );
    for attempt in &received {
        verified(attempt);
    }
    let delivery = &emulator.deliveries()[0];
    assert_eq!(delivery.webhook_id, webhook_id);
    assert_eq!(delivery.trigger, WebhookTrigger::ContactCreate);
    assert_eq!(delivery.target, receiver.url());
    assert_eq!(delivery.attempts, 3);
    assert_eq!(delivery.last_status, Some(200));
    assert!(delivery.delivered && delivery.finished);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let emulator = fast_emulator();
    let receiver = Receiver::start(&[500, 500, 500, 500, 500, 500]).await;
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::ContactCreate],
    });
    client(&emulator).create(&sms("+8")).await.unwrap();
    settle(&emulator).await;
    assert_eq!(receiver.received().len(), 4);
    let delivery = &emulator.deliveries()[0];
    assert_eq!(
        (
            delivery.attempts,
            delivery.last_status,
            delivery.delivered,
            delivery.finished
        ),
        (4, Some(500), false, true)
    );
}

#[tokio::test]
async fn an_unreachable_target_is_logged_with_the_error() {
    let emulator = fast_emulator();
    // Bind then drop: nothing listens on this port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    emulator.register_webhook(Webhook {
        target: format!("http://127.0.0.1:{port}/callbacks"),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::ContactCreate],
    });
    client(&emulator).create(&sms("+9")).await.unwrap();
    settle(&emulator).await;
    let delivery = &emulator.deliveries()[0];
    assert_eq!(delivery.attempts, 4);
    assert!(!delivery.delivered);
    assert!(delivery.last_error.is_some());
}

#[tokio::test]
async fn the_api_call_returns_while_its_callback_is_still_undelivered() {
    let emulator = Emulator::builder()
        .delivery_policy(
            DeliveryPolicy::new(1, Duration::from_millis(10))
                .attempt_timeout(Duration::from_secs(3)),
        )
        .build();
    // A receiver that accepts connections and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = silent.local_addr().unwrap();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    emulator.register_webhook(Webhook {
        target: format!("http://{address}/callbacks"),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::ContactCreate],
    });
    client(&emulator).create(&sms("+10")).await.unwrap();
    let delivery = &emulator.deliveries()[0];
    assert!(!delivery.finished, "the create waited for its callback");
    settle(&emulator).await;
    let delivery = &emulator.deliveries()[0];
    assert!(!delivery.delivered);
    assert!(
        delivery
            .last_error
            .as_deref()
            .unwrap()
            .contains("no answer")
    );
    holder.abort();
}

#[tokio::test]
async fn only_subscribed_triggers_are_sent_and_webhooks_can_be_removed() {
    let emulator = fast_emulator();
    let receiver = Receiver::start(&[]).await;
    let webhook_id = emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::ContactDelete],
    });
    let client = client(&emulator);
    let contact = id(&client.create(&sms("+11")).await.unwrap());
    client.delete(&contact).await.unwrap();
    settle(&emulator).await;
    assert_eq!(receiver.received().len(), 1);
    assert!(emulator.unregister_webhook(&webhook_id));
    client.create(&sms("+12")).await.unwrap();
    settle(&emulator).await;
    assert_eq!(emulator.deliveries().len(), 1);
}

#[tokio::test]
async fn a_merge_that_moves_an_identity_onto_a_third_contacts_identity_reports_the_new_pair() {
    let emulator = fast_emulator();
    let client = client(&emulator);
    let destination = id(&client.create(&sms("+100")).await.unwrap());
    let source = id(&client
        .create(&with_identities(&[(ConversationChannel::Whatsapp, "+200")]))
        .await
        .unwrap());
    let third = id(&client
        .create(&with_identities(&[(ConversationChannel::Whatsapp, "+200")]))
        .await
        .unwrap());
    // Registered now, so only the merge's callbacks arrive.
    let receiver = Receiver::start(&[]).await;
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::ContactIdentitiesDuplication],
    });
    client.merge(&destination, &source).await.unwrap();
    settle(&emulator).await;
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    // WhatsApp +200 was on source and third; it is now on destination and third.
    assert_eq!(
        verified(&received[0])["duplicated_contact_identities_notification"],
        json!({"duplicated_identities": [{"channel": "WHATSAPP", "contact_ids": [destination, third]}]})
    );
}

#[tokio::test]
async fn reset_forgets_contacts_webhooks_deliveries_and_tokens() {
    let emulator = fast_emulator();
    let receiver = Receiver::start(&[]).await;
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::ContactCreate],
    });
    let oauth = crate::support::client_with(
        &emulator,
        crate::support::oauth2(&emulator),
        sinch_contacts_port::RetryPolicy::disabled(),
    );
    oauth.create(&sms("+13")).await.unwrap();
    settle(&emulator).await;
    assert_eq!(emulator.deliveries().len(), 1);

    emulator.reset();
    assert_eq!(emulator.contact_count(), 0);
    assert!(emulator.webhooks().is_empty());
    assert!(emulator.deliveries().is_empty());
    // The client's cached token is unknown now: 401 without `expired`, so no refresh.
    let error = oauth.create(&sms("+14")).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(401));
    client(&emulator).create(&sms("+15")).await.unwrap();
    settle(&emulator).await;
    assert!(
        emulator.deliveries().is_empty(),
        "no webhook is registered any more"
    );
}
