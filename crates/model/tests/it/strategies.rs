//! Generators of model values. Channels, identities and app ids come from small pools so that
//! collisions (the interesting cases of merges and duplicates) happen often; open enums also
//! produce values this version does not know.

use std::collections::BTreeMap;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Map, Value};
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactLanguage, ConversationChannel, RawJson,
};

/// Known channels (with app-scoped and SIM-based ones) plus a few values this version does not know.
pub fn channel() -> impl Strategy<Value = ConversationChannel> {
    prop_oneof![
        8 => prop::sample::select(vec![
            ConversationChannel::Sms,
            ConversationChannel::Mms,
            ConversationChannel::Rcs,
            ConversationChannel::Whatsapp,
            ConversationChannel::Messenger,
            ConversationChannel::Instagram,
            ConversationChannel::Telegram,
        ]),
        1 => "NEW_[A-B]".prop_map(ConversationChannel::from),
    ]
}

/// An app-scoped channel.
pub fn app_scoped_channel() -> impl Strategy<Value = ConversationChannel> {
    prop::sample::select(vec![
        ConversationChannel::Messenger,
        ConversationChannel::Instagram,
        ConversationChannel::Line,
        ConversationChannel::Wechat,
    ])
}

/// A channel that is not app-scoped.
pub fn unscoped_channel() -> impl Strategy<Value = ConversationChannel> {
    channel().prop_filter("not app-scoped", |channel| !channel.is_app_scoped())
}

/// Identity values from a small pool.
pub fn identity_value() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["+1", "+2", "+3", "x"]).prop_map(str::to_owned)
}

/// `app_id`: absent, empty or one of two apps.
pub fn app_id() -> impl Strategy<Value = Option<String>> {
    prop::sample::select(vec![None, Some(""), Some("app1"), Some("app2")])
        .prop_map(|app_id| app_id.map(str::to_owned))
}

/// JSON values for unknown members: `null`, `""` (both empty for a merge) and others.
pub fn extra_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        Just(Value::String(String::new())),
        "[a-z ]{1,4}".prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        Just(serde_json::json!(1.5)),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(Value::Array),
            btree_map("[a-z]{1,3}", inner, 0..3)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// Unknown members whose names never clash with the declared members of `declared`.
pub fn extra_members(
    declared: &'static [&'static str],
) -> impl Strategy<Value = Map<String, Value>> {
    btree_map(
        prop::sample::select(vec!["nickname", "tier", "x_future", "labels"])
            .prop_filter("undeclared", move |name| !declared.contains(name))
            .prop_map(str::to_owned),
        extra_value(),
        0..3,
    )
    .prop_map(|members| members.into_iter().collect())
}

/// Unknown members as a model type keeps them: the JSON text of each value.
pub fn raw_members(members: Map<String, Value>) -> BTreeMap<String, RawJson> {
    members
        .into_iter()
        .map(|(name, value)| {
            let raw = RawJson::from_text(value.to_string()).expect("a Value writes valid JSON");
            (name, raw)
        })
        .collect()
}

/// The declared members of a contact.
pub const CONTACT_MEMBERS: &[&str] = &[
    "id",
    "channel_identities",
    "channel_priority",
    "display_name",
    "email",
    "external_id",
    "language",
    "metadata",
];

/// The declared members of a channel identity.
pub const IDENTITY_MEMBERS: &[&str] = &["channel", "identity", "app_id"];

/// A channel identity, sometimes with unknown members.
pub fn channel_identity() -> impl Strategy<Value = ChannelIdentity> {
    (
        channel(),
        identity_value(),
        app_id(),
        prop_oneof![4 => Just(Map::new()), 1 => extra_members(IDENTITY_MEMBERS)],
    )
        .prop_map(|(channel, identity, app_id, extra)| {
            let mut channel_identity = ChannelIdentity::new(channel, identity);
            channel_identity.app_id = app_id;
            channel_identity.additional_properties = raw_members(extra);
            channel_identity
        })
}

/// Optional text: absent, empty, whitespace-only (not empty) or a word.
pub fn optional_text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        Just(Some(" ".to_owned())),
        "[a-z]{1,4}".prop_map(Some),
    ]
}

/// A language: absent, `UNSPECIFIED`, known, or not known to this version.
pub fn language() -> impl Strategy<Value = Option<ContactLanguage>> {
    prop_oneof![
        Just(None),
        Just(Some(ContactLanguage::Unspecified)),
        prop::sample::select(ContactLanguage::VALUES)
            .prop_map(|value| Some(ContactLanguage::from(value))),
        "[a-z]{2}_X".prop_map(|value| Some(ContactLanguage::from(value))),
    ]
}

/// A contact without id (tests set ids); lists are short so channels repeat.
pub fn contact() -> impl Strategy<Value = Contact> {
    (
        vec(channel_identity(), 0..5),
        vec(channel(), 0..4),
        (
            optional_text(),
            optional_text(),
            optional_text(),
            optional_text(),
        ),
        language(),
        extra_members(CONTACT_MEMBERS),
    )
        .prop_map(
            |(
                identities,
                priority,
                (display_name, email, external_id, metadata),
                language,
                extra,
            )| {
                let mut contact = Contact::default();
                contact.channel_identities = identities;
                contact.channel_priority = priority;
                contact.display_name = display_name;
                contact.email = email;
                contact.external_id = external_id;
                contact.metadata = metadata;
                contact.language = language;
                contact.additional_properties = raw_members(extra);
                contact
            },
        )
}

/// A contact with the given id.
pub fn contact_with_id(id: &'static str) -> impl Strategy<Value = Contact> {
    contact().prop_map(move |mut contact| {
        contact.id = Some(id.to_owned());
        contact
    })
}
