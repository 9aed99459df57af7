//! Fuzzes `parse_unverified`: it must never panic; a parsed callback must serialize to JSON
//! that parses back to an equal callback; an error keeps the exact input bytes and its text
//! stays bounded however large the input (values quoted as short excerpts). The result must
//! be the plain serde reading of `Callback` (the single-pass reader in front of it only
//! accelerates; only a duplicated member or bytes that are not UTF-8 in a part no type reads,
//! which serde does not check, may part them), and the
//! routing path must agree with it. The same input, taken as text, also fuzzes
//! `Timestamp::parse`, alone and as a callback's `accepted_time`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sinch_contacts_callbacks::{
    Callback, ParseErrorKind, Timestamp, parse_route_unverified, parse_unverified,
};

fn check_callback(data: &[u8]) {
    let parsed = parse_unverified(data);
    let plain = serde_json::from_slice::<Callback>(data);
    match (&parsed, &plain) {
        (Ok(callback), Ok(read)) => assert_eq!(callback, read, "parse and serde differ"),
        (Ok(_), Err(error)) => panic!("parse accepts what serde refuses: {error}"),
        // serde_json checks neither duplicated members nor UTF-8 in the parts no type reads.
        (Err(error), Ok(_)) => assert!(
            error.kind() == ParseErrorKind::DuplicateKey || std::str::from_utf8(data).is_err(),
            "{error}"
        ),
        (Err(_), Err(_)) => {}
    }
    match (parse_route_unverified(data), &parsed) {
        (Ok(route), Ok(callback)) => {
            assert_eq!(&route.to_callback().expect("route of a parsed body"), callback);
            assert_eq!(*route.trigger(), callback.trigger());
        }
        (Ok(route), Err(error)) => {
            let from_route = route.to_callback().expect_err("route of a refused body");
            assert_eq!(from_route.to_string(), error.to_string());
        }
        (Err(route_error), Err(error)) => assert_eq!(route_error.to_string(), error.to_string()),
        (Err(route_error), Ok(_)) => panic!("route refuses what parse accepts: {route_error}"),
    }
    match parsed {
        Ok(callback) => {
            let written = serde_json::to_vec(&callback).expect("a callback serializes");
            let reparsed = parse_unverified(&written).expect("serialized callback parses");
            assert_eq!(
                reparsed, callback,
                "serialize then parse changed the callback"
            );
        }
        Err(error) => {
            assert_eq!(error.body(), data, "the error keeps the body");
            let text = error.to_string();
            assert!(
                text.chars().count() <= 900,
                "error text of {} chars",
                text.chars().count()
            );
            assert!(error.brief().chars().count() <= 400);
            // `Debug` shows the path, the message and the duplicated name: each quotes at most
            // 64 characters of the body (control characters written as `\u{..}`, up to 8
            // characters each, which `Debug` escapes once more), beside texts of the crate.
            assert!(format!("{error:?}").chars().count() <= 4096);
            assert!(!text.chars().any(char::is_control), "a control character in {text:?}");
        }
    }
}

/// A timestamp that parses writes text that parses to the same instant and is written back
/// unchanged; one that does not parse names the input.
fn check_timestamp(text: &str) {
    match Timestamp::parse(text) {
        Ok(timestamp) => {
            let written = timestamp.to_string();
            let reparsed = Timestamp::parse(&written).expect("a written timestamp parses");
            assert_eq!(reparsed, timestamp, "{written}");
            assert_eq!(reparsed.to_string(), written);
            assert!(Timestamp::MIN <= timestamp && timestamp <= Timestamp::MAX);
        }
        Err(error) => assert_eq!(error.input(), text),
    }
    let body = serde_json::json!({"app_id": "a", "project_id": "p", "accepted_time": text});
    check_callback(&serde_json::to_vec(&body).expect("a JSON object serializes"));
}

fuzz_target!(|data: &[u8]| {
    check_callback(data);
    if let Ok(text) = std::str::from_utf8(data) {
        check_timestamp(text);
    }
});
