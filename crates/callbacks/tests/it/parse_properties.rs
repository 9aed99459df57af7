//! Properties: parse never panics, and serialize-then-parse gives the same callback.

use proptest::prelude::*;
use sinch_contacts_callbacks::parse_unverified;

pub(crate) fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        (-1.0e9f64..1.0e9).prop_map(serde_json::Value::from),
        prop_oneof![
            "[a-zA-Z0-9 _:.+-]{0,12}",
            Just("2020-11-17T16:05:51.724083Z".to_owned()),
            Just("STOP".to_owned()),
            Just("SMS".to_owned()),
            Just("OPT_OUT_SUCCEEDED".to_owned()),
        ]
        .prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "app_id",
            "project_id",
            "accepted_time",
            "event_time",
            "message_metadata",
            "correlation_id",
            "message",
            "contact_message",
            "text_message",
            "text",
            "media_message",
            "url",
            "reply_to",
            "message_id",
            "channel_identity",
            "channel",
            "identity",
            "contact",
            "contact_id",
            "id",
            "channel_identities",
            "preserved_contact",
            "deleted_contact",
            "deleted_contact_id",
            "duplicated_identities",
            "duplicated_channel_identities",
            "contact_ids",
            "status",
            "opt_in_notification",
            "opt_out_notification",
            "contact_create_notification",
            "contact_delete_notification",
            "contact_merge_notification",
            "duplicated_contact_identities_notification",
            "conversation",
            "conversation_id",
            "capability_notification",
            "reason",
            "code",
            "event",
            "contact_event",
            "record_notification",
            "location_message",
            "coordinates",
            "latitude",
            "products",
            "quantity",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
}

/// A callback-like object: the envelope plus a notification built from arbitrary values.
pub(crate) fn callback_like() -> impl Strategy<Value = serde_json::Value> {
    (
        prop::sample::select(vec![
            "message",
            "message_redaction",
            "contact_create_notification",
            "contact_update_notification",
            "contact_delete_notification",
            "contact_merge_notification",
            "duplicated_contact_identities_notification",
            "duplicated_identities_notification",
            "opt_in_notification",
            "opt_out_notification",
            "capability_notification",
            "message_delivery_report",
            "message_submit_notification",
            "event",
            "event_delivery_report",
            "conversation_start_notification",
            "conversation_delete_notification",
            "channel_event_notification",
            "unsupported_callback",
            "smart_conversation_notification",
            "record_notification",
            "something_new",
        ]),
        json_value(),
        prop::option::of(Just("2024-06-06T14:42:42.379863404Z")),
    )
        .prop_map(|(notification, body, accepted)| {
            let mut object = serde_json::Map::new();
            object.insert("app_id".into(), "app".into());
            object.insert("project_id".into(), "project".into());
            if let Some(accepted) = accepted {
                object.insert("accepted_time".into(), accepted.into());
            }
            object.insert(notification.into(), body);
            serde_json::Value::Object(object)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_unverified(&bytes);
    }

    #[test]
    fn parse_never_panics_on_arbitrary_json(value in json_value()) {
        let _ = parse_unverified(&serde_json::to_vec(&value).unwrap());
    }

    #[test]
    fn serialize_then_parse_gives_the_same_callback(value in callback_like()) {
        let body = serde_json::to_vec(&value).unwrap();
        if let Ok(callback) = parse_unverified(&body) {
            let written = serde_json::to_vec(&callback).unwrap();
            let reparsed = parse_unverified(&written);
            prop_assert!(reparsed.is_ok(), "{}", String::from_utf8_lossy(&written));
            prop_assert_eq!(reparsed.unwrap(), callback);
        }
    }
}
