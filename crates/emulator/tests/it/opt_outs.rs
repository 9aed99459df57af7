//! Native opt-outs and opt-ins (channels such as Viber Business Messages report them
//! themselves): injected over the emulator route or the handle, delivered signed to a real
//! receiver on 127.0.0.1, verified and parsed by the callbacks crate as the typed trigger.

use std::path::PathBuf;
use std::time::Duration;

use http::Method;
use serde_json::{Value, json};
use sinch_contacts_callbacks::optout::{SuppressionList, SuppressionOutcome};
use sinch_contacts_callbacks::{
    Callback, Event, OptInStatus, OptOutStatus, ProcessingMode, Verifier, parse,
};
use sinch_contacts_emulator::{DeliveryPolicy, Emulator, OptChange, Webhook};
use sinch_contacts_model::{ConversationChannel, WebhookTrigger};

use crate::support::{Received, Receiver, http, id, settle, with_identities};

const SECRET: &str = "opt-secret";
const PHONE: &str = "+46700000077";

async fn emulator_with_receiver() -> (Emulator, Receiver) {
    let emulator = Emulator::builder()
        .delivery_policy(DeliveryPolicy::new(4, Duration::from_millis(10)))
        .build();
    let receiver = Receiver::start(&[]).await;
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::OptIn, WebhookTrigger::OptOut],
    });
    (emulator, receiver)
}

/// Verified with the webhook's secret, then parsed.
fn verified(received: &Received) -> Callback {
    let payload = Verifier::new(SECRET)
        .verify(&received.headers, &received.body)
        .expect("the signature verifies with the webhook's secret");
    parse(&payload).expect("the callback parses")
}

#[tokio::test]
async fn an_opt_out_posted_to_the_route_arrives_as_a_signed_opt_out() {
    let (emulator, receiver) = emulator_with_receiver().await;
    let contact = emulator
        .seed_contacts(vec![with_identities(&[(
            ConversationChannel::Viberbm,
            PHONE,
        )])])
        .unwrap();
    let contact_id = id(&contact[0]);
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let answer = http(
        Method::POST,
        &format!("{}/_emulator/opt-outs", server.base_url()),
        &[],
        &json!({"channel": "VIBERBM", "identity": PHONE, "request_id": "req-1"}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({"request_id": "req-1", "contact_id": contact_id, "status": "OPT_OUT_SUCCEEDED"})
    );
    settle(&emulator).await;
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].json()["opt_out_notification"],
        json!({
            "request_id": "req-1",
            "contact_id": contact_id,
            "channel": "VIBERBM",
            "identity": PHONE,
            "status": "OPT_OUT_SUCCEEDED",
            "processing_mode": "CONVERSATION",
        })
    );
    let callback = verified(&received[0]);
    let Event::OptOut(notification) = &callback.event else {
        panic!("not an OPT_OUT: {:?}", callback.event)
    };
    assert_eq!(notification.status, Some(OptOutStatus::OptOutSucceeded));
    assert_eq!(notification.channel, Some(ConversationChannel::Viberbm));
    assert_eq!(notification.identity.as_deref(), Some(PHONE));
    assert_eq!(
        notification.contact_id.as_deref(),
        Some(contact_id.as_str())
    );
    assert_eq!(
        notification.processing_mode,
        Some(ProcessingMode::Conversation)
    );
    // A suppression list built from callbacks now holds the identity.
    let mut suppression = SuppressionList::default();
    assert!(matches!(
        suppression.apply(&callback),
        SuppressionOutcome::OptedOut(_)
    ));
    assert!(!suppression.may_message(&ConversationChannel::Viberbm, PHONE));
    assert!(suppression.may_message(&ConversationChannel::Sms, PHONE));
    // Consent is reported, nothing else: the contact is unchanged and no contact is made.
    assert_eq!(emulator.contact(&contact_id), Some(contact[0].clone()));
    assert_eq!(emulator.contact_count(), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn a_failed_opt_in_from_the_handle_carries_its_error() {
    let (emulator, receiver) = emulator_with_receiver().await;
    let injected = emulator.inject_opt_in(
        OptChange::new(ConversationChannel::Viberbm, PHONE).failed("the user blocked the bot"),
    );
    assert_eq!(injected.status, "OPT_IN_FAILED");
    assert_eq!(injected.contact_id, "");
    assert_eq!(injected.request_id.len(), 26, "{injected:?}");
    settle(&emulator).await;
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let callback = verified(&received[0]);
    let Event::OptIn(notification) = &callback.event else {
        panic!("not an OPT_IN: {:?}", callback.event)
    };
    assert_eq!(notification.status, Some(OptInStatus::OptInFailed));
    assert_eq!(
        notification
            .error_details
            .as_ref()
            .and_then(|details| details.description.as_deref()),
        Some("the user blocked the bot")
    );
    assert_eq!(
        notification.request_id.as_deref(),
        Some(injected.request_id.as_str())
    );
    assert_eq!(notification.contact_id.as_deref(), Some(""));
    // A failed opt-in changes no consent.
    assert!(!notification.succeeded());
    assert_eq!(emulator.contact_count(), 0);
}

#[tokio::test]
async fn only_webhooks_subscribed_to_the_trigger_get_it() {
    let (emulator, receiver) = emulator_with_receiver().await;
    let other = Receiver::start(&[]).await;
    emulator.register_webhook(Webhook {
        target: other.url(),
        secret: SECRET.to_owned(),
        triggers: vec![WebhookTrigger::MessageInbound],
    });
    emulator.inject_opt_out(OptChange::new(ConversationChannel::Viberbm, PHONE));
    emulator.inject_opt_in(OptChange::new(ConversationChannel::Viberbm, PHONE));
    settle(&emulator).await;
    let mut triggers: Vec<String> = receiver
        .received()
        .iter()
        .map(|received| verified(received).trigger().as_str().to_owned())
        .collect();
    triggers.sort();
    assert_eq!(triggers, ["OPT_IN", "OPT_OUT"]);
    assert!(other.received().is_empty());
}

/// The members of a notification object.
fn members(notification: &Value) -> Vec<String> {
    let mut names: Vec<String> = notification.as_object().unwrap().keys().cloned().collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_notifications_carry_every_member_of_the_real_payloads() {
    let Some(dir) = std::env::var_os("SINCH_CONFORMANCE_DIR").map(PathBuf::from) else {
        eprintln!(
            "the_notifications_carry_every_member_of_the_real_payloads: skipped, SINCH_CONFORMANCE_DIR is not set"
        );
        return;
    };
    let (emulator, receiver) = emulator_with_receiver().await;
    emulator.inject_opt_in(OptChange::new(ConversationChannel::Viberbm, PHONE).failed("no"));
    settle(&emulator).await;
    emulator.inject_opt_out(OptChange::new(ConversationChannel::Viberbm, PHONE).failed("no"));
    settle(&emulator).await;
    let received = receiver.received();
    for (file, key, sent) in [
        ("OptInEvent.json", "opt_in_notification", &received[0]),
        ("OptOutEvent.json", "opt_out_notification", &received[1]),
    ] {
        let text = std::fs::read_to_string(dir.join("dotnet-hooks").join(file)).unwrap();
        let real: Value = serde_json::from_str(&text).unwrap();
        let ours = sent.json();
        let (real, ours) = (members(&real[key]), members(&ours[key]));
        let missing: Vec<&String> = real.iter().filter(|name| !ours.contains(name)).collect();
        assert!(
            missing.is_empty(),
            "{file}: {missing:?} missing from {ours:?}"
        );
        // The one member beyond the .NET payload is `identity`, which the Java SDK has.
        let extra: Vec<&String> = ours.iter().filter(|name| !real.contains(name)).collect();
        assert_eq!(extra, ["identity"], "{file}");
    }
}
