//! The cursor against serde_json: it never accepts text serde_json refuses, accepts the
//! JSON it is meant to read, and cuts values out exactly.

use proptest::prelude::*;
use serde::de::IgnoredAny;

use super::{Cursor, GiveUp};

/// Reads `text` as one value with [`Cursor::skip_value`] and nothing after it.
fn skip_whole(text: &str) -> Result<&str, GiveUp> {
    let mut cursor = Cursor::new(text);
    let value = cursor.skip_value()?;
    if cursor.at_end() {
        Ok(value)
    } else {
        Err(GiveUp)
    }
}

fn serde_accepts(text: &str) -> bool {
    serde_json::from_str::<IgnoredAny>(text).is_ok()
}

#[test]
fn numbers_follow_the_json_grammar() {
    for (text, legal) in [
        ("0", true),
        ("-0", true),
        ("7", true),
        ("-12", true),
        ("1.5", true),
        ("-0.0e0", true),
        ("1E+2", true),
        ("2e-10", true),
        ("1e400", true),
        ("01", false),
        ("-", false),
        ("+1", false),
        ("1.", false),
        (".5", false),
        ("1e", false),
        ("1e+", false),
        ("1.e3", false),
        ("--1", false),
        ("0x10", false),
        ("Infinity", false),
        ("NaN", false),
    ] {
        assert_eq!(skip_whole(text).is_ok(), legal, "{text}");
        assert_eq!(serde_accepts(text), legal, "serde_json on {text}");
    }
}

#[test]
fn strings_and_escapes() {
    for (text, legal) in [
        (r#""""#, true),
        (r#""plain text that is longer than eight bytes""#, true),
        (r#""\"\\\/\b\f\n\r\t""#, true),
        (r#""\u00e9\uD83D\uDE00\ud800""#, true),
        (r#""é ü 😀""#, true),
        (r#""\x""#, false),
        (r#""\u12""#, false),
        (r#""\u12g4""#, false),
        ("\"tab\tinside\"", false),
        ("\"nul\u{0}inside a longer string\"", false),
        (r#""unterminated"#, false),
        (r#""ends with a backslash\"#, false),
    ] {
        assert_eq!(skip_whole(text).is_ok(), legal, "{text}");
        assert_eq!(serde_accepts(text), legal, "serde_json on {text}");
    }
    let mut cursor = Cursor::new(r#"  "a\nb" "#);
    let raw = cursor.string().unwrap();
    assert_eq!((raw.inner, raw.escaped), (r"a\nb", true));
    let mut cursor = Cursor::new(r#""ab""#);
    assert!(!cursor.string().unwrap().escaped);
}

#[test]
fn values_are_cut_without_surrounding_whitespace() {
    let mut cursor = Cursor::new(" { \"a\" : [ 1 , { \"b\" : null } ] , \"c\" : \"x\" } ");
    assert_eq!(
        cursor.skip_value(),
        Ok("{ \"a\" : [ 1 , { \"b\" : null } ] , \"c\" : \"x\" }")
    );
    assert!(cursor.at_end());
    // Indentation runs of every length around the eight-byte steps, tabs and line ends.
    for run in 0..20 {
        let pad = " ".repeat(run);
        let text = format!("{pad}{{\n{pad}\"a\":\t{pad}[1,\r\n{pad}2]{pad}}}{pad}");
        assert_eq!(
            skip_whole(&text),
            Ok(text.trim_matches([' ', '\n'])),
            "{run}"
        );
    }
}

#[test]
fn duplicated_members_give_up_at_any_depth() {
    for text in [
        r#"{"a":1,"a":2}"#,
        r#"{"a":{"b":1,"c":2,"b":3}}"#,
        r#"[1,{"x":[{"y":0,"y":0}]}]"#,
    ] {
        assert_eq!(skip_whole(text), Err(GiveUp), "{text}");
    }
    assert!(skip_whole(r#"{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}"#).is_ok());
    // The name stack: nested objects see only their own names, siblings start afresh,
    // names past the inline part spill and still count.
    let many: Vec<String> = (0..64).map(|i| format!("n{i}")).collect();
    let mut cursor = Cursor::new("");
    let outer = cursor.names();
    for name in &many[..30] {
        assert!(cursor.add_name(outer, name).is_ok(), "{name}");
    }
    let inner = cursor.names();
    assert!(
        cursor.add_name(inner, "n3").is_ok(),
        "another object may reuse a name"
    );
    assert_eq!(cursor.add_name(inner, "n3"), Err(GiveUp));
    cursor.end_names(inner);
    assert_eq!(cursor.add_name(outer, "n3"), Err(GiveUp));
    assert_eq!(cursor.add_name(outer, "n27"), Err(GiveUp), "a spilled name");
    for name in &many[30..] {
        assert!(cursor.add_name(outer, name).is_ok(), "{name}");
    }
    assert_eq!(
        cursor.add_name(outer, "n64"),
        Err(GiveUp),
        "more than 64 members"
    );
    cursor.end_names(outer);
    let again = cursor.names();
    assert!(cursor.add_name(again, "n0").is_ok());
    assert!(cursor.add_name(again, "n40").is_ok());
}

#[test]
fn nesting_is_followed_to_a_bounded_depth() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(skip_whole(&nested(64)).is_ok());
    assert_eq!(skip_whole(&nested(65)), Err(GiveUp));
}

/// Text close to JSON: serialized values, then bytes changed, cut or inserted.
fn near_json() -> impl Strategy<Value = String> {
    let value = crate::fast::cursor::tests::json_text();
    (
        value,
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                0u8..8,
                prop::sample::select(vec![
                    '"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '1', '-', '.', 'e', 'u',
                    'n', 'é', '\u{1}',
                ]),
            ),
            0..3,
        ),
    )
        .prop_map(|(text, edits)| {
            let mut chars: Vec<char> = text.chars().collect();
            for (at, kind, with) in edits {
                if chars.is_empty() {
                    chars.push(with);
                    continue;
                }
                let at = at.index(chars.len());
                match kind {
                    0..=2 => chars[at] = with,
                    3..=5 => chars.insert(at, with),
                    _ => {
                        chars.remove(at);
                    }
                }
            }
            chars.into_iter().collect()
        })
}

/// JSON texts with whitespace, escapes, numbers of every form and repeated names.
pub(super) fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        prop::sample::select(vec!["0", "-0", "1.25", "1e400", "-3E-2"]).prop_map(str::to_owned),
        "[a-z é😀]{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        prop::sample::select(vec![
            r#""\u00e9""#,
            r#""\ud83d\ude00""#,
            r#""a\"b\\c\n""#,
            r#""\ud800""#
        ])
        .prop_map(str::to_owned),
    ];
    let space = prop::sample::select(vec!["", " ", "\n  ", "\t", "\r\n"]);
    leaf.prop_recursive(5, 64, 6, move |inner| {
        let space = space.clone();
        prop_oneof![
            (prop::collection::vec((inner.clone(), space.clone()), 0..5)).prop_map(|items| {
                let items: Vec<String> = items
                    .into_iter()
                    .map(|(v, s)| format!("{s}{v}{s}"))
                    .collect();
                format!("[{}]", items.join(","))
            }),
            prop::collection::vec(
                (
                    prop::sample::select(vec!["a", "b", "id", "x_1", ""]),
                    inner,
                    space
                ),
                0..5
            )
            .prop_map(|members| {
                let members: Vec<String> = members
                    .into_iter()
                    .map(|(k, v, s)| format!("{s}\"{k}\"{s}:{s}{v}{s}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

/// Whether some object of `value` names a member twice.
fn has_duplicate(value: &str) -> bool {
    crate::duplicates::find_duplicate(value.as_bytes()).is_some()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Never accepts what serde_json refuses, on text near JSON and on arbitrary bytes.
    #[test]
    fn never_accepts_what_serde_json_refuses(text in near_json()) {
        if skip_whole(&text).is_ok() {
            prop_assert!(serde_accepts(&text), "accepted: {text}");
            prop_assert!(!has_duplicate(&text), "accepted a duplicate: {text}");
        }
    }

    #[test]
    fn never_accepts_arbitrary_text_serde_json_refuses(text in "[ -~\t\n\\\\\"é{}\\[\\]]{0,40}") {
        if skip_whole(&text).is_ok() {
            prop_assert!(serde_accepts(&text), "accepted: {text}");
        }
    }

    /// Accepts every JSON text without a duplicated member (and shallow enough), and cuts it
    /// out whole.
    #[test]
    fn accepts_json_without_duplicates(text in json_text()) {
        prop_assert!(serde_accepts(&text), "not JSON: {text}");
        let skipped = skip_whole(&text);
        if has_duplicate(&text) {
            prop_assert_eq!(skipped, Err(GiveUp));
        } else {
            prop_assert_eq!(skipped, Ok(text.trim_matches(|c| " \n\t\r".contains(c))));
        }
    }
}
