//! JSONPath parsing and selection, each expectation worked out by hand on a small document.

use serde_yaml::Value;

use super::{JsonPath, display_location};

const DOC: &str = r#"
components:
  schemas:
    Contact:
      required: [id, language]
      properties:
        id: {type: string}
        language: {$ref: '#/components/schemas/ContactLanguage'}
    "it's odd":
      type: string
    ContactLanguage:
      type: string
      enum: [EN, FR, DE]
paths:
  /v1/contacts:
    get:
      parameters:
        - name: page_size
          in: query
        - name: page_token
          in: query
        - name: 7
          in: header
"#;

fn doc() -> Value {
    serde_yaml::from_str(DOC).unwrap()
}

/// The normalized paths selected by `path`, in order.
fn select(path: &str) -> Vec<String> {
    JsonPath::parse(path)
        .unwrap_or_else(|error| panic!("{path}: {error}"))
        .select(&doc())
        .iter()
        .map(|location| display_location(location))
        .collect()
}

#[test]
fn root_selects_the_document() {
    assert_eq!(select("$"), ["$"]);
}

#[test]
fn dot_and_bracket_children_select_the_same_node() {
    let expected = ["$['components']['schemas']['Contact']['required']"];
    assert_eq!(select("$.components.schemas.Contact.required"), expected);
    assert_eq!(
        select("$['components'][\"schemas\"]['Contact'].required"),
        expected
    );
    assert_eq!(
        select("$.paths['/v1/contacts'].get"),
        ["$['paths']['/v1/contacts']['get']"]
    );
}

#[test]
fn escapes_in_quoted_names_are_decoded() {
    assert_eq!(
        select(r"$.components.schemas['it\'s odd'].type"),
        [r"$['components']['schemas']['it\'s odd']['type']"]
    );
    assert_eq!(
        select(r#"$.components.schemas["it\u0027s odd"]"#),
        [r"$['components']['schemas']['it\'s odd']"]
    );
}

#[test]
fn indexes_count_from_either_end() {
    assert_eq!(
        select("$.components.schemas.Contact.required[0]"),
        ["$['components']['schemas']['Contact']['required'][0]"]
    );
    assert_eq!(
        select("$.components.schemas.Contact.required[-1]"),
        ["$['components']['schemas']['Contact']['required'][1]"]
    );
    assert!(select("$.components.schemas.Contact.required[2]").is_empty());
    assert!(select("$.components.schemas.Contact.required[-3]").is_empty());
}

#[test]
fn wildcard_selects_every_child_in_document_order() {
    assert_eq!(
        select("$.components.schemas.*"),
        [
            "$['components']['schemas']['Contact']",
            "$['components']['schemas']['it\\'s odd']",
            "$['components']['schemas']['ContactLanguage']",
        ]
    );
    assert_eq!(
        select("$.components.schemas.ContactLanguage.enum[*]"),
        [
            "$['components']['schemas']['ContactLanguage']['enum'][0]",
            "$['components']['schemas']['ContactLanguage']['enum'][1]",
            "$['components']['schemas']['ContactLanguage']['enum'][2]",
        ]
    );
}

#[test]
fn unions_keep_the_order_written() {
    assert_eq!(
        select("$.components.schemas['ContactLanguage','Contact'].type"),
        ["$['components']['schemas']['ContactLanguage']['type']"]
    );
    assert_eq!(
        select("$.components.schemas.Contact.required[1,0]"),
        [
            "$['components']['schemas']['Contact']['required'][1]",
            "$['components']['schemas']['Contact']['required'][0]",
        ]
    );
}

#[test]
fn descendant_segments_search_every_depth() {
    assert_eq!(
        select("$..type"),
        [
            "$['components']['schemas']['Contact']['properties']['id']['type']",
            "$['components']['schemas']['it\\'s odd']['type']",
            "$['components']['schemas']['ContactLanguage']['type']",
        ]
    );
    assert_eq!(
        select("$.paths..['in']"),
        [
            "$['paths']['/v1/contacts']['get']['parameters'][0]['in']",
            "$['paths']['/v1/contacts']['get']['parameters'][1]['in']",
            "$['paths']['/v1/contacts']['get']['parameters'][2]['in']",
        ]
    );
    assert_eq!(select("$.components.schemas.Contact.required..*").len(), 2);
}

#[test]
fn filters_compare_a_member_of_each_child() {
    let parameters = "$.paths['/v1/contacts'].get.parameters";
    assert_eq!(
        select(&format!("{parameters}[?(@.name == 'page_token')]")),
        ["$['paths']['/v1/contacts']['get']['parameters'][1]"]
    );
    assert_eq!(
        select(&format!("{parameters}[?@.name != 'page_token']")),
        [
            "$['paths']['/v1/contacts']['get']['parameters'][0]",
            "$['paths']['/v1/contacts']['get']['parameters'][2]",
        ]
    );
    assert_eq!(
        select(&format!("{parameters}[?@.name == 7]")),
        ["$['paths']['/v1/contacts']['get']['parameters'][2]"]
    );
    // A string never equals a number.
    assert!(select(&format!("{parameters}[?@.name == '7']")).is_empty());
    assert_eq!(
        select("$.components.schemas[?@.enum]"),
        ["$['components']['schemas']['ContactLanguage']"]
    );
    assert_eq!(
        select("$.components.schemas[?@.properties.id.type == \"string\"]"),
        ["$['components']['schemas']['Contact']"]
    );
}

#[test]
fn a_path_through_something_absent_selects_nothing() {
    assert!(select("$.components.schemas.Missing.required").is_empty());
    assert!(select("$.components.schemas.Contact.required.name").is_empty());
    assert!(select("$.components[0]").is_empty());
}

#[test]
fn malformed_paths_are_refused_with_the_position() {
    for (path, message, position) in [
        ("components.schemas", "a JSONPath starts with `$`", 0),
        ("$.", "expected a member name after `.`", 2),
        ("$.a-b", "unexpected `-`", 3),
        ("$['a'", "expected `,` or `]`", 5),
        ("$['a", "unterminated string", 4),
        ("$[1:2]", "array slices", 3),
        ("$[?@.a == 'x' && @.b]", "logical operators", 14),
        ("$[?(@.a == 'x']", "expected `)`", 14),
        ("$['\\q']", "unknown escape `\\q`", 4),
        ("$[?@.a == x]", "expected a string, a number", 10),
        ("$[", "unterminated `[`", 2),
    ] {
        let error = JsonPath::parse(path).unwrap_err();
        assert!(
            error.message.contains(message) && error.position == position,
            "{path}: got {error}"
        );
    }
}

mod robustness {
    use proptest::prelude::*;

    use super::super::JsonPath;
    use super::doc;

    /// Text made of JSONPath's own characters, so most inputs get deep into the parser.
    fn path_like() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(vec![
                "$",
                ".",
                "..",
                "[",
                "]",
                "'",
                "\"",
                "\\",
                "*",
                "?",
                "(",
                ")",
                "@",
                "==",
                "!=",
                "=",
                "!",
                ",",
                "-",
                "0",
                "7",
                "-1",
                "a",
                "components",
                "schemas",
                "u0027",
                "\\u",
                " ",
                ":",
                "&&",
                "true",
                "null",
                "é",
            ]),
            0..24,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_at_a_position_inside_it(text in path_like()) {
            match JsonPath::parse(&text) {
                Ok(path) => {
                    // Whatever it selects is really there.
                    let document = doc();
                    for location in path.select(&document) {
                        prop_assert!(super::super::node_at(&document, &location).is_some());
                    }
                }
                Err(error) => prop_assert!(error.position <= text.chars().count(), "{error}"),
            }
        }
    }
}
