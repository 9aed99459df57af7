//! Objects, arrays and maps: structs with their fields, and map types for `additionalProperties`.

use std::collections::BTreeSet;

use serde_yaml::{Mapping, Value};

use super::schema_facts::{is_nullable, key_text};
use super::{Ctx, Lowerer, Shape};
use crate::codegen::docs::schema_docs;
use crate::codegen::ir::{Field, StructDef, TypeKind, TypeRef};
use crate::codegen::naming::{UniqueNames, field_name, pascal_case};

impl Lowerer<'_> {
    pub(super) fn array_shape(&mut self, schema: &Value, ctx: &Ctx) -> Shape {
        let item = match schema.get("items") {
            Some(items) if items.is_sequence() => {
                return self.unsupported(
                    ctx,
                    "tuple-style `items` (a list of schemas) is not supported",
                );
            }
            Some(items) => self.type_of(items, &ctx.child("items", "Item")),
            None => TypeRef::Json,
        };
        Shape::Simple(TypeRef::Vec(Box::new(item)))
    }

    fn additional_type(&mut self, schema: &Value, ctx: &Ctx) -> Option<TypeRef> {
        match schema.get("additionalProperties") {
            None | Some(Value::Bool(false)) => None,
            Some(Value::Bool(true)) => Some(TypeRef::Json),
            Some(Value::Mapping(map)) if map.is_empty() => Some(TypeRef::Json),
            Some(additional) => {
                Some(self.type_of(additional, &ctx.child("additionalProperties", "Value")))
            }
        }
    }

    /// An object: a struct when it declares properties, else a map (`additionalProperties`).
    pub(super) fn object_shape(&mut self, schema: &Value, ctx: &Ctx) -> Shape {
        let has_properties = schema
            .get("properties")
            .and_then(Value::as_mapping)
            .is_some_and(|properties| !properties.is_empty());
        if !has_properties {
            return Shape::Simple(match self.additional_type(schema, ctx) {
                None | Some(TypeRef::Json) => TypeRef::JsonObject,
                Some(value) => TypeRef::Map(Box::new(value)),
            });
        }
        Shape::Def(TypeKind::Struct(self.struct_def(schema, ctx).0))
    }

    /// The struct for an object schema, and the field names it took.
    pub(super) fn struct_def(&mut self, schema: &Value, ctx: &Ctx) -> (StructDef, UniqueNames) {
        let empty = Mapping::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_mapping)
            .unwrap_or(&empty);
        let additional = self.additional_type(schema, ctx);
        let required: BTreeSet<String> = schema
            .get("required")
            .and_then(Value::as_sequence)
            .map(|names| {
                names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut field_names = UniqueNames::default();
        let mut fields = Vec::new();
        for (key, property) in properties {
            let json_name = key_text(key);
            let property_ctx = Ctx {
                owner: ctx.owner.clone(),
                location: format!(
                    "{}/properties/{}",
                    ctx.location,
                    json_name.replace('~', "~0").replace('/', "~1")
                ),
                hint: format!("{}{}", ctx.hint, pascal_case(&json_name)),
            };
            let ty = self.type_of(property, &property_ctx);
            let required = required.contains(&json_name) && !is_nullable(property);
            let mut docs = schema_docs(property);
            if docs.is_empty() {
                docs = self.referenced_summary(property);
            }
            if docs.is_empty() {
                docs.push(format!("The `{json_name}` member."));
            }
            fields.push(Field {
                rust_name: field_names.claim(&field_name(&json_name)),
                json_name,
                ty,
                required,
                boxed: false,
                flatten: false,
                docs,
            });
        }
        let additional = additional.map(|ty| (field_names.claim("additional_properties"), ty));
        (StructDef { fields, additional }, field_names)
    }
}
