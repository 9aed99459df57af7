//! The seed documents' examples and the crate's official-shape fixtures parse to their typed
//! events; errors keep bytes and paths.

use sinch_contacts_callbacks::{
    ContactMessageContent, ConversationChannel, Event, OptInStatus, OptOutStatus, ParseErrorKind,
    Trigger, parse_unverified,
};

use crate::support::{fixture, fixtures_dir, json_files};

#[test]
fn every_seed_example_parses_to_its_typed_event() {
    let expected = [
        ("contact_create.json", Trigger::ContactCreate),
        ("contact_delete_id_only.json", Trigger::ContactDelete),
        ("contact_merge_deleted_id.json", Trigger::ContactMerge),
        ("contact_update.json", Trigger::ContactUpdate),
        (
            "duplicated_identities_notification.json",
            Trigger::ContactIdentitiesDuplication,
        ),
        ("opt_in.json", Trigger::OptIn),
        ("opt_in_with_event_time.json", Trigger::OptIn),
        ("opt_out.json", Trigger::OptOut),
    ];
    let files = json_files(&fixtures_dir().join("seeds"));
    assert_eq!(files.len(), expected.len());
    for ((name, body), (expected_name, trigger)) in files.iter().zip(expected) {
        assert_eq!(name, expected_name);
        let callback = parse_unverified(body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(callback.trigger(), trigger, "{name}");
        assert!(callback.unrecognized_fields.is_empty(), "{name}");
        let reparsed = parse_unverified(&serde_json::to_vec(&callback).unwrap()).unwrap();
        assert_eq!(reparsed, callback, "{name}");
    }
}

#[test]
fn seed_shapes_are_normalized() {
    let delete = parse_unverified(&fixture("seeds/contact_delete_id_only.json")).unwrap();
    let Event::ContactDelete(delete) = delete.event else {
        panic!()
    };
    assert_eq!(delete.contact_id(), Some("01H3333333..."));

    let merge = parse_unverified(&fixture("seeds/contact_merge_deleted_id.json")).unwrap();
    let Event::ContactMerge(merge) = &merge.event else {
        panic!()
    };
    assert_eq!(merge.deleted_contact_id(), Some("01H4444444..."));
    assert_eq!(merge.preserved_contact.channel_identities.len(), 2);

    let dup = parse_unverified(&fixture("seeds/duplicated_identities_notification.json")).unwrap();
    let official = serde_json::to_value(&dup).unwrap();
    assert!(
        official
            .get("duplicated_contact_identities_notification")
            .is_some()
    );
    let Event::ContactIdentitiesDuplication(dup) = dup.event else {
        panic!()
    };
    let first = &dup.duplicated_identities[0];
    assert_eq!(first.channel, Some(ConversationChannel::Sms));
    assert_eq!(first.identity.as_deref(), Some("15551234567"));
    assert_eq!(first.contact_ids, ["01H3333333...", "01H4444444..."]);

    let opt_in = parse_unverified(&fixture("seeds/opt_in.json")).unwrap();
    let Event::OptIn(opt_in) = opt_in.event else {
        panic!()
    };
    assert_eq!(opt_in.status, Some(OptInStatus::OptInSucceeded));
    assert_eq!(opt_in.channel, Some(ConversationChannel::Viber));
    let opt_out = parse_unverified(&fixture("seeds/opt_out.json")).unwrap();
    let Event::OptOut(opt_out) = opt_out.event else {
        panic!()
    };
    assert!(opt_out.succeeded());
    assert_eq!(opt_out.status, Some(OptOutStatus::OptOutSucceeded));
}

#[test]
fn contact_message_kinds_are_typed() {
    let kind = |file: &str| {
        let callback = parse_unverified(&fixture(&format!("official/{file}.json"))).unwrap();
        let reparsed = parse_unverified(&serde_json::to_vec(&callback).unwrap()).unwrap();
        assert_eq!(reparsed, callback, "{file}");
        let Event::MessageInbound(message) = callback.event else {
            panic!("{file}")
        };
        message.contact_message.unwrap()
    };
    assert!(
        matches!(kind("message_inbound_text_stop").content, ContactMessageContent::Text(t) if t.text == "  Stop! ")
    );
    assert!(
        matches!(kind("message_inbound_media").content, ContactMessageContent::Media(m) if m.url.ends_with("a.jpg"))
    );
    let ContactMessageContent::Location(location) = kind("message_inbound_location").content else {
        panic!()
    };
    assert_eq!(location.coordinates.unwrap().latitude, 59.3293);
    let choice = kind("message_inbound_choice_response");
    assert!(
        matches!(&choice.content, ContactMessageContent::ChoiceResponse(c) if c.postback_data.as_deref() == Some("yes"))
    );
    assert!(choice.reply_to.is_some());
    assert!(
        matches!(kind("message_inbound_media_card").content, ContactMessageContent::MediaCard(c) if c.caption.as_deref() == Some("look"))
    );
    assert!(
        matches!(kind("message_inbound_fallback").content, ContactMessageContent::Fallback(f) if f.reason.is_some())
    );
    let ContactMessageContent::ProductResponse(products) =
        kind("message_inbound_product_response").content
    else {
        panic!()
    };
    assert_eq!(products.products[0].quantity, Some(2));
    let ContactMessageContent::ChannelSpecific(specific) =
        kind("message_inbound_channel_specific").content
    else {
        panic!()
    };
    assert_eq!(specific.message_type.as_deref(), Some("nfm_reply"));
    assert!(specific.message.unwrap().as_str().contains("response_json"));
}

#[test]
fn record_notification_and_unknown_trigger() {
    let record = parse_unverified(&fixture("official/record_notification.json")).unwrap();
    assert_eq!(record.trigger(), Trigger::RecordNotification);

    let body = fixture("official/unknown_trigger.json");
    let unknown = parse_unverified(&body).unwrap();
    let Event::Unknown(event) = &unknown.event else {
        panic!()
    };
    assert_eq!(event.key.as_deref(), Some("batch_status_update"));
    assert_eq!(
        event.value.as_ref().unwrap().as_str(),
        "{\n    \"batch_id\": \"b-1\",\n    \"statuses\": []\n  }"
    );
    assert_eq!(unknown.trigger().as_str(), "batch_status_update");
    let reparsed = parse_unverified(&serde_json::to_vec(&unknown).unwrap()).unwrap();
    assert_eq!(reparsed, unknown);
}

#[test]
fn a_callback_without_app_or_project_id_still_parses() {
    let callback = parse_unverified(br#"{"opt_out_notification":{"channel":"SMS","identity":"+1","status":"OPT_OUT_SUCCEEDED"}}"#)
        .expect("absent envelope ids read as empty");
    assert_eq!(callback.app_id, "");
    assert_eq!(callback.project_id, "");
    assert_eq!(callback.trigger().as_str(), "OPT_OUT");
}

#[test]
fn unknown_fields_and_enum_values_never_fail() {
    let body = br#"{"app_id":"a","project_id":"p","new_top_level":1,
        "message":{"direction":"SIDEWAYS","future_field":{"x":[1]},
        "channel_identity":{"channel":"CARRIER_PIGEON","identity":"coo","extra":true},
        "contact_message":{"hologram_message":{"frames":3}},"processing_mode":"TELEPATHY"}}"#;
    let callback = parse_unverified(body).unwrap();
    assert_eq!(callback.unrecognized_fields.len(), 1);
    let Event::MessageInbound(message) = &callback.event else {
        panic!()
    };
    assert_eq!(message.direction.as_ref().unwrap().as_str(), "SIDEWAYS");
    assert_eq!(
        message.channel_identity.as_ref().unwrap().channel.as_str(),
        "CARRIER_PIGEON"
    );
    assert!(matches!(&message.contact_message.as_ref().unwrap().content,
        ContactMessageContent::Unrecognized { key, .. } if key == "hologram_message"));
    let reparsed = parse_unverified(&serde_json::to_vec(&callback).unwrap()).unwrap();
    assert_eq!(reparsed, callback);
}

#[test]
fn malformed_bodies_give_errors_with_bytes_and_paths() {
    let cases: [(&str, &[u8]); 6] = [
        ("not_json", b"STOP"),
        ("truncated", br#"{"app_id":"a","project_id":"p","message":{"id":"#),
        ("bad_timestamp", br#"{"app_id":"a","project_id":"p","accepted_time":"2024-13-01T00:00:00Z"}"#),
        ("wrong_type_deep", br#"{"app_id":"a","project_id":"p","message":{"contact_message":{"text_message":{"text":5}}}}"#),
        ("app_id_not_a_string", br#"{"app_id":5,"project_id":"p","message":{}}"#),
        ("two_content_kinds", br#"{"app_id":"a","project_id":"p","message":{"contact_message":{"text_message":{"text":"x"},"media_message":{"url":"u"}}}}"#),
    ];
    let mut report = String::new();
    for (name, body) in cases {
        let error = parse_unverified(body).unwrap_err();
        assert_eq!(error.body(), body, "{name}");
        report.push_str(&format!(
            "{name}: kind={:?} path={} line={} column={}\n  {error}\n",
            error.kind(),
            error.path(),
            error.line(),
            error.column()
        ));
    }
    insta::assert_snapshot!(report);
    assert_eq!(
        parse_unverified(b"").unwrap_err().kind(),
        ParseErrorKind::Eof
    );
}

#[test]
fn seed_parse_results_snapshot() {
    let merge = parse_unverified(&fixture("seeds/contact_merge_deleted_id.json")).unwrap();
    insta::assert_json_snapshot!("seed_contact_merge_in_official_shape", merge);
    let delete = parse_unverified(&fixture("seeds/contact_delete_id_only.json")).unwrap();
    insta::assert_json_snapshot!("seed_contact_delete_in_official_shape", delete);
}
