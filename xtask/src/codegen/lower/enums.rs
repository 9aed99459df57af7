//! String enums (open Rust enums) and enums of other types (their base type).

use std::collections::BTreeMap;

use serde_yaml::Value;

use super::schema_facts::key_text;
use super::{Ctx, Lowerer, Shape};
use crate::codegen::docs::{markdown_lines, scalar_text};
use crate::codegen::ir::{EnumDef, EnumVariant, TypeKind, TypeRef};
use crate::codegen::naming::{UniqueNames, pascal_case};

impl Lowerer<'_> {
    pub(super) fn enum_shape(&mut self, schema: &Value, values: &[Value], ctx: &Ctx) -> Shape {
        let non_null: Vec<&Value> = values.iter().filter(|value| !value.is_null()).collect();
        if non_null.is_empty() {
            return Shape::Simple(TypeRef::Json);
        }
        if non_null.iter().all(|value| value.is_string()) {
            let descriptions = enum_descriptions(schema);
            let mut variant_names = UniqueNames::default();
            let variants: Vec<EnumVariant> = non_null
                .iter()
                .enumerate()
                .map(|(index, value)| {
                    let value = scalar_text(value);
                    let docs = match descriptions
                        .get(index)
                        .or_else(|| descriptions.get_by_value(&value))
                    {
                        Some(description) => markdown_lines(description),
                        None => vec![format!("The value `{value}`.")],
                    };
                    EnumVariant {
                        rust_name: variant_names.claim(&pascal_case(&value)),
                        value,
                        docs,
                    }
                })
                .collect();
            let default = schema
                .get("default")
                .and_then(Value::as_str)
                .and_then(|default| variants.iter().find(|variant| variant.value == default))
                .map(|variant| variant.rust_name.clone());
            let catch_all = if variant_names.contains("Unrecognized") {
                variant_names.claim("UnrecognizedValue")
            } else {
                "Unrecognized".to_owned()
            };
            return Shape::Def(TypeKind::Enum(EnumDef {
                variants,
                default,
                catch_all,
            }));
        }
        if non_null.iter().all(|value| value.as_i64().is_some()) {
            return Shape::Simple(match schema.get("format").and_then(Value::as_str) {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            });
        }
        if non_null.iter().all(|value| value.is_number()) {
            return Shape::Simple(TypeRef::F64);
        }
        if non_null.iter().all(|value| value.is_bool()) {
            return Shape::Simple(TypeRef::Bool);
        }
        let _ = ctx;
        Shape::Simple(TypeRef::Json)
    }
}

/// Per-value descriptions from `x-enum-descriptions` / `x-enumDescriptions` (a list in value
/// order, or a map from value to text).
struct EnumDescriptions {
    by_index: Vec<String>,
    by_value: BTreeMap<String, String>,
}

impl EnumDescriptions {
    pub(super) fn get(&self, index: usize) -> Option<&String> {
        self.by_index.get(index)
    }

    pub(super) fn get_by_value(&self, value: &str) -> Option<&String> {
        self.by_value.get(value)
    }
}

fn enum_descriptions(schema: &Value) -> EnumDescriptions {
    let source = schema
        .get("x-enum-descriptions")
        .or_else(|| schema.get("x-enumDescriptions"));
    let mut descriptions = EnumDescriptions {
        by_index: Vec::new(),
        by_value: BTreeMap::new(),
    };
    match source {
        Some(Value::Sequence(items)) => {
            descriptions.by_index = items.iter().map(scalar_text).collect();
        }
        Some(Value::Mapping(map)) => {
            descriptions.by_value = map
                .iter()
                .map(|(key, value)| (key_text(key), scalar_text(value)))
                .collect();
        }
        _ => {}
    }
    descriptions
}
