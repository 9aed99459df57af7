//! The built-in callback bodies of `callbacks trigger`, one per trigger the callbacks crate
//! types (the test below checks the list against the crate's).
//!
//! Each body has the official contract shape of its trigger, as real deliveries have it (the
//! conformance bodies of the official .NET SDK and the payloads of the Sinch documentation): the
//! same app, project, contact "Ada Lovelace" (SMS and WhatsApp on one number) and conversation
//! throughout, so that a receiver's mirror and suppression list follow a sequence of triggers.

use serde_json::Value;

/// A built-in callback body.
#[derive(Debug)]
pub struct Fixture {
    /// The trigger, as the API names it (`CONTACT_CREATE`).
    pub trigger: &'static str,
    /// One line saying what the body tells.
    pub description: &'static str,
    body: &'static str,
}

macro_rules! fixture {
    ($trigger:literal, $file:literal, $description:literal) => {
        Fixture {
            trigger: $trigger,
            description: $description,
            body: include_str!(concat!("fixtures/", $file, ".json")),
        }
    };
}

/// Every built-in body, in the order `--list` prints them.
pub const FIXTURES: &[Fixture] = &[
    fixture!(
        "CONTACT_CREATE",
        "contact_create",
        "a contact was created: Ada Lovelace, SMS and WhatsApp on one number"
    ),
    fixture!(
        "CONTACT_UPDATE",
        "contact_update",
        "the contact's email and metadata changed"
    ),
    fixture!(
        "CONTACT_DELETE",
        "contact_delete",
        "the contact was deleted"
    ),
    fixture!(
        "CONTACT_MERGE",
        "contact_merge",
        "a duplicate contact was merged into Ada's, bringing its Messenger identity"
    ),
    fixture!(
        "CONTACT_IDENTITIES_DUPLICATION",
        "contact_identities_duplication",
        "the same SMS number was found on two contacts"
    ),
    fixture!(
        "OPT_IN",
        "opt_in",
        "the contact opted in on Viber Business Messages (native opt-in)"
    ),
    fixture!(
        "OPT_OUT",
        "opt_out",
        "the contact opted out on Viber Business Messages (native opt-out)"
    ),
    fixture!(
        "CAPABILITY",
        "capability",
        "a capability query's result: the WhatsApp number is fully reachable"
    ),
    fixture!(
        "MESSAGE_INBOUND",
        "message_inbound",
        "the contact texted STOP by SMS (a keyword opt-out)"
    ),
    fixture!(
        "MESSAGE_DELIVERY",
        "message_delivery",
        "an app message was delivered to the contact's phone by SMS"
    ),
    fixture!(
        "MESSAGE_SUBMIT",
        "message_submit",
        "an app message was submitted to the SMS channel"
    ),
    fixture!(
        "EVENT_INBOUND",
        "event_inbound",
        "the contact is typing (an RCS composing event)"
    ),
    fixture!(
        "EVENT_DELIVERY",
        "event_delivery",
        "an app event was delivered by RCS"
    ),
    fixture!(
        "CONVERSATION_START",
        "conversation_start",
        "a conversation with the contact started on SMS"
    ),
    fixture!(
        "CONVERSATION_STOP",
        "conversation_stop",
        "the conversation was stopped"
    ),
    fixture!(
        "CONVERSATION_DELETE",
        "conversation_delete",
        "the conversation was deleted"
    ),
    fixture!(
        "CHANNEL_EVENT",
        "channel_event",
        "the WhatsApp quality rating of the sender changed"
    ),
    fixture!(
        "UNSUPPORTED",
        "unsupported",
        "a Messenger callback the API does not support, passed on as is"
    ),
    fixture!(
        "SMART_CONVERSATION",
        "smart_conversation",
        "Smart Conversations found the contact's message negative"
    ),
    fixture!(
        "MESSAGE_INBOUND_SMART_CONVERSATION_REDACTION",
        "message_inbound_smart_conversation_redaction",
        "a contact message with personal data masked"
    ),
    fixture!(
        "RECORD_NOTIFICATION",
        "record_notification",
        "an event record was stored"
    ),
];

/// The fixture of `trigger` (case-insensitive).
pub fn find(trigger: &str) -> Option<&'static Fixture> {
    FIXTURES
        .iter()
        .find(|fixture| fixture.trigger.eq_ignore_ascii_case(trigger))
}

impl Fixture {
    /// The body as JSON.
    pub fn body(&self) -> Value {
        serde_json::from_str(self.body).expect("the built-in fixtures are JSON (tested)")
    }

    /// The top-level key holding the notification (`contact_create_notification`).
    pub fn notification_key(&self) -> &'static str {
        sinch_contacts_callbacks::Trigger::from(self.trigger)
            .notification_key()
            .expect("every fixture's trigger has a notification key (tested)")
    }
}

/// Sets the times of `body` to `now` (RFC 3339): the envelope's `accepted_time` and
/// `event_time`, and the notification's `accept_time`, where they are. A body sent twice is
/// then two deliveries, not a redelivery of the same bytes.
pub fn stamp(body: &mut Value, notification_key: &str, now: &str) {
    let Some(envelope) = body.as_object_mut() else {
        return;
    };
    for key in ["accepted_time", "event_time"] {
        if let Some(value) = envelope.get_mut(key) {
            *value = Value::String(now.to_owned());
        }
    }
    if let Some(value) = envelope
        .get_mut(notification_key)
        .and_then(Value::as_object_mut)
        .and_then(|notification| notification.get_mut("accept_time"))
    {
        *value = Value::String(now.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use sinch_contacts_callbacks::{Trigger, parse_unverified};

    use super::*;

    /// Every trigger the callbacks crate types: those whose notification key it knows.
    fn typed_triggers() -> BTreeSet<&'static str> {
        Trigger::VALUES
            .iter()
            .copied()
            .filter(|name| Trigger::from(*name).notification_key().is_some())
            .collect()
    }

    #[test]
    fn there_is_one_fixture_per_trigger_the_crate_types() {
        let fixtures: Vec<&str> = FIXTURES.iter().map(|fixture| fixture.trigger).collect();
        let unique: BTreeSet<&str> = fixtures.iter().copied().collect();
        assert_eq!(
            unique.len(),
            fixtures.len(),
            "a trigger twice: {fixtures:?}"
        );
        assert_eq!(unique, typed_triggers());
        assert_eq!(FIXTURES.len(), 21);
    }

    #[test]
    fn each_fixture_parses_as_its_trigger_and_round_trips() {
        for fixture in FIXTURES {
            let mut body = fixture.body();
            stamp(
                &mut body,
                fixture.notification_key(),
                "2025-01-02T03:04:05.678Z",
            );
            let bytes = serde_json::to_vec(&body).unwrap();
            let callback = parse_unverified(&bytes)
                .unwrap_or_else(|error| panic!("{}: {error}", fixture.trigger));
            assert_eq!(callback.trigger().as_str(), fixture.trigger);
            assert!(!callback.event.is_unknown(), "{}", fixture.trigger);
            assert!(
                callback.unrecognized_fields.is_empty(),
                "{}: {:?}",
                fixture.trigger,
                callback.unrecognized_fields
            );
            assert_eq!(
                callback.accepted_time.map(|time| time.to_string()),
                Some("2025-01-02T03:04:05.678Z".to_owned()),
                "{}",
                fixture.trigger
            );
            assert_eq!(callback.project_id, "6bb8c1a2-4e0d-4f57-9c3a-2d1e7f0b9a11");
        }
    }

    #[test]
    fn names_are_found_whatever_their_case() {
        assert_eq!(find("contact_create").unwrap().trigger, "CONTACT_CREATE");
        assert_eq!(find("Opt_Out").unwrap().trigger, "OPT_OUT");
        assert!(find("CONTACT").is_none());
    }
}
