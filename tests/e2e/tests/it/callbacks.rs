//! Callbacks from the emulator, delivered to the callbacks crate's axum receiver on loopback:
//! verified, parsed, applied to a contact mirror and a suppression list.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use sinch_contacts_callbacks::optout::IdentityKey;
use sinch_contacts_callbacks::{ConversationChannel, Event};
use sinch_contacts_e2e::loopback::Loopback;
use sinch_contacts_e2e::receiver::CallbackReceiver;
use sinch_contacts_emulator::{DeliveryPolicy, Emulator, InboundMessage, Webhook};
use sinch_contacts_model::{ContactPatch, QueryCapabilityRequest, WebhookTrigger};

use crate::support::{create_request, id_of, list_everything};

const SECRET: &str = "webhook-secret";

#[tokio::test]
async fn callbacks_rebuild_the_contacts_and_a_stop_suppresses_the_sender() {
    let receiver = CallbackReceiver::start(SECRET).await.expect("receiver");
    let emulator = Emulator::builder()
        .delivery_policy(DeliveryPolicy::new(5, Duration::from_millis(20)))
        .build();
    let loopback = Loopback::start(emulator).await.expect("serving");
    let emulator = loopback.emulator().clone();
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: vec![
            WebhookTrigger::ContactCreate,
            WebhookTrigger::ContactUpdate,
            WebhookTrigger::ContactDelete,
            WebhookTrigger::ContactMerge,
            WebhookTrigger::ContactIdentitiesDuplication,
            WebhookTrigger::MessageInbound,
            WebhookTrigger::Capability,
        ],
    });
    let client = loopback.basic_client().expect("client");

    let ada = client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "SMS", "identity": "+46700000301"}],
            "language": "EN_US",
            "display_name": "Ada",
        })))
        .await
        .expect("create");
    let whatsapp = client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "WHATSAPP", "identity": "+46700000302"}],
            "language": "EN_US",
            "email": "ada@example.com",
        })))
        .await
        .expect("create");
    let temporary = client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "SMS", "identity": "+46700000303"}],
            "language": "EN_US",
        })))
        .await
        .expect("create");
    client
        .update(
            &id_of(&ada),
            &ContactPatch::new().display_name("Ada Lovelace"),
        )
        .await
        .expect("update");
    client
        .merge(&id_of(&ada), &id_of(&whatsapp))
        .await
        .expect("merge");
    client.delete(&id_of(&temporary)).await.expect("delete");
    let mut capability = QueryCapabilityRequest::for_contact("emulator-app", id_of(&ada));
    capability.request_id = Some("capability-7".to_owned());
    client
        .query_capability(&capability)
        .await
        .expect("capability");
    let stop = emulator.inject_inbound(InboundMessage::text(
        sinch_contacts_model::ConversationChannel::Sms,
        "+46700000399",
        "STOP",
    ));
    assert!(stop.contact_created);
    let hello = emulator.inject_inbound(InboundMessage::text(
        sinch_contacts_model::ConversationChannel::Sms,
        "+46700000301",
        "Hello",
    ));
    assert_eq!(hello.contact_id, id_of(&ada));

    assert!(emulator.wait_for_deliveries(Duration::from_secs(20)).await);
    let deliveries = emulator.deliveries();
    let undelivered: Vec<_> = deliveries.iter().filter(|d| !d.delivered).collect();
    assert!(undelivered.is_empty(), "{undelivered:#?}");
    // Counted by hand: 3 creates + 1 for the STOP sender's new contact, 1 update, 1 merge,
    // 1 delete, 1 capability per identity of the merged contact (SMS, WhatsApp), 2 inbound.
    let mut per_trigger: BTreeMap<String, usize> = BTreeMap::new();
    for delivery in &deliveries {
        *per_trigger
            .entry(delivery.trigger.as_str().to_owned())
            .or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = [
        ("CAPABILITY", 2),
        ("CONTACT_CREATE", 4),
        ("CONTACT_DELETE", 1),
        ("CONTACT_MERGE", 1),
        ("CONTACT_UPDATE", 1),
        ("MESSAGE_INBOUND", 2),
    ]
    .into_iter()
    .map(|(trigger, count)| (trigger.to_owned(), count))
    .collect();
    assert_eq!(per_trigger, expected);
    assert_eq!(receiver.callbacks().len(), deliveries.len());

    // The mirror holds exactly what the emulator holds.
    let final_contacts = list_everything(&client).await;
    let mirror = receiver.mirror();
    let mut mirrored: Vec<_> = mirror.contacts().cloned().collect();
    mirrored.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(mirrored, final_contacts);
    // ... which is, worked by hand: Ada with the WhatsApp identity and email merged in, and the
    // contact created for the STOP sender. Ada was created without a channel priority; a merge
    // appends the channels it moves (WhatsApp) to the destination's list and leaves the rest of
    // it as it was (merge rule 4, docs/merge-rules.md), so the list is just WhatsApp.
    let ada_now = mirror.get(&id_of(&ada)).expect("Ada is mirrored");
    assert_eq!(
        serde_json::to_value(ada_now).unwrap(),
        json!({
            "id": id_of(&ada),
            "channel_identities": [
                {"channel": "SMS", "identity": "+46700000301"},
                {"channel": "WHATSAPP", "identity": "+46700000302"},
            ],
            "channel_priority": ["WHATSAPP"],
            "language": "EN_US",
            "display_name": "Ada Lovelace",
            "email": "ada@example.com",
        })
    );
    let sender = mirror
        .get(&stop.contact_id)
        .expect("the STOP sender is mirrored");
    assert_eq!(
        serde_json::to_value(&sender.channel_identities).unwrap(),
        json!([{"channel": "SMS", "identity": "+46700000399"}])
    );
    assert_eq!(final_contacts.len(), 2);
    assert_eq!(mirror.resolve(&id_of(&whatsapp)), Some(ada_now));
    assert!(mirror.removal(&id_of(&temporary)).is_some());

    // The STOP sender is suppressed on SMS; Ada's "Hello" changed nothing.
    let suppression = receiver.suppression();
    let opted_out: Vec<_> = suppression.opted_out().cloned().collect();
    assert_eq!(
        opted_out,
        vec![IdentityKey::new(ConversationChannel::Sms, "+46700000399")]
    );
    assert!(!suppression.may_message(&ConversationChannel::Sms, "+46700000399"));
    assert!(suppression.may_message(&ConversationChannel::Sms, "+46700000301"));

    // Capability callbacks name the request and each of Ada's identities.
    let mut capabilities: Vec<_> = receiver
        .callbacks()
        .into_iter()
        .filter_map(|callback| match callback.event {
            Event::Capability(notification) => Some((
                notification.request_id,
                notification.contact_id,
                notification.identity,
            )),
            _ => None,
        })
        .collect();
    capabilities.sort();
    let ada_id = Some(id_of(&ada));
    assert_eq!(
        capabilities,
        vec![
            (
                Some("capability-7".to_owned()),
                ada_id.clone(),
                Some("+46700000301".to_owned())
            ),
            (
                Some("capability-7".to_owned()),
                ada_id,
                Some("+46700000302".to_owned())
            ),
        ]
    );
    loopback.shutdown().await;
    receiver.shutdown().await;
}

fn contact_triggers() -> Vec<WebhookTrigger> {
    vec![
        WebhookTrigger::ContactCreate,
        WebhookTrigger::ContactUpdate,
        WebhookTrigger::ContactDelete,
        WebhookTrigger::ContactMerge,
    ]
}

#[tokio::test]
async fn refused_callbacks_are_delivered_again_and_the_mirror_still_matches() {
    // The first three verified callbacks are answered 500; the emulator retries them.
    let receiver = CallbackReceiver::start_refusing(SECRET, 3)
        .await
        .expect("receiver");
    let emulator = Emulator::builder()
        .delivery_policy(DeliveryPolicy::new(6, Duration::from_millis(10)))
        .build();
    let loopback = Loopback::start(emulator).await.expect("serving");
    let emulator = loopback.emulator().clone();
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: contact_triggers(),
    });
    let client = loopback.basic_client().expect("client");
    for number in ["+46700000401", "+46700000402", "+46700000403"] {
        client
            .create(&create_request(json!({
                "channel_identities": [{"channel": "SMS", "identity": number}],
                "language": "EN_US",
            })))
            .await
            .expect("create");
    }
    assert!(emulator.wait_for_deliveries(Duration::from_secs(20)).await);
    let deliveries = emulator.deliveries();
    assert_eq!(deliveries.len(), 3);
    assert!(deliveries.iter().all(|delivery| delivery.delivered));
    // Three refusals spread over three deliveries: six attempts in all.
    let attempts: u32 = deliveries.iter().map(|delivery| delivery.attempts).sum();
    assert_eq!(attempts, 6);
    assert_eq!(receiver.refused(), 3);
    let mut mirrored: Vec<_> = receiver.mirror().contacts().cloned().collect();
    mirrored.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(mirrored, list_everything(&client).await);
    loopback.shutdown().await;
    receiver.shutdown().await;
}

#[tokio::test]
async fn callbacks_signed_with_another_secret_are_refused_and_change_nothing() {
    let receiver = CallbackReceiver::start(SECRET).await.expect("receiver");
    let emulator = Emulator::builder()
        .delivery_policy(DeliveryPolicy::new(2, Duration::from_millis(10)))
        .build();
    let loopback = Loopback::start(emulator).await.expect("serving");
    let emulator = loopback.emulator().clone();
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: "not-the-receivers-secret".to_owned(),
        triggers: contact_triggers(),
    });
    let client = loopback.basic_client().expect("client");
    client
        .create(&create_request(json!({
            "channel_identities": [{"channel": "SMS", "identity": "+46700000404"}],
            "language": "EN_US",
        })))
        .await
        .expect("create");
    assert!(emulator.wait_for_deliveries(Duration::from_secs(20)).await);
    let deliveries = emulator.deliveries();
    assert_eq!(deliveries.len(), 1);
    assert!(!deliveries[0].delivered);
    assert_eq!(deliveries[0].attempts, 2);
    assert_eq!(deliveries[0].last_status, Some(401));
    assert!(receiver.callbacks().is_empty());
    assert!(receiver.mirror().is_empty());
    loopback.shutdown().await;
    receiver.shutdown().await;
}
