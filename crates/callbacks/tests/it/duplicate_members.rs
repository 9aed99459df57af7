//! A member named twice in one object is refused anywhere in a callback body: envelope,
//! notification key, event bodies, contacts, verbatim parts. Readers disagree on which of the
//! two values counts, so no reading is safe.

use sinch_contacts_callbacks::{Event, ParseErrorKind, parse_unverified};

/// (body, duplicated name, path of the second occurrence, its column)
const CASES: &[(&str, &str, &str, usize)] = &[
    (
        r#"{"app_id":"a","project_id":"p","app_id":"b","opt_in_notification":{}}"#,
        "app_id",
        "app_id",
        32,
    ),
    (
        r#"{"app_id":"a","project_id":"p","message":{"id":"1"},"message":{"id":"2"}}"#,
        "message",
        "message",
        53,
    ),
    (
        r#"{"app_id":"a","project_id":"p","message":{"contact_message":{"text_message":{"text":"hi","text":"STOP"}}}}"#,
        "text",
        "message.contact_message.text_message.text",
        90,
    ),
    (
        r#"{"app_id":"a","project_id":"p","opt_out_notification":{"identity":"1","status":"OPT_OUT_SUCCEEDED","identity":"2"}}"#,
        "identity",
        "opt_out_notification.identity",
        100,
    ),
    (
        r#"{"app_id":"a","project_id":"p","contact_create_notification":{"contact":{"id":"c1","id":"c2"}}}"#,
        "id",
        "contact_create_notification.contact.id",
        84,
    ),
    (
        r#"{"app_id":"a","project_id":"p","channel_event_notification":{"channel_event":{"additional_data":{"q":1,"q":2}}}}"#,
        "q",
        "channel_event_notification.channel_event.additional_data.q",
        104,
    ),
    (
        r#"{"app_id":"a","project_id":"p","x":1,"x":2}"#,
        "x",
        "x",
        38,
    ),
    (
        r#"{"app_id":"a","project_id":"p","contact_merge_notification":{"preserved_contact":{"channel_identities":[{"channel":"SMS"},{"identity":"1","identity":"2"}]}}}"#,
        "identity",
        "contact_merge_notification.preserved_contact.channel_identities[1].identity",
        139,
    ),
];

#[test]
fn a_duplicated_member_is_refused_with_its_name_and_path() {
    for (body, key, path, column) in CASES {
        let error = parse_unverified(body.as_bytes()).unwrap_err();
        assert_eq!(error.kind(), ParseErrorKind::DuplicateKey, "{body}");
        assert_eq!(error.duplicate_key(), Some(*key), "{body}");
        assert_eq!(error.path(), *path, "{body}");
        assert_eq!((error.line(), error.column()), (1, *column), "{body}");
        // The column points at the second occurrence's opening quote.
        assert_eq!(
            &body[column - 1..column - 1 + key.len() + 2],
            format!("\"{key}\"")
        );
        assert_eq!(
            error.to_string(),
            format!(
                "callback body does not parse at `{path}`: duplicated member `{key}` at line 1 column {column}"
            )
        );
    }
}

#[test]
fn names_count_as_equal_after_unescaping() {
    let error =
        parse_unverified(br#"{"app_id":"a","project_id":"p","app\u005fid":"b"}"#).unwrap_err();
    assert_eq!(error.kind(), ParseErrorKind::DuplicateKey);
    assert_eq!(error.duplicate_key(), Some("app_id"));
}

#[test]
fn lines_count_from_one_and_columns_restart_on_each_line() {
    let body = b"{\n  \"app_id\": \"a\",\n  \"project_id\": \"p\",\n  \"project_id\": \"q\"\n}";
    let error = parse_unverified(body).unwrap_err();
    assert_eq!((error.line(), error.column()), (4, 3));
}

#[test]
fn the_same_name_in_different_objects_is_no_duplicate() {
    let callback = parse_unverified(
        br#"{"app_id":"a","project_id":"p","message":{"id":"m","contact_message":{"text_message":{"text":"id"}},"channel_identity":{"channel":"SMS","identity":"1","app_id":"a"}}}"#,
    )
    .unwrap();
    assert!(matches!(callback.event, Event::MessageInbound(_)));
}

#[test]
fn two_different_notification_keys_are_no_duplicate_the_first_decides() {
    let callback = parse_unverified(
        br#"{"app_id":"a","project_id":"p","opt_in_notification":{},"opt_out_notification":{}}"#,
    )
    .unwrap();
    assert!(matches!(callback.event, Event::OptIn(_)));
    assert_eq!(callback.unrecognized_fields.len(), 1);
    assert_eq!(callback.unrecognized_fields[0].0, "opt_out_notification");
}
