//! A contact read and written back loses nothing.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use sinch_contacts_model::{Contact, ContactLanguage, ConversationChannel};

use crate::strategies::{
    CONTACT_MEMBERS, IDENTITY_MEMBERS, channel_identity, contact, extra_members, extra_value,
};

/// A contact as JSON as a server could send it: declared members with non-empty values (a null
/// or empty list is not written back), enum strings known or not, and unknown members anywhere.
fn contact_json() -> impl Strategy<Value = Value> {
    let enum_text = |values: &'static [&'static str]| {
        prop_oneof![
            prop::sample::select(values).prop_map(str::to_owned),
            "[A-Z_]{1,6}"
        ]
    };
    let identity = (
        enum_text(ConversationChannel::VALUES),
        ".{0,4}",
        proptest::option::of(".{0,4}"),
        extra_members(IDENTITY_MEMBERS),
    )
        .prop_map(|(channel, identity, app_id, extra)| {
            let mut object = extra;
            object.insert("channel".to_owned(), json!(channel));
            object.insert("identity".to_owned(), json!(identity));
            if let Some(app_id) = app_id {
                object.insert("app_id".to_owned(), json!(app_id));
            }
            Value::Object(object)
        });
    (
        btree_map(
            prop::sample::select(vec![
                "id",
                "display_name",
                "email",
                "external_id",
                "metadata",
            ]),
            ".{0,6}",
            0..5,
        ),
        proptest::option::of(enum_text(ContactLanguage::VALUES)),
        vec(identity, 0..3),
        vec(enum_text(ConversationChannel::VALUES), 0..3),
        btree_map("[a-z_]{1,8}", extra_value(), 0..4),
    )
        .prop_map(|(texts, language, identities, priority, extra)| {
            let mut object: Map<String, Value> = extra
                .into_iter()
                .filter(|(name, _)| !CONTACT_MEMBERS.contains(&name.as_str()))
                .collect();
            for (name, text) in texts {
                object.insert(name.to_owned(), json!(text));
            }
            if let Some(language) = language {
                object.insert("language".to_owned(), json!(language));
            }
            if !identities.is_empty() {
                object.insert("channel_identities".to_owned(), Value::Array(identities));
            }
            if !priority.is_empty() {
                object.insert("channel_priority".to_owned(), json!(priority));
            }
            Value::Object(object)
        })
}

proptest! {
    #[test]
    fn a_contact_serializes_and_deserializes_to_an_equal_value(
        contact in contact(),
        id in proptest::option::of("[A-Z0-9]{0,6}"),
    ) {
        let mut contact = contact;
        contact.id = id;
        let text = serde_json::to_string(&contact).unwrap();
        let back: Contact = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back, contact);
    }

    #[test]
    fn a_channel_identity_serializes_and_deserializes_to_an_equal_value(identity in channel_identity()) {
        let text = serde_json::to_string(&identity).unwrap();
        prop_assert_eq!(serde_json::from_str::<sinch_contacts_model::ChannelIdentity>(&text).unwrap(), identity);
    }

    #[test]
    fn contact_json_with_unknown_members_reads_and_writes_back_unchanged(value in contact_json()) {
        let contact: Contact = serde_json::from_value(value.clone()).unwrap();
        prop_assert_eq!(serde_json::to_value(&contact).unwrap(), value);
    }
}

#[test]
fn null_lists_and_null_options_read_as_empty() {
    let contact: Contact = serde_json::from_value(json!({
        "channel_identities": null, "channel_priority": null, "display_name": null, "language": null
    }))
    .unwrap();
    assert_eq!(contact, Contact::default());
}
