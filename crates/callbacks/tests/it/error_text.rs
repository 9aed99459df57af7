//! Error texts stay bounded whatever the body holds: a value of megabytes shows as a short
//! excerpt with a marker, `Debug` shows lengths, and the bytes stay reachable.

use sinch_contacts_callbacks::{ParseErrorKind, Timestamp, parse_unverified};

/// A body whose `message.injected` (a boolean) holds a string of `len` bytes.
fn body_with_long_string(len: usize) -> Vec<u8> {
    format!(
        r#"{{"app_id":"a","project_id":"p","message":{{"injected":"{}"}}}}"#,
        "v".repeat(len)
    )
    .into_bytes()
}

#[test]
fn a_huge_wrong_value_gives_a_short_message_with_a_cut_marker() {
    let len = 8 * 1024 * 1024;
    let body = body_with_long_string(len);
    let error = parse_unverified(&body).unwrap_err();
    assert_eq!(error.kind(), ParseErrorKind::Data);
    assert_eq!(error.path(), "message.injected");
    let text = error.to_string();
    // Written out by hand: 64 characters of the value, then the marker with the length of
    // the quoted (escaped) value in characters.
    let expected = format!(
        "callback body does not parse at `message.injected`: invalid type: string \"{}\"…(cut, {len} chars), expected a boolean at line 1 column {}",
        "v".repeat(64),
        54 + len + 1
    );
    assert_eq!(text, expected);
    assert!(text.len() < 300);
    let debug = format!("{error:?}");
    assert!(debug.len() < 500, "{debug}");
    assert!(
        debug.contains(&format!("<{} bytes>", body.len())),
        "{debug}"
    );
    assert_eq!(error.body(), body.as_slice(), "the bytes stay reachable");
    assert_eq!(error.into_body(), body);
}

#[test]
fn a_huge_timestamp_is_quoted_as_an_excerpt() {
    let value = "9".repeat(2_000_000);
    let body = format!(r#"{{"app_id":"a","project_id":"p","accepted_time":"{value}"}}"#);
    let error = parse_unverified(body.as_bytes()).unwrap_err();
    assert_eq!(error.path(), "accepted_time");
    assert!(error.to_string().len() < 300, "{error}");
    assert!(
        error.message().starts_with(&format!(
            "invalid timestamp \"{}\"…(cut, 2000000 bytes): ",
            "9".repeat(64)
        )),
        "{}",
        error.message()
    );
    let direct = Timestamp::parse(&value).unwrap_err();
    assert!(direct.to_string().len() < 200);
    assert!(format!("{direct:?}").len() < 300);
    assert_eq!(
        direct.input().len(),
        value.len(),
        "the input stays reachable"
    );
}

#[test]
fn a_timestamp_with_a_huge_tail_gives_a_bounded_reason() {
    // A well-formed start followed by a long tail: the parser's reason quotes the tail, which
    // must be cut like any other body value.
    let value = format!("2024-06-15 14:00:00{}", "x".repeat(500_000));
    let direct = Timestamp::parse(&value).unwrap_err();
    assert!(
        direct.reason().len() < 600,
        "{} bytes",
        direct.reason().len()
    );
    assert!(
        direct.to_string().len() < 800,
        "{} bytes",
        direct.to_string().len()
    );
    assert!(format!("{direct:?}").len() < 900);
    assert_eq!(direct.input(), value, "the input stays reachable");
}

#[test]
fn a_huge_member_name_is_cut_in_the_path() {
    let name = "k".repeat(100_000);
    let body = format!(r#"{{"app_id":"a","project_id":"p","{name}":[1,}}"#);
    let error = parse_unverified(body.as_bytes()).unwrap_err();
    assert!(error.path().len() < 120, "{}", error.path());
    assert!(error.path().starts_with(&"k".repeat(64)));
    assert!(error.path().contains("…(cut, 100000 bytes)"));
    assert!(error.to_string().len() < 300);
}

#[test]
fn short_values_are_quoted_whole() {
    let error =
        parse_unverified(br#"{"app_id":"a","project_id":"p","message":{"injected":"yes"}}"#)
            .unwrap_err();
    assert_eq!(
        error.message(),
        "invalid type: string \"yes\", expected a boolean"
    );
    assert_eq!(
        error.brief(),
        "callback body does not parse at `message.injected` (line 1, column 58): JSON that does not fit the callback shape"
    );
}

mod control_characters {
    use proptest::prelude::*;
    use sinch_contacts_callbacks::parse_unverified;

    /// Bodies whose errors quote text holding control characters: in a duplicated member
    /// name, an unknown content kind, a wrong-typed value, a timestamp, or raw in a name.
    fn refused_body() -> impl Strategy<Value = String> {
        let text = "[a-z\\x00-\\x1f\\x7f\\u{80}-\\u{9f}]{1,80}";
        (0u8..5, text).prop_map(|(kind, text)| {
            let escaped = serde_json::to_string(&text).unwrap();
            match kind {
                0 => format!(r#"{{"app_id":"a",{escaped}:1,{escaped}:2}}"#),
                1 => format!(r#"{{"message":{{"injected":{escaped}}}}}"#),
                2 => format!(r#"{{"accepted_time":{escaped}}}"#),
                3 => {
                    format!(r#"{{"message":{{"direction":{{}},{escaped}:{{}},"x":[{escaped}]}}}}"#)
                }
                _ => format!("{{\"app_id\":\"a\",\"{text}\":1}}"),
            }
        })
    }

    proptest! {
        /// An error text never carries a control character of the body into a log line,
        /// a terminal or an HTTP answer: they are written as `\u{..}`.
        #[test]
        fn error_texts_hold_no_control_characters(body in refused_body()) {
            if let Err(error) = parse_unverified(body.as_bytes()) {
                for text in [error.to_string(), error.brief(), error.path().to_owned(), error.message().to_owned()] {
                    prop_assert!(!text.chars().any(char::is_control), "{text:?}");
                }
            }
        }
    }
}
