//! Every callback file of the conformance directory parses to its typed event.

use sinch_contacts_callbacks::{Event, Trigger, parse_unverified};

use crate::support::{conformance_callbacks, conformance_dir};

/// The trigger a notification key stands for, by the official contract and the seed documents.
/// This table is the test's own oracle, written from the fact sheet, not from the parser.
fn trigger_of_key(key: &str) -> Option<Trigger> {
    Some(match key {
        "message" => Trigger::MessageInbound,
        "message_redaction" => Trigger::MessageInboundSmartConversationRedaction,
        "message_submit_notification" => Trigger::MessageSubmit,
        "message_delivery_report" => Trigger::MessageDelivery,
        "event" => Trigger::EventInbound,
        "event_delivery_report" => Trigger::EventDelivery,
        "conversation_start_notification" => Trigger::ConversationStart,
        "conversation_stop_notification" => Trigger::ConversationStop,
        "conversation_delete_notification" => Trigger::ConversationDelete,
        "contact_create_notification" => Trigger::ContactCreate,
        "contact_update_notification" => Trigger::ContactUpdate,
        "contact_delete_notification" => Trigger::ContactDelete,
        "contact_merge_notification" => Trigger::ContactMerge,
        "duplicated_contact_identities_notification" | "duplicated_identities_notification" => {
            Trigger::ContactIdentitiesDuplication
        }
        "capability_notification" => Trigger::Capability,
        "opt_in_notification" => Trigger::OptIn,
        "opt_out_notification" => Trigger::OptOut,
        "channel_event_notification" => Trigger::ChannelEvent,
        "unsupported_callback" => Trigger::Unsupported,
        "smart_conversation_notification" => Trigger::SmartConversation,
        "record_notification" => Trigger::RecordNotification,
        _ => return None,
    })
}

#[test]
fn every_conformance_callback_parses_to_its_typed_event() {
    let Some(dir) = conformance_dir("every_conformance_callback_parses_to_its_typed_event") else {
        return;
    };
    let files = conformance_callbacks(&dir);
    assert!(
        !files.is_empty(),
        "no callback files under {}",
        dir.display()
    );
    for (name, body) in files {
        let callback = parse_unverified(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let expected = json
            .as_object()
            .into_iter()
            .flat_map(|object| object.keys())
            .find_map(|key| trigger_of_key(key));
        match expected {
            Some(trigger) => {
                assert!(!callback.event.is_unknown(), "{name} parsed as Unknown");
                assert_eq!(callback.trigger(), trigger, "{name}");
            }
            None => assert!(
                callback.event.is_unknown(),
                "{name}: no known key, yet typed"
            ),
        }
        let reparsed = parse_unverified(&serde_json::to_vec(&callback).unwrap()).unwrap();
        assert_eq!(
            reparsed, callback,
            "{name}: serialize then parse changed the callback"
        );
    }
}

#[test]
fn conformance_details_come_through_typed() {
    let Some(dir) = conformance_dir("conformance_details_come_through_typed") else {
        return;
    };
    // Every value is compared with the payload's own JSON, so the checks hold for any payload of
    // the kind; a conformance set without one of these files skips that check.
    let read = |name: &str| {
        let path = dir.join("dotnet-hooks").join(name);
        match std::fs::read(&path) {
            Ok(body) => Some((
                parse_unverified(&body).unwrap(),
                serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
            )),
            Err(_) => {
                eprintln!("{}: not present, check skipped", path.display());
                None
            }
        }
    };

    if let Some((merge, json)) = read("ContactMergeEvent.json") {
        let Event::ContactMerge(merge) = merge.event else {
            panic!("not a merge")
        };
        let raw = &json["contact_merge_notification"];
        assert_eq!(
            merge.deleted_contact_id(),
            raw["deleted_contact"]["id"]
                .as_str()
                .or(raw["deleted_contact_id"].as_str())
        );
        assert_eq!(
            merge.preserved_contact.id.as_deref(),
            raw["preserved_contact"]["id"].as_str()
        );
        assert_eq!(
            merge.deleted_contact.channel_identities.len(),
            raw["deleted_contact"]["channel_identities"]
                .as_array()
                .map_or(0, Vec::len)
        );
    }

    if let Some((auth, json)) = read("WebhooksAuthValidation.json") {
        assert_eq!(
            auth.accepted_time.is_some(),
            json.get("accepted_time").is_some()
        );
        assert_eq!(auth.event_time.is_some(), json.get("event_time").is_some());
    }

    if let Some((inbound, json)) = read("MessageInboundEvent.json") {
        let Event::MessageInbound(message) = &inbound.event else {
            panic!("not inbound")
        };
        let raw = &json["message"]["contact_message"];
        assert_eq!(message.text(), raw["text_message"]["text"].as_str());
        assert_eq!(
            message
                .contact_message
                .as_ref()
                .and_then(|content| content.reply_to.as_ref())
                .and_then(|reply| reply.message_id.as_deref()),
            raw["reply_to"]["message_id"].as_str()
        );
    }

    if let Some((dup, json)) = read("ContactIdentitiesDuplicationEvent.json") {
        let Event::ContactIdentitiesDuplication(dup) = dup.event else {
            panic!("not duplication")
        };
        let raw = &json["duplicated_contact_identities_notification"]["duplicated_identities"];
        assert_eq!(
            dup.duplicated_identities.len(),
            raw.as_array().map_or(0, Vec::len)
        );
        for (typed, raw) in dup
            .duplicated_identities
            .iter()
            .zip(raw.as_array().into_iter().flatten())
        {
            assert_eq!(
                typed.contact_ids.len(),
                raw["contact_ids"].as_array().map_or(0, Vec::len)
            );
        }
    }
}
