//! Every callback file of the conformance directory parses to its typed event.

use sinch_contacts_callbacks::{Event, Trigger, parse_unverified};

use crate::support::{conformance_dir, json_files};

fn expected_trigger(file: &str) -> Trigger {
    match file {
        "CapabilityEvent.json" => Trigger::Capability,
        "ChannelEvent.json" => Trigger::ChannelEvent,
        "ContactCreateEvent.json" => Trigger::ContactCreate,
        "ContactDeleteEvent.json" => Trigger::ContactDelete,
        "ContactIdentitiesDuplicationEvent.json" => Trigger::ContactIdentitiesDuplication,
        "ContactMergeEvent.json" => Trigger::ContactMerge,
        "ContactUpdateEvent.json" => Trigger::ContactUpdate,
        "ConversationDeleteEvent.json" => Trigger::ConversationDelete,
        "ConversationStartEvent.json" => Trigger::ConversationStart,
        "ConversationStopEvent.json" => Trigger::ConversationStop,
        "EventDeliveryReportEvent.json" => Trigger::EventDelivery,
        "InboundContactEvent.json" | "InboundContactMessageEvent.json" => Trigger::EventInbound,
        "MessageDeliveryReceiptEvent.json" => Trigger::MessageDelivery,
        "MessageInboundEvent.json" => Trigger::MessageInbound,
        "MessageInboundSmartConversationRedactionEvent.json" => {
            Trigger::MessageInboundSmartConversationRedaction
        }
        "MessageSubmitEvent.json" => Trigger::MessageSubmit,
        "OptInEvent.json" => Trigger::OptIn,
        "OptOutEvent.json" => Trigger::OptOut,
        "SmartConversationsEvent.json" => Trigger::SmartConversation,
        "UnsupportedCallbackEvent.json" => Trigger::Unsupported,
        "WebhooksAuthValidation.json" => Trigger::EventInbound,
        other => panic!("no expected trigger for conformance file {other}; add it here"),
    }
}

#[test]
fn every_conformance_callback_parses_to_its_typed_event() {
    let Some(dir) = conformance_dir("every_conformance_callback_parses_to_its_typed_event") else {
        return;
    };
    let files = json_files(&dir.join("dotnet-hooks"));
    assert!(
        files.len() >= 22,
        "expected the 22 conformance callbacks, found {}",
        files.len()
    );
    for (name, body) in files {
        let callback = parse_unverified(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!callback.event.is_unknown(), "{name} parsed as Unknown");
        assert_eq!(callback.trigger(), expected_trigger(&name), "{name}");
        assert!(
            callback.unrecognized_fields.is_empty(),
            "{name}: {:?}",
            callback.unrecognized_fields
        );
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
    let read = |name: &str| {
        parse_unverified(&std::fs::read(dir.join("dotnet-hooks").join(name)).unwrap()).unwrap()
    };

    let merge = read("ContactMergeEvent.json");
    let Event::ContactMerge(merge) = merge.event else {
        panic!("not a merge")
    };
    assert_eq!(merge.deleted_contact_id(), Some("my created contact ID"));
    assert_eq!(merge.deleted_contact.channel_identities.len(), 2);
    assert_eq!(merge.preserved_contact.id.as_deref(), Some("a contact id"));

    let auth = read("WebhooksAuthValidation.json");
    assert_eq!(auth.accepted_time, None);
    assert_eq!(auth.event_time.unwrap().nanos(), 379_863_404);

    let inbound = read("MessageInboundEvent.json");
    let Event::MessageInbound(message) = &inbound.event else {
        panic!("not inbound")
    };
    assert_eq!(message.text(), Some("This is a text message."));
    let reply = message
        .contact_message
        .as_ref()
        .unwrap()
        .reply_to
        .as_ref()
        .unwrap();
    assert_eq!(reply.message_id.as_deref(), Some("message id value"));

    let dup = read("ContactIdentitiesDuplicationEvent.json");
    let Event::ContactIdentitiesDuplication(dup) = dup.event else {
        panic!("not duplication")
    };
    assert_eq!(dup.duplicated_identities[0].contact_ids.len(), 2);
}
