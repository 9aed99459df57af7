//! Unknown members are kept as their exact JSON text: no depth limit, no number conversion, and
//! a contact read then written back holds every unknown value byte for byte.

use proptest::prelude::*;
use sinch_contacts_model::{ChannelIdentity, Contact, ListContactsResponse, RawJson};

use crate::strategies::extra_value;

fn nested_arrays(depth: usize, leaf: &str) -> String {
    format!("{}{leaf}{}", "[".repeat(depth), "]".repeat(depth))
}

fn nested_objects(depth: usize, leaf: &str) -> String {
    format!("{}{leaf}{}", r#"{"a":"#.repeat(depth), "}".repeat(depth))
}

#[test]
fn deeply_nested_unknown_members_read_and_write_back_unchanged() {
    for depth in [200, 10_000] {
        for deep in [nested_arrays(depth, "1"), nested_objects(depth, "null")] {
            let json = format!(
                r#"{{"id":"01H","channel_identities":[{{"channel":"SMS","identity":"+1","y_deep":{deep}}}],"x_deep":{deep}}}"#
            );
            let contact: Contact = serde_json::from_str(&json).unwrap();
            assert_eq!(contact.id.as_deref(), Some("01H"));
            assert_eq!(contact.additional_properties["x_deep"].as_str(), deep);
            assert_eq!(
                contact.channel_identities[0].additional_properties["y_deep"].as_str(),
                deep
            );
            // Written back in the model's member order (declared, then unknown by name).
            assert_eq!(serde_json::to_string(&contact).unwrap(), json);
        }
    }
}

#[test]
fn a_deep_unknown_member_inside_a_list_response_is_kept() {
    let deep = nested_arrays(10_000, "0");
    let json = format!(r#"{{"contacts":[{{"id":"c","x":{deep}}}],"next_page_token":""}}"#);
    let page: ListContactsResponse = serde_json::from_str(&json).unwrap();
    assert_eq!(page.contacts[0].additional_properties["x"].as_str(), deep);
}

#[test]
fn numbers_no_rust_type_holds_are_kept_as_written() {
    let json =
        r#"{"huge":1e400,"long":123456789012345678901234567890,"odd":-0.0E+0,"tiny":-1e-400}"#;
    let contact: Contact = serde_json::from_str(json).unwrap();
    assert_eq!(contact.additional_properties["huge"].as_str(), "1e400");
    assert_eq!(contact.additional_properties["tiny"].as_str(), "-1e-400");
    assert_eq!(
        contact.additional_properties["long"].as_str(),
        "123456789012345678901234567890"
    );
    assert_eq!(contact.additional_properties["odd"].as_str(), "-0.0E+0");
    assert_eq!(serde_json::to_string(&contact).unwrap(), json);
}

#[test]
fn spacing_and_escapes_inside_an_unknown_value_are_kept() {
    let value = "[1, 2 ,\n {\"k\" : \"caf\\u00e9 \\/\"}]";
    let json = format!(r#"{{"x": {value} }}"#);
    let contact: Contact = serde_json::from_str(&json).unwrap();
    assert_eq!(contact.additional_properties["x"].as_str(), value);
    assert_eq!(
        serde_json::to_string(&contact).unwrap(),
        format!(r#"{{"x":{value}}}"#)
    );
}

#[test]
fn a_raw_value_can_be_made_and_decoded() {
    let raw = RawJson::from_text("  {\"a\": [true]} ").unwrap();
    assert_eq!(raw.as_str(), "{\"a\": [true]}");
    assert_eq!(
        raw.decode::<serde_json::Value>().unwrap(),
        serde_json::json!({"a": [true]})
    );
    assert!(RawJson::from_text("{").is_err());
    assert!(RawJson::from_text("1 2").is_err());
    assert_eq!(RawJson::from_value(&[1, 2]).unwrap().as_str(), "[1,2]");
    assert_eq!(format!("{raw}"), "{\"a\": [true]}");
    assert_eq!(format!("{raw:?}"), "RawJson({\"a\": [true]})");
}

#[test]
fn an_unknown_value_that_is_not_json_is_a_parse_error_not_a_panic() {
    for json in [r#"{"x": [1, }"#, r#"{"x": 1e}"#, r#"{"x": "unterminated}"#] {
        assert!(serde_json::from_str::<Contact>(json).is_err(), "{json}");
    }
}

proptest! {
    /// Any value, pretty-printed with newlines and indentation, comes back as the same text.
    #[test]
    fn any_unknown_value_is_written_back_byte_for_byte(value in extra_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        let json = format!(r#"{{"channel":"SMS","identity":"+1","x_future":{text}}}"#);
        let identity: ChannelIdentity = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(identity.additional_properties["x_future"].as_str(), text.as_str());
        prop_assert_eq!(serde_json::to_string(&identity).unwrap(), json);
    }
}
