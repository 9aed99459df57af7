//! Property test: whatever schemas a description holds, the generator answers with files or a
//! report, never a panic, and never emits code that does not parse.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::{Selection, generate_from_text};

/// Names that stress identifier rules: keywords, prelude types, support names, digits, spaces.
const NAMES: &[&str] = &[
    "Contact",
    "contact",
    "Self",
    "self",
    "crate",
    "super",
    "type",
    "Value",
    "Option",
    "Result",
    "mod",
    "support",
    "UnrecognizedValue",
    "RawJson",
    "a b",
    "1abc",
    "",
    "@type",
    "x-y.z",
    "Unrecognized",
    "Empty",
    "HTTPServer",
    "httpServer",
];

fn name() -> impl Strategy<Value = String> {
    proptest::sample::select(NAMES).prop_map(str::to_owned)
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "string", "format": "date-time"})),
        Just(json!({"type": "integer", "format": "int32"})),
        Just(json!({"type": "integer", "format": "weird"})),
        Just(json!({"type": "number", "format": "float"})),
        Just(json!({"type": "boolean"})),
        Just(json!({})),
        Just(json!(true)),
        Just(json!({"type": "null"})),
        Just(json!({"type": ["string", "null"]})),
        Just(json!({"type": ["string", "integer"]})),
        Just(json!({"type": "weird"})),
        Just(json!({"not": {"type": "string"}})),
        Just(json!({"$ref": "other.yaml#/X"})),
        Just(json!({"enum": [1, 2, 3]})),
        Just(json!({"enum": [true, "mixed", null]})),
        proptest::collection::vec(name(), 0..5)
            .prop_map(|values| json!({"type": "string", "enum": values, "default": "self"})),
        name().prop_map(|target| json!({"$ref": format!("#/components/schemas/{target}")})),
        name().prop_map(
            |target| json!({"$ref": format!("#/components/schemas/{target}/properties/type")})
        ),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            (
                proptest::collection::btree_map(name(), inner.clone(), 0..4),
                proptest::collection::vec(name(), 0..3),
                prop_oneof![
                    Just(Value::Null),
                    Just(json!(true)),
                    Just(json!(false)),
                    inner.clone()
                ],
            )
                .prop_map(|(properties, required, additional)| {
                    let mut object = Map::new();
                    object.insert("type".into(), json!("object"));
                    object.insert(
                        "properties".into(),
                        Value::Object(properties.into_iter().collect()),
                    );
                    object.insert("required".into(), json!(required));
                    if !additional.is_null() {
                        object.insert("additionalProperties".into(), additional);
                    }
                    Value::Object(object)
                }),
            inner
                .clone()
                .prop_map(|items| json!({"type": "array", "items": items})),
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|options| json!({"oneOf": options})),
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|options| json!({"anyOf": options, "nullable": true})),
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|parts| json!({"allOf": parts})),
            (proptest::collection::vec(inner.clone(), 1..4), name()).prop_map(
                |(options, property)| {
                    json!({"oneOf": options, "discriminator": {"propertyName": property}})
                }
            ),
            (proptest::collection::vec(inner.clone(), 1..3), inner)
                .prop_map(|(options, base)| { json!({"allOf": [{"oneOf": options}, base]}) }),
        ]
    })
}

fn description() -> impl Strategy<Value = String> {
    proptest::collection::btree_map(name(), schema(), 0..6).prop_map(|schemas| {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "random", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        })
        .to_string()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn any_description_gives_parseable_files_or_a_report(text in description()) {
        for lenient in [false, true] {
            match generate_from_text(&text, "random.yaml", &Selection::All, lenient) {
                Ok(generated) => {
                    for file in &generated.files {
                        let parsed = syn::parse_file(&file.contents);
                        prop_assert!(parsed.is_ok(), "{} does not parse: {:?}\n{}", file.name, parsed.err(), file.contents);
                    }
                }
                Err(error) => {
                    let message = error.to_string();
                    prop_assert!(!message.contains("internal error"), "{message}\n{text}");
                }
            }
        }
    }
}
