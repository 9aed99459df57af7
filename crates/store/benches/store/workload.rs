//! The deliveries the benchmark applies: every body distinct, each writing one row.
//!
//! A third are STOP keywords from distinct SMS identities (a consent row each), a third create
//! distinct contacts, and a third update the contact created just before (a later time and a
//! new name), so no delivery is a redelivery and every one writes. Beside each delivery, the
//! row it writes, for the anchors, which run the same SQL without this crate.

use sinch_contacts_callbacks::store::DeliveryId;
use sinch_contacts_callbacks::{Callback, parse_unverified};

/// The row one delivery writes, as the anchors write it.
#[derive(Debug, Clone)]
pub enum Row {
    /// `consents`: channel SMS, this identity, opted out at this time, by keyword.
    Consent { identity: String, at: String },
    /// `contacts`: this id, live, this JSON, as of this time.
    Contact {
        id: String,
        json: String,
        at: String,
    },
}

/// One delivery and the row it writes.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: DeliveryId,
    pub callback: Callback,
    pub trigger: &'static str,
    pub row: Row,
}

fn at(second: usize) -> String {
    format!(
        "2024-01-{:02}T{:02}:{:02}:{:02}Z",
        1 + second / 86_400,
        (second / 3600) % 24,
        (second / 60) % 60,
        second % 60
    )
}

/// `count` deliveries whose ids and identities all start with `salt`.
pub fn workload(salt: &str, count: usize) -> Vec<Item> {
    (0..count)
        .map(|i| {
            let time = at(i % (28 * 86_400));
            let (body, trigger, row) = match i % 3 {
                0 => {
                    let identity = format!("{salt}{i:09}");
                    (
                        format!(
                            r#"{{"app_id":"bench","project_id":"p","accepted_time":"{time}","message":{{"channel_identity":{{"channel":"SMS","identity":"{identity}"}},"contact_message":{{"text_message":{{"text":"STOP"}}}}}}}}"#
                        ),
                        "MESSAGE_INBOUND",
                        Row::Consent { identity, at: time },
                    )
                }
                phase => {
                    let (id, key, name) = if phase == 1 {
                        (format!("{salt}-c{i}"), "contact_create_notification", "Ann")
                    } else {
                        (format!("{salt}-c{}", i - 1), "contact_update_notification", "Bea")
                    };
                    let contact = format!(
                        r#"{{"id":"{id}","display_name":"{name} {i}","channel_identities":[{{"channel":"SMS","identity":"+46{i:09}"}}],"language":"EN_US"}}"#
                    );
                    (
                        format!(
                            r#"{{"app_id":"bench","project_id":"p","accepted_time":"{time}","{key}":{{"contact":{contact}}}}}"#
                        ),
                        if phase == 1 {
                            "CONTACT_CREATE"
                        } else {
                            "CONTACT_UPDATE"
                        },
                        Row::Contact {
                            id,
                            json: contact,
                            at: time,
                        },
                    )
                }
            };
            Item {
                id: DeliveryId::of_body(body.as_bytes()),
                callback: parse_unverified(body.as_bytes()).expect("the bench body parses"),
                trigger,
                row,
            }
        })
        .collect()
}
