//! Callback `accepted_time`s: microseconds like Sinch's, strictly increasing in the order the
//! changes were made, so a mirror can order any two changes to one contact.

use std::time::Duration;

use serde_json::Value;
use sinch_contacts_emulator::{DeliveryPolicy, Emulator, Webhook};
use sinch_contacts_model::{ContactPatch, WebhookTrigger};

use crate::support::{Receiver, client, id, settle, sms};

/// An emulator whose create and update callbacks go to a receiver that accepts them.
async fn watched_emulator() -> (Emulator, Receiver) {
    let emulator = Emulator::builder()
        .delivery_policy(DeliveryPolicy::new(2, Duration::from_millis(10)))
        .build();
    let receiver = Receiver::start(&[]).await;
    emulator.register_webhook(Webhook {
        target: receiver.url(),
        secret: "secret".to_owned(),
        triggers: vec![WebhookTrigger::ContactCreate, WebhookTrigger::ContactUpdate],
    });
    (emulator, receiver)
}

/// The delivered bodies, in the order the deliveries were logged.
fn bodies(emulator: &Emulator) -> Vec<Value> {
    emulator
        .deliveries()
        .iter()
        .map(|delivery| serde_json::from_str(&delivery.body).expect("a JSON body"))
        .collect()
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, checked character by character.
fn is_rfc3339_micros(text: &str) -> bool {
    let shape = "dddd-dd-ddTdd:dd:dd.ddddddZ";
    text.len() == shape.len()
        && text
            .chars()
            .zip(shape.chars())
            .all(|(got, want)| match want {
                'd' => got.is_ascii_digit(),
                other => got == other,
            })
}

fn accepted_time(body: &Value) -> String {
    body["accepted_time"]
        .as_str()
        .expect("accepted_time is a string")
        .to_owned()
}

#[test]
fn the_shape_check_accepts_sinchs_example_only() {
    assert!(is_rfc3339_micros("2020-11-17T16:05:51.724083Z"));
    assert!(!is_rfc3339_micros("2020-11-17T16:05:51.724Z"));
    assert!(!is_rfc3339_micros("2020-11-17T16:05:51.7240831Z"));
}

/// Forty updates in a row, well within a few milliseconds of each other: every callback has six
/// fractional digits and each is later than the one before (fixed-width UTC text orders like the
/// instants it names).
#[tokio::test]
async fn changes_in_quick_succession_get_strictly_increasing_microsecond_times() {
    let (emulator, _receiver) = watched_emulator().await;
    let client = client(&emulator);
    let contact = id(&client.create(&sms("+4670000001")).await.unwrap());
    for n in 0..40 {
        let patch = ContactPatch::new().display_name(format!("name {n}"));
        client.update(&contact, &patch).await.unwrap();
    }
    settle(&emulator).await;
    let times: Vec<String> = bodies(&emulator).iter().map(accepted_time).collect();
    assert_eq!(times.len(), 41);
    for time in &times {
        assert!(is_rfc3339_micros(time), "{time}");
    }
    for pair in times.windows(2) {
        assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
    }
}

/// Updates racing on four threads: all accepted times differ, and the update with the latest
/// one carries the contact as it is stored in the end, so a mirror that keeps the latest wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_updates_are_ordered_by_their_accepted_times() {
    let (emulator, _receiver) = watched_emulator().await;
    let client = client(&emulator);
    let contact = id(&client.create(&sms("+4670000002")).await.unwrap());
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let (client, contact) = (client.clone(), contact.clone());
            tokio::spawn(async move {
                for n in 0..10 {
                    let patch = ContactPatch::new().display_name(format!("task {task} #{n}"));
                    client.update(&contact, &patch).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    settle(&emulator).await;
    let updates: Vec<Value> = bodies(&emulator)
        .into_iter()
        .filter(|body| body.get("contact_update_notification").is_some())
        .collect();
    assert_eq!(updates.len(), 80);
    let mut times: Vec<String> = updates.iter().map(accepted_time).collect();
    times.sort();
    times.dedup();
    assert_eq!(times.len(), 80, "every accepted time is distinct");
    let latest = updates
        .iter()
        .max_by_key(|body| accepted_time(body))
        .unwrap();
    let stored = client.get(&contact).await.unwrap();
    assert_eq!(
        latest["contact_update_notification"]["contact"]["display_name"],
        Value::from(stored.display_name.unwrap())
    );
}
