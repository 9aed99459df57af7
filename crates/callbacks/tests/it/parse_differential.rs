//! Differential: the routing path (`parse_route_unverified`, then `Route::to_callback` /
//! `Route::event`) gives exactly what `parse_unverified` gives, callback for callback and
//! error for error, on every conformance body (`SINCH_CONFORMANCE_DIR`), on the crate's
//! fixtures and on generated bodies; and `parse_unverified` gives exactly what the plain
//! serde reading of `Callback` gives on every body without a duplicated member (the check for
//! duplicates changes no result, it only refuses).

use proptest::prelude::*;
use sinch_contacts_callbacks::{
    Callback, ParseError, ParseErrorKind, parse_route_unverified, parse_unverified,
};

use crate::hostile_input_properties::{node, write};
use crate::parse_properties::{callback_like, json_value};
use crate::support::{conformance_callbacks, conformance_dir, fixtures_dir, json_files};

/// Everything an error shows, to compare two errors field by field.
fn error_parts(error: &ParseError) -> (ParseErrorKind, String, usize, usize, String, String) {
    (
        error.kind(),
        error.path().to_owned(),
        error.line(),
        error.column(),
        error.message().to_owned(),
        error.to_string(),
    )
}

/// Checks one body; `Err` describes the first difference.
fn compare(body: &[u8]) -> Result<(), String> {
    let parsed = parse_unverified(body);
    let routed = parse_route_unverified(body);
    match (&parsed, &routed) {
        (Ok(callback), Ok(route)) => {
            let rebuilt = route
                .to_callback()
                .map_err(|e| format!("to_callback: {e}"))?;
            if &rebuilt != callback {
                return Err(format!("to_callback differs:\n{rebuilt:?}\n{callback:?}"));
            }
            let event = route.event().map_err(|e| format!("event: {e}"))?;
            if event != callback.event {
                return Err(format!("event differs:\n{event:?}\n{:?}", callback.event));
            }
            if *route.trigger() != callback.trigger() {
                return Err(format!(
                    "trigger {:?} vs {:?}",
                    route.trigger(),
                    callback.trigger()
                ));
            }
            let envelope = (
                route.app_id(),
                route.project_id(),
                route.accepted_time(),
                route.event_time(),
                route.message_metadata(),
                route.correlation_id(),
            );
            let expected = (
                callback.app_id.as_str(),
                callback.project_id.as_str(),
                callback.accepted_time,
                callback.event_time,
                callback.message_metadata.as_deref(),
                callback.correlation_id.as_deref(),
            );
            if envelope != expected {
                return Err(format!("envelope {envelope:?} vs {expected:?}"));
            }
            check_raw_notification(body, route.notification_key(), route.notification_json())?;
        }
        (Err(parse_error), Ok(route)) => {
            // The envelope read; the notification must then fail the same way when asked for.
            let from_route = route
                .to_callback()
                .err()
                .ok_or("route.to_callback() succeeds where parse fails")?;
            if error_parts(&from_route) != error_parts(parse_error) {
                return Err(format!("errors differ:\n{from_route}\n{parse_error}"));
            }
            let from_event = route.event().err().ok_or("route.event() succeeds")?;
            if error_parts(&from_event) != error_parts(parse_error) {
                return Err(format!("event errors differ:\n{from_event}\n{parse_error}"));
            }
        }
        (Err(parse_error), Err(route_error)) => {
            if error_parts(route_error) != error_parts(parse_error) {
                return Err(format!("errors differ:\n{route_error}\n{parse_error}"));
            }
        }
        (Ok(_), Err(route_error)) => {
            return Err(format!("route fails where parse succeeds: {route_error}"));
        }
    }
    if let Ok(callback) = &parsed {
        let plain: Callback = serde_json::from_slice(body)
            .map_err(|e| format!("plain serde fails where parse succeeds: {e}"))?;
        if &plain != callback {
            return Err("plain serde reading differs".to_owned());
        }
    } else if let Err(error) = &parsed
        && error.kind() != ParseErrorKind::DuplicateKey
        && serde_json::from_slice::<Callback>(body).is_ok()
    {
        return Err(format!("parse fails, plain serde succeeds: {error}"));
    }
    Ok(())
}

/// The raw notification text is the exact text of that member's value in the body: it reads
/// as the same JSON value, and it is a slice of the body.
fn check_raw_notification(
    body: &[u8],
    key: Option<&str>,
    json: Option<&str>,
) -> Result<(), String> {
    let (Some(key), Some(json)) = (key, json) else {
        return if key.is_none() && json.is_none() {
            Ok(())
        } else {
            Err("notification key and text disagree".to_owned())
        };
    };
    let whole: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let expected = whole
        .get(key)
        .ok_or("the notification key is not in the body")?;
    let text: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    if &text != expected {
        return Err(format!(
            "notification text {json} is not the value of {key}"
        ));
    }
    let start = json.as_ptr() as usize;
    let body_start = body.as_ptr() as usize;
    if start < body_start || start + json.len() > body_start + body.len() {
        return Err("the notification text is not borrowed from the body".to_owned());
    }
    Ok(())
}

#[test]
fn routing_and_parsing_agree_on_every_conformance_body() {
    let Some(dir) = conformance_dir("routing_and_parsing_agree_on_every_conformance_body") else {
        return;
    };
    let files = conformance_callbacks(&dir);
    assert!(
        !files.is_empty(),
        "no callback files under {}",
        dir.display()
    );
    for (name, body) in files {
        compare(&body).unwrap_or_else(|difference| panic!("{name}: {difference}"));
        assert!(parse_unverified(&body).is_ok(), "{name}");
    }
}

#[test]
fn routing_and_parsing_agree_on_every_fixture() {
    let mut count = 0;
    for dir in ["seeds", "official"] {
        for (name, body) in json_files(&fixtures_dir().join(dir)) {
            compare(&body).unwrap_or_else(|difference| panic!("{dir}/{name}: {difference}"));
            assert!(parse_unverified(&body).is_ok(), "{dir}/{name}");
            count += 1;
        }
    }
    assert!(count >= 19, "only {count} fixtures");
}

#[test]
fn routing_and_parsing_agree_on_hand_written_edge_cases() {
    for body in [
        // No notification at all, only unknown keys, scalars first.
        r#"{"app_id":"a","project_id":"p"}"#,
        r#"{"app_id":"a","x":1,"y":{"z":2}}"#,
        r#"{"x":1,"y":2}"#,
        // Two different notification keys: the first decides.
        r#"{"app_id":"a","opt_in_notification":{},"message":{"id":"m"}}"#,
        // Escaped envelope strings and keys.
        r#"{"app_\u0069d":"a\"b","project_id":"p\u00e9","correlation_id":"c\\d","message":{}}"#,
        // Envelope errors, notification errors, syntax errors, trailing bytes, duplicates.
        r#"{"app_id":1,"message":{}}"#,
        r#"{"app_id":"a","accepted_time":"yesterday","message":{}}"#,
        r#"{"app_id":"a","message":{"id":5}}"#,
        r#"{"app_id":"a","message":{"contact_message":{"text_message":{"text":"a","text":"b"}}}}"#,
        r#"{"app_id":"a","message":{"id":"m"}} x"#,
        r#"{"app_id":"a","message":{"id":"m"}"#,
        r#"{"app_id":"a","message":{"id":"m",}}"#,
        r#"[1,2]"#,
        r#""text""#,
        "",
        "{\"app_id\":\"\u{1}\"}",
        r#"{"message_metadata":null,"correlation_id":null,"event_time":null,"message":{}}"#,
        r#"{"contact_delete_notification":{}}"#,
        r#"{"unknown_thing":[1],"MESSAGE_INBOUND":{"x":1}}"#,
    ] {
        compare(body.as_bytes()).unwrap_or_else(|difference| panic!("{body}: {difference}"));
    }
    compare(b"{\"app_id\":\"\xff\",\"message\":{}}").unwrap();
    compare(b"{\"app_id\":\"a\",\"message\":{\"id\":\"\xff\"}}").unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn routing_and_parsing_agree_on_generated_callbacks(value in callback_like()) {
        let body = serde_json::to_vec(&value).unwrap();
        let outcome = compare(&body);
        prop_assert!(outcome.is_ok(), "{}: {:?}", String::from_utf8_lossy(&body), outcome);
    }

    #[test]
    fn routing_and_parsing_agree_on_generated_json(value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        let outcome = compare(&body);
        prop_assert!(outcome.is_ok(), "{}: {:?}", String::from_utf8_lossy(&body), outcome);
    }

    #[test]
    fn routing_and_parsing_agree_on_trees_with_repeated_members(tree in node()) {
        let mut body = String::new();
        write(&mut body, &tree);
        let outcome = compare(body.as_bytes());
        prop_assert!(outcome.is_ok(), "{}: {:?}", body, outcome);
    }

    #[test]
    fn routing_and_parsing_agree_on_cut_and_arbitrary_bytes(
        cut in any::<prop::sample::Index>(),
        value in callback_like(),
        noise in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let body = serde_json::to_vec(&value).unwrap();
        let cut = &body[..cut.index(body.len() + 1)];
        let outcome = compare(cut);
        prop_assert!(outcome.is_ok(), "{}: {:?}", String::from_utf8_lossy(cut), outcome);
        let outcome = compare(&noise);
        prop_assert!(outcome.is_ok(), "{:?}: {:?}", noise, outcome);
    }
}
