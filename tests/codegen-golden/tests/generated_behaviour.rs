//! How the generated code reads JSON, checked on the generator's small fixture: unknown members
//! kept as their exact text, duplicated members refused, and unions whose alternatives keep
//! unknown members.

use codegen_golden::small::{Extras, Target};

#[test]
fn unknown_members_are_kept_as_their_exact_text_at_any_depth() {
    for depth in [200, 10_000] {
        let deep = format!("{}1e400{}", "[".repeat(depth), "]".repeat(depth));
        let json = format!(r#"{{"origin":"o","deep":{deep},"spaced":[1, 2 ,{{"a" : -0.0e-0}}]}}"#);
        let extras: Extras = serde_json::from_str(&json).unwrap();
        assert_eq!(extras.origin.as_deref(), Some("o"));
        assert_eq!(extras.additional_properties["deep"].as_str(), deep);
        assert_eq!(
            extras.additional_properties["spaced"].as_str(),
            r#"[1, 2 ,{"a" : -0.0e-0}]"#
        );
        // Written back, each value is the text received.
        let written = serde_json::to_string(&extras).unwrap();
        assert_eq!(
            written,
            format!(r#"{{"origin":"o","deep":{deep},"spaced":[1, 2 ,{{"a" : -0.0e-0}}]}}"#)
        );
    }
}

#[test]
fn a_member_named_twice_is_refused() {
    for json in [
        r#"{"origin":"a","origin":"b"}"#,
        r#"{"k":1,"origin":"a","k":2}"#,
    ] {
        let error = serde_json::from_str::<Extras>(json)
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("duplicate field `"), "{error}");
    }
}

#[test]
fn a_union_alternative_with_unknown_members_is_read() {
    let json = r#"{"url":"https://example.com","extras":{"origin":"o","tier":[1, 2]}}"#;
    let Target::UrlTarget(target) = serde_json::from_str::<Target>(json).unwrap() else {
        panic!("not a UrlTarget");
    };
    let extras = target.extras.unwrap();
    // A union reads its value as a whole first, so unknown members inside it are re-written by
    // serde_json (no spaces), within serde_json::Value's limits.
    assert_eq!(extras.additional_properties["tier"].as_str(), "[1,2]");
    let json = r#"{"contact_id":"c"}"#;
    assert!(matches!(
        serde_json::from_str::<Target>(json).unwrap(),
        Target::ContactTarget(_)
    ));
    let json = r#"{"something":"else"}"#;
    assert!(matches!(
        serde_json::from_str::<Target>(json).unwrap(),
        Target::Unrecognized(_)
    ));
}
