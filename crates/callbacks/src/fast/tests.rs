//! The single pass against the reference parse: the same value wherever it does not give up,
//! a give-up wherever the reference refuses, and no give-up on the payloads the API sends.

use std::path::{Path, PathBuf};

use super::{parse, route_parts};
use crate::parse::parse_reference;
use crate::route::{Route, route_reference};

/// Everything a route shows.
fn route_view(route: &Route<'_>) -> String {
    let others: Vec<_> = route.other_fields().collect();
    format!("{route:?} {others:?} {:?}", route.notification_json().ok())
}

/// When the single routing pass reads `body`, the reference routing path reads the same.
fn routes_agree(body: &str) {
    if let Some(parts) = route_parts(body.as_bytes()) {
        let fast = parts.into_route(body.as_bytes());
        let reference = route_reference(body.as_bytes())
            .unwrap_or_else(|e| panic!("routing accepts {body}, the reference refuses: {e}"));
        assert_eq!(route_view(&fast), route_view(&reference), "{body}");
    }
}

fn json_files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.map(|entry| entry.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json")
            && path
                .file_name()
                .is_some_and(|name| name != "signatures.json")
        {
            let bytes = std::fs::read(&path).unwrap();
            let vectors = serde_json::from_slice::<serde_json::Value>(&bytes)
                .is_ok_and(|value| value.get("vectors").is_some());
            if !vectors {
                out.push((path.display().to_string(), bytes));
            }
        }
    }
}

/// The crate's fixtures, and the conformance bodies when `SINCH_CONFORMANCE_DIR` is set.
fn payloads() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    json_files(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut files,
    );
    assert!(files.len() >= 19, "only {} fixtures", files.len());
    match std::env::var_os("SINCH_CONFORMANCE_DIR") {
        Some(dir) => {
            let before = files.len();
            json_files(Path::new(&dir), &mut files);
            assert!(files.len() > before, "no callbacks under {}", dir.display());
        }
        None => eprintln!("conformance bodies skipped: SINCH_CONFORMANCE_DIR is not set"),
    }
    files
}

#[test]
fn every_payload_takes_the_single_pass_and_gets_the_reference_value() {
    for (name, body) in payloads() {
        let expected = parse_reference(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        let fast = parse(&body).unwrap_or_else(|| panic!("{name}: the single pass gave up"));
        assert_eq!(fast, expected, "{name}");
        assert!(route_parts(&body).is_some(), "{name}: routing gave up");
        routes_agree(std::str::from_utf8(&body).unwrap());
    }
}

/// Bodies the reference refuses (each for one reason): the single pass must give up on them.
const REFUSED: &[&str] = &[
    // Syntax.
    r#"{"app_id":"a",}"#,
    r#"{"app_id":"a" "project_id":"p"}"#,
    r#"{"app_id":"a"} x"#,
    r#"{"app_id":"a""#,
    r#"{"x":01}"#,
    r#"{"x":1.}"#,
    r#"{"x":.5}"#,
    r#"{"x":-}"#,
    r#"{"x":+1}"#,
    r#"{"x":1e}"#,
    r#"{"x":1e+}"#,
    r#"{"x":tru}"#,
    r#"{"x":nul}"#,
    r#"{"x":[1,]}"#,
    r#"{"x":[1 2]}"#,
    "{\"x\":\"a\u{1}b\"}",
    r#"{"x":"\x"}"#,
    r#"{"x":"\u12G4"}"#,
    r#"{"x":"\u12"}"#,
    r#"[{"app_id":"a"}]"#,
    "",
    // Shape.
    r#"{"app_id":null}"#,
    r#"{"app_id":1}"#,
    r#"{"accepted_time":"yesterday"}"#,
    r#"{"contact_create_notification":{}}"#,
    r#"{"contact_create_notification":{"contact":{"channel_identities":[{"identity":"1"}]}}}"#,
    r#"{"contact_create_notification":{"contact":{"channel_identities":[{"channel":"SMS"}]}}}"#,
    r#"{"contact_create_notification":{"contact":{"id":5}}}"#,
    r#"{"contact_delete_notification":{}}"#,
    r#"{"contact_merge_notification":{"deleted_contact_id":"x"}}"#,
    r#"{"conversation_start_notification":{}}"#,
    r#"{"message":{"contact_message":{"text_message":{"text":"a"},"media_message":{"url":"u"}}}}"#,
    r#"{"message":{"contact_message":{"text_message":{"text":null}}}}"#,
    r#"{"message":{"injected":"yes"}}"#,
    r#"{"message":{"contact_message":{"location_message":{"coordinates":{"latitude":"1"}}}}}"#,
    r#"{"message":{"contact_message":{"location_message":{"coordinates":{"latitude":1e400}}}}}"#,
    r#"{"message":{"contact_message":{"product_response_message":{"products":[{"quantity":1.5}]}}}}"#,
    r#"{"channel_event_notification":{"channel_event":null}}"#,
    r#"{"message":{"id":"\ud800"}}"#,
    r#"{"duplicated_identities_notification":{"duplicated_identities":[],"duplicated_channel_identities":[]}}"#,
    // Duplicated members, at every level.
    r#"{"app_id":"a","app_id":"b"}"#,
    r#"{"x":1,"x":1}"#,
    r#"{"message":{"id":"a","id":"b"}}"#,
    r#"{"message":{"x":{"y":1,"y":2}}}"#,
    r#"{"x":[{"y":1},{"z":1,"z":1}]}"#,
    r#"{"contact_create_notification":{"contact":{"id":"a","id":"b"}}}"#,
    r#"{"contact_create_notification":{"contact":{"extra":1,"extra":2}}}"#,
    r#"{"message":{"contact_message":{"reply_to":{},"reply_to":{}}}}"#,
];

#[test]
fn the_single_pass_gives_up_wherever_the_reference_refuses() {
    for body in REFUSED {
        assert!(
            parse_reference(body.as_bytes()).is_err(),
            "reference accepts {body}"
        );
        assert!(
            parse(body.as_bytes()).is_none(),
            "single pass accepts {body}"
        );
        routes_agree(body);
    }
    assert!(parse(b"{\"x\":\"\xff\"}").is_none());
}

/// Legal bodies with the forms that are easy to get wrong: the same value as the reference.
const ACCEPTED: &[&str] = &[
    r#"{}"#,
    " \t\r\n{ \"app_id\" : \"a\" , \"project_id\":\"p\" } \n",
    r#"{"app_id":"a\"b\\c\/d\u00e9\ud83d\ude00","project_id":"p","message_metadata":null}"#,
    r#"{"x":"\ud800 lone surrogates are fine where nothing reads them","message":{}}"#,
    r#"{"x":[1,-0,0.5,-1.5e10,2E-3,1e400,{"a":{"b":[true,false,null]}}],"y":{}}"#,
    r#"{"batch":{"k":1},"other":2}"#,
    r#"{"first":1,"second":[2]}"#,
    r#"{"message":{},"message_delivery_report":{"status":"READ"},"z":null}"#,
    r#"{"contact_create_notification":{"contact":{"id":"c","custom":{"a":[1]},"other":"x","channel_identities":null,"channel_priority":["SMS","NEW_CHANNEL"],"language":"EN_US"}}}"#,
    r#"{"contact_update_notification":{"contact":{"channel_identities":[{"channel":"SMS","identity":"1","app_id":null,"more":[]}]}}}"#,
    r#"{"contact_delete_notification":{"contact_id":"gone"}}"#,
    r#"{"contact_delete_notification":{"contact":{"display_name":"x"},"contact_id":"gone"}}"#,
    r#"{"contact_merge_notification":{"preserved_contact":{"id":"a"},"deleted_contact_id":"b","extra":1}}"#,
    r#"{"duplicated_identities_notification":{"duplicated_channel_identities":[{"channel":"SMS","contact_ids":null}]}}"#,
    r#"{"duplicated_contact_identities_notification":{"duplicated_identities":null}}"#,
    r#"{"message":{"contact_message":{"brand_new":{"x":1},"text_message":{"text":"hi"},"another":2}}}"#,
    r#"{"message":{"contact_message":{"brand_new":{"x":1},"newer":2}}}"#,
    r#"{"message":{"contact_message":{"text_message":{},"reply_to":null}}}"#,
    r#"{"message":{"contact_message":{"location_message":{"coordinates":{"latitude":1,"longitude":-2.5e-3}}}}}"#,
    r#"{"message":{"contact_message":{"product_response_message":{"products":[{"quantity":-3,"item_price":19.99}],"title":"t"}}}}"#,
    r#"{"message":{"injected":true,"accept_time":"2024-06-15T14:00:00.123Z","processing_mode":"DISPATCH"}}"#,
    r#"{"event":{"contact_event":{"composing_event":{}},"contact_message_event":[1, 2]}}"#,
    r#"{"conversation_stop_notification":{"conversation_id":"c"}}"#,
    r#"{"conversation_delete_notification":{"conversation":{"active":false,"metadata_json":{"a":"b"}},"conversation_id":"c"}}"#,
    r#"{"opt_out_notification":{"status":"OPT_OUT_SUCCEEDED","error_details":{"description":"d"}}}"#,
    r#"{"capability_notification":{"channel_capabilities":null,"reason":{"code":"NEW_CODE","extra":1}}}"#,
    r#"{"record_notification":{"record_status":"DONE","reason":null}}"#,
    r#"{"smart_conversation_notification":{"analysis_results":{"ml_sentiment_result":[]}}}"#,
    r#"{"unsupported_callback":{"payload":"{\"a\":1}"}}"#,
    r#"{"message_submit_notification":{"submitted_message":{"text_message":{"text":"x"}}}}"#,
    r#"{"channel_event_notification":{"channel_event":{"additional_data":null}}}"#,
    r#"{"message_redaction":{"id":"r"},"accepted_time":null,"event_time":"2020-11-17T16:05:45+02:00"}"#,
];

#[test]
fn tricky_legal_bodies_get_the_reference_value() {
    for body in ACCEPTED {
        let expected = parse_reference(body.as_bytes()).unwrap_or_else(|e| panic!("{body}: {e}"));
        let fast = parse(body.as_bytes()).unwrap_or_else(|| panic!("gave up on {body}"));
        assert_eq!(fast, expected, "{body}");
        assert!(
            route_parts(body.as_bytes()).is_some(),
            "routing gave up on {body}"
        );
        routes_agree(body);
    }
}

#[test]
fn rare_legal_forms_are_left_to_the_reference() {
    // An escaped member name: the duplicate rule compares names after unescaping.
    for body in [r#"{"app_\u0069d":"a"}"#, r#"{"message":{"\u0069d":"m"}}"#] {
        assert!(parse_reference(body.as_bytes()).is_ok(), "{body}");
        assert!(parse(body.as_bytes()).is_none(), "{body}");
    }
    // Nesting deeper than the single pass follows (serde_json keeps unread parts verbatim
    // at any depth).
    let deep = format!(r#"{{"x":{}1{}}}"#, "[".repeat(200), "]".repeat(200));
    assert!(parse_reference(deep.as_bytes()).is_ok());
    assert!(parse(deep.as_bytes()).is_none());
    let wide: String = (0..70).map(|i| format!(r#""k{i}":{i},"#)).collect();
    let body = format!(r#"{{"x":{{{}"end":0}}}}"#, wide);
    assert!(parse_reference(body.as_bytes()).is_ok());
    assert!(parse(body.as_bytes()).is_none());
}

/// Real payloads changed at random, keeping the JSON valid: a member dropped, a string
/// replaced (escapes, non-ASCII), a value set to `null`, an unknown member added, members
/// reordered. The single pass and the reference agree on every one, and most take the
/// single pass.
mod mutated_payloads {
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    use super::{parse, parse_reference, payloads, routes_agree};

    #[derive(Debug, Clone)]
    enum Edit {
        Drop,
        Text(String),
        Null,
        AddMember(String),
        Reverse,
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            Just(Edit::Drop),
            prop_oneof![
                "[a-zA-Z0-9 ]{0,10}",
                Just("é\"\\/\n\t😀".to_owned()),
                Just("2024-02-29T23:59:59.5+01:00".to_owned()),
                Just("SMS".to_owned()),
            ]
            .prop_map(Edit::Text),
            Just(Edit::Null),
            "[a-z_]{1,12}".prop_map(Edit::AddMember),
            Just(Edit::Reverse),
        ]
    }

    /// Applies `edit` at the `at`-th node (in document order) of `value`.
    fn apply(value: &mut Value, at: &mut usize, edit: &Edit) -> bool {
        if *at == 0 {
            match (edit, &mut *value) {
                (Edit::Text(text), Value::String(s)) => *s = text.clone(),
                (Edit::Null, _) => *value = Value::Null,
                (Edit::AddMember(name), Value::Object(map)) => {
                    map.insert(name.clone(), Value::from(vec![1, 2]));
                }
                (Edit::Reverse, Value::Object(map)) => {
                    let reversed: Map<String, Value> =
                        std::mem::take(map).into_iter().rev().collect();
                    *map = reversed;
                }
                (Edit::Drop, Value::Object(map)) => {
                    let first = map.keys().next().cloned();
                    if let Some(first) = first {
                        map.remove(&first);
                    }
                }
                _ => return false,
            }
            return true;
        }
        *at -= 1;
        match value {
            Value::Object(map) => map.values_mut().any(|child| apply(child, at, edit)),
            Value::Array(items) => items.iter_mut().any(|child| apply(child, at, edit)),
            _ => false,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

        #[test]
        fn single_pass_and_reference_agree(
            which in any::<prop::sample::Index>(),
            edits in prop::collection::vec((0usize..60, edit()), 1..4),
            pretty in any::<bool>(),
        ) {
            let files = payloads();
            let (name, body) = &files[which.index(files.len())];
            let mut value: Value = serde_json::from_slice(body).unwrap();
            for (at, edit) in &edits {
                apply(&mut value, &mut at.clone(), edit);
            }
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let reference = parse_reference(text.as_bytes());
            match parse(text.as_bytes()) {
                Some(fast) => {
                    let reference = reference.map_err(|e| format!("{name}: {e}\n{text}"));
                    prop_assert_eq!(Ok(fast), reference);
                }
                None => prop_assert!(reference.is_err() || text.contains("\\u"), "{name}: gave up on a legal body\n{text}"),
            }
            routes_agree(&text);
        }
    }
}
