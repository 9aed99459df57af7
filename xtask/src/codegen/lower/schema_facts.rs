//! Facts read off a schema without lowering it.

use serde_yaml::Value;

use crate::codegen::docs::scalar_text;

/// Whether a value of the schema may be JSON `null`.
pub(crate) fn is_nullable(schema: &Value) -> bool {
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        return true;
    }
    if let Some(Value::Sequence(types)) = schema.get("type")
        && types.iter().any(|name| name.as_str() == Some("null"))
    {
        return true;
    }
    ["oneOf", "anyOf"]
        .iter()
        .filter_map(|keyword| schema.get(*keyword).and_then(Value::as_sequence))
        .flatten()
        .any(is_null_schema)
}

pub(super) fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema
            .get("enum")
            .and_then(Value::as_sequence)
            .is_some_and(|values| values.len() == 1 && values[0].is_null())
}

/// An alternative that only constrains (`{required: [x]}`) and adds no shape of its own.
pub(super) fn is_constraint_only(schema: &Value) -> bool {
    schema.as_mapping().is_some_and(|map| {
        map.keys().all(|key| {
            matches!(
                key.as_str(),
                Some("required" | "description" | "title" | "minProperties" | "maxProperties")
            )
        })
    })
}

/// A mapping key as text (YAML keys can be numbers: `200:`).
pub(crate) fn key_text(key: &Value) -> String {
    scalar_text(key)
}
