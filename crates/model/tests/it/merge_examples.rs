//! Examples of the merge decisions where the documents are silent (see `docs/merge-rules.md`).

use serde_json::json;
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactLanguage, ConversationChannel, ConversationMove,
    ConversationRef, RawJson, merge_contacts, plan_conversation_merge,
};

fn contact(id: Option<&str>, identities: &[(ConversationChannel, &str, Option<&str>)]) -> Contact {
    let mut contact = Contact::default();
    contact.id = id.map(str::to_owned);
    contact.channel_identities = identities
        .iter()
        .map(|(channel, identity, app_id)| {
            let mut channel_identity = ChannelIdentity::new(channel.clone(), *identity);
            channel_identity.app_id = app_id.map(str::to_owned);
            channel_identity
        })
        .collect();
    contact
}

#[test]
fn whitespace_only_text_is_not_empty() {
    let mut destination = contact(Some("d"), &[]);
    destination.display_name = Some(" ".to_owned());
    destination.email = Some(String::new());
    let mut source = contact(Some("s"), &[]);
    source.display_name = Some("Ada".to_owned());
    source.email = Some("ada@example.com".to_owned());
    let merged = merge_contacts(destination, source).unwrap();
    assert_eq!(merged.contact.display_name.as_deref(), Some(" "));
    assert_eq!(merged.contact.email.as_deref(), Some("ada@example.com"));
    assert_eq!(merged.copied_fields, ["email"]);
}

#[test]
fn an_unspecified_language_is_empty_and_an_empty_source_copies_nothing() {
    let mut destination = contact(Some("d"), &[]);
    destination.language = Some(ContactLanguage::Unspecified);
    let mut source = contact(Some("s"), &[]);
    source.language = Some(ContactLanguage::Zu);
    let merged = merge_contacts(destination, source).unwrap();
    assert_eq!(merged.contact.language, Some(ContactLanguage::Zu));

    let mut destination = contact(Some("d"), &[]);
    destination.language = None;
    let mut source = contact(Some("s"), &[]);
    source.language = Some(ContactLanguage::Unspecified);
    source.metadata = Some(String::new());
    let merged = merge_contacts(destination, source).unwrap();
    assert_eq!(merged.contact.language, None);
    assert_eq!(merged.contact.metadata, None);
    assert!(merged.copied_fields.is_empty());
}

#[test]
fn unknown_members_follow_the_empty_field_rule() {
    let mut destination = contact(Some("d"), &[]);
    let mut source = contact(Some("s"), &[]);
    for (name, value) in [
        ("a", json!(null)),
        ("b", json!("")),
        ("c", json!(0)),
        ("d", json!("kept")),
    ] {
        destination
            .additional_properties
            .insert(name.to_owned(), RawJson::from_value(&value).unwrap());
    }
    for (name, value) in [
        ("a", json!("x")),
        ("b", json!([])),
        ("c", json!(1)),
        ("d", json!("lost")),
        ("e", json!(false)),
        ("f", json!(null)),
    ] {
        source
            .additional_properties
            .insert(name.to_owned(), RawJson::from_value(&value).unwrap());
    }
    let merged = merge_contacts(destination, source).unwrap();
    assert_eq!(
        serde_json::to_value(&merged.contact.additional_properties).unwrap(),
        json!({"a": "x", "b": [], "c": 0, "d": "kept", "e": false})
    );
    assert_eq!(merged.copied_fields, ["a", "b", "e"]);
}

#[test]
fn every_source_identity_on_a_lacking_channel_moves_even_several_per_channel() {
    let destination = contact(Some("d"), &[(ConversationChannel::Sms, "+1", None)]);
    let source = contact(
        Some("s"),
        &[
            (ConversationChannel::Messenger, "psid-1", Some("app1")),
            (ConversationChannel::Sms, "+2", None),
            (ConversationChannel::Messenger, "psid-2", Some("app2")),
        ],
    );
    let merged = merge_contacts(destination, source).unwrap();
    let moved: Vec<_> = merged
        .moved_identities
        .iter()
        .map(|identity| identity.identity.as_str())
        .collect();
    assert_eq!(moved, ["psid-1", "psid-2"]);
    // The moved channel is appended once; the destination's unlisted SMS is not added.
    assert_eq!(
        merged.contact.channel_priority,
        [ConversationChannel::Messenger]
    );
}

#[test]
fn identities_and_priority_never_follow_the_empty_field_rule() {
    let destination = contact(Some("d"), &[]);
    let mut source = contact(Some("s"), &[]);
    source.channel_priority = vec![ConversationChannel::Whatsapp];
    let merged = merge_contacts(destination, source).unwrap();
    assert!(merged.contact.channel_priority.is_empty());
    assert!(merged.contact.channel_identities.is_empty());
}

#[test]
fn the_priority_list_is_kept_as_it_is_when_nothing_moves() {
    let mut destination = contact(
        Some("d"),
        &[
            (ConversationChannel::Sms, "+1", None),
            (ConversationChannel::Whatsapp, "+1", None),
        ],
    );
    destination.channel_priority = vec![
        ConversationChannel::Whatsapp,
        ConversationChannel::Telegram,
        ConversationChannel::Whatsapp,
    ];
    let source = contact(Some("s"), &[(ConversationChannel::Sms, "+2", None)]);
    let merged = merge_contacts(destination, source).unwrap();
    assert_eq!(
        merged.contact.channel_priority,
        [
            ConversationChannel::Whatsapp,
            ConversationChannel::Telegram,
            ConversationChannel::Whatsapp
        ]
    );
}

#[test]
fn moved_channels_are_appended_in_source_order_and_unlisted_own_channels_are_not_added() {
    let mut destination = contact(
        Some("d"),
        &[
            (ConversationChannel::Sms, "+1", None),
            (ConversationChannel::Rcs, "+1", None),
            (ConversationChannel::Whatsapp, "+1", None),
        ],
    );
    destination.channel_priority = vec![ConversationChannel::Whatsapp, ConversationChannel::Sms];
    let source = contact(
        Some("s"),
        &[
            (ConversationChannel::Telegram, "t", None),
            (ConversationChannel::Viber, "+2", None),
            (ConversationChannel::Telegram, "t2", None),
        ],
    );
    let merged = merge_contacts(destination, source).unwrap();
    assert_eq!(
        merged.contact.channel_priority,
        [
            ConversationChannel::Whatsapp,
            ConversationChannel::Sms,
            ConversationChannel::Telegram,
            ConversationChannel::Viber,
        ]
    );
}

#[test]
fn a_moved_channel_already_in_the_priority_list_keeps_its_place() {
    let mut destination = contact(Some("d"), &[(ConversationChannel::Sms, "+1", None)]);
    destination.channel_priority = vec![ConversationChannel::Rcs, ConversationChannel::Sms];
    let source = contact(
        Some("s"),
        &[
            (ConversationChannel::Rcs, "+2", None),
            (ConversationChannel::Mms, "+2", None),
        ],
    );
    let merged = merge_contacts(destination, source).unwrap();
    assert_eq!(merged.moved_identities.len(), 2);
    assert_eq!(
        merged.contact.channel_priority,
        [
            ConversationChannel::Rcs,
            ConversationChannel::Sms,
            ConversationChannel::Mms
        ]
    );
}

#[test]
fn contacts_without_ids_merge() {
    let destination = contact(None, &[]);
    let source = contact(None, &[(ConversationChannel::Sms, "+1", None)]);
    let merged = merge_contacts(destination, source).unwrap();
    assert_eq!(merged.removed_source_id, None);
    assert_eq!(merged.contact.channel_identities.len(), 1);
}

#[test]
fn source_conversations_fold_only_into_an_active_destination_conversation_of_the_same_app() {
    let conversation = |id: &str, app_id: &str, active: bool| ConversationRef {
        id: id.to_owned(),
        app_id: app_id.to_owned(),
        active,
    };
    let destination = [
        conversation("d-old", "app1", false),
        conversation("d-active", "app1", true),
        conversation("d-inactive", "app2", false),
    ];
    let source = [
        conversation("s1", "app1", false),
        conversation("s2", "app2", true),
        conversation("s3", "app3", true),
    ];
    assert_eq!(
        plan_conversation_merge(&destination, &source),
        [
            ConversationMove::FoldInto {
                conversation_id: "s1".to_owned(),
                into: "d-active".to_owned()
            },
            ConversationMove::Reassign {
                conversation_id: "s2".to_owned()
            },
            ConversationMove::Reassign {
                conversation_id: "s3".to_owned()
            },
        ]
    );
}
