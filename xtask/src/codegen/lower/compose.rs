//! Composed schemas: `oneOf`/`anyOf` unions (with discriminators) and `allOf` merges.

use std::collections::BTreeSet;

use serde_yaml::{Mapping, Value};

use super::schema_facts::{is_constraint_only, is_null_schema, key_text};
use super::{Ctx, Lowerer, Shape};
use crate::codegen::error::Problem;
use crate::codegen::ir::{Field, TypeKind, TypeRef, UnionDef, UnionVariant};
use crate::codegen::naming::{UniqueNames, pascal_case, type_name};
use crate::codegen::spec::schema_ref_name;

impl Lowerer<'_> {
    pub(super) fn union_shape(&mut self, schema: &Value, ctx: &Ctx) -> Shape {
        let keyword = if schema.get("oneOf").is_some() {
            "oneOf"
        } else {
            "anyOf"
        };
        let Some(alternatives) = schema.get(keyword).and_then(Value::as_sequence) else {
            return self.unsupported(ctx, format!("`{keyword}` must be a list of schemas"));
        };
        let alternatives: Vec<(usize, &Value)> = alternatives
            .iter()
            .enumerate()
            .filter(|(_, alternative)| !is_null_schema(alternative))
            .collect();
        if alternatives
            .iter()
            .all(|(_, alternative)| is_constraint_only(alternative))
        {
            // `oneOf: [{required: [a]}, {required: [b]}]` constrains an object; it adds no shape.
            return self.object_or_any(schema, ctx);
        }
        if schema.get("properties").is_some() {
            self.warnings.push(Problem::in_schema(
                &ctx.owner,
                &ctx.location,
                format!("`properties` beside `{keyword}`: generated as an object from `properties`, the alternatives are not expressed"),
            ));
            return self.object_shape(schema, ctx);
        }
        if let [(index, single)] = alternatives.as_slice() {
            return self.shape(single, &ctx.child(&format!("{keyword}/{index}"), ""));
        }
        let mut variant_names = UniqueNames::default();
        let mut variants = Vec::new();
        let mut ref_targets: Vec<(String, String)> = Vec::new();
        for (index, alternative) in &alternatives {
            let wanted = variant_name(alternative, &ctx.hint, *index);
            let rust_name = variant_names.claim(&wanted);
            let alternative_ctx = ctx.child(&format!("{keyword}/{index}"), &rust_name);
            let ty = self.type_of(alternative, &alternative_ctx);
            if let Some(target) = alternative.get("$ref").and_then(Value::as_str) {
                ref_targets.push((target.to_owned(), rust_name.clone()));
            }
            let docs = match &ty {
                TypeRef::Named(name) => vec![format!("A [`{name}`].")],
                _ => vec![format!("Alternative {} of the `{keyword}`.", index + 1)],
            };
            variants.push(UnionVariant {
                rust_name,
                ty,
                boxed: false,
                docs,
            });
        }
        let catch_all = variant_names.claim("Unrecognized");
        let discriminator = self.discriminator(schema, &ref_targets, ctx);
        Shape::Def(TypeKind::Union(UnionDef {
            variants,
            discriminator,
            catch_all,
        }))
    }

    fn object_or_any(&mut self, schema: &Value, ctx: &Ctx) -> Shape {
        if schema.get("properties").is_some()
            || schema.get("type").and_then(Value::as_str) == Some("object")
        {
            self.object_shape(schema, ctx)
        } else {
            Shape::Simple(TypeRef::JsonObject)
        }
    }

    fn discriminator(
        &mut self,
        schema: &Value,
        ref_targets: &[(String, String)],
        ctx: &Ctx,
    ) -> Option<(String, Vec<(String, String)>)> {
        let discriminator = schema.get("discriminator")?;
        let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
            self.problem(ctx, "`discriminator` needs a `propertyName`");
            return None;
        };
        let variant_for = |target: &str| -> Option<String> {
            ref_targets
                .iter()
                .find(|(reference, _)| {
                    reference == target || schema_ref_name(reference).as_deref() == Some(target)
                })
                .map(|(_, variant)| variant.clone())
        };
        let mut mapping = Vec::new();
        if let Some(explicit) = discriminator.get("mapping").and_then(Value::as_mapping) {
            for (value, target) in explicit {
                let value = key_text(value);
                match target.as_str().and_then(variant_for) {
                    Some(variant) => mapping.push((value, variant)),
                    None => self.warnings.push(Problem::in_schema(
                        &ctx.owner,
                        &ctx.location,
                        format!("discriminator value `{value}` maps to a schema that is not an alternative; such payloads are kept as JSON"),
                    )),
                }
            }
        }
        for (reference, variant) in ref_targets {
            if let Some(name) = schema_ref_name(reference)
                && !mapping.iter().any(|(_, mapped)| mapped == variant)
            {
                mapping.push((name, variant.clone()));
            }
        }
        Some((property.to_owned(), mapping))
    }

    pub(super) fn all_of_shape(&mut self, schema: &Value, ctx: &Ctx) -> Shape {
        let Some(parts) = schema.get("allOf").and_then(Value::as_sequence) else {
            return self.unsupported(ctx, "`allOf` must be a list of schemas");
        };
        let has_own_members =
            schema.get("properties").is_some() || schema.get("additionalProperties").is_some();
        if let ([single], false) = (parts.as_slice(), has_own_members) {
            // The common "reference plus a description" wrapper.
            return self.shape(single, &ctx.child("allOf/0", ""));
        }
        if let Some((_, first)) = self.merging.iter().find(|(merging, _)| merging == schema) {
            // Copied members are lowered in place, not referred to by name, so an `allOf` met
            // inside itself is lowered the same way again, without end (a `$ref` into a
            // schema's inside could only end it as a refused reference cycle). Every `allOf`
            // lowered is a node of the document or a copy of one, so an endless descent always
            // meets an equal one on this stack; without copies, a node never contains its equal.
            let first = first.clone();
            return self.unsupported(
                &first,
                format!(
                    "`allOf` contains itself through the members it copies from a `$ref` (met again at {}), so its inline type would be infinite; make it a component schema and refer to it with `$ref`",
                    ctx.location
                ),
            );
        }
        self.merging.push((schema.clone(), ctx.clone()));
        let shape = self.merged_shape(parts, schema, ctx);
        self.merging.pop();
        shape
    }

    /// The struct holding the members of every part of an `allOf` (and its own members).
    fn merged_shape(&mut self, parts: &[Value], schema: &Value, ctx: &Ctx) -> Shape {
        let mut merged = ObjectParts::default();
        let mut visited = BTreeSet::new();
        for (index, part) in parts.iter().enumerate() {
            let part_ctx = ctx.child(&format!("allOf/{index}"), "");
            if let Err(message) = self.collect_object_parts(part, &mut merged, &mut visited) {
                return self.unsupported(&part_ctx, message);
            }
        }
        if let Err(message) =
            self.collect_object_parts(&own_members(schema), &mut merged, &mut visited)
        {
            return self.unsupported(ctx, message);
        }
        let unions = std::mem::take(&mut merged.unions);
        let synthetic = merged.into_schema();
        if unions.is_empty() {
            return self.object_shape(&synthetic, ctx);
        }
        // `allOf: [oneOf: [...], {...}]`: the struct's own members plus the chosen alternative's,
        // side by side in one JSON object.
        let (mut def, mut field_names) = self.struct_def(&synthetic, ctx);
        let count = unions.len();
        for (index, union) in unions.iter().enumerate() {
            let suffix = if count == 1 {
                "OneOf".to_owned()
            } else {
                format!("OneOf{}", index + 1)
            };
            let ty = self.type_of(union, &ctx.child("allOf", &suffix));
            def.fields.push(Field {
                json_name: String::new(),
                rust_name: field_names.claim(&crate::codegen::naming::snake_case(&suffix)),
                ty,
                required: true,
                boxed: false,
                flatten: true,
                docs: vec!["The alternative (`oneOf`) this value takes; its members sit beside the others in JSON.".to_owned()],
            });
        }
        Shape::Def(TypeKind::Struct(def))
    }

    /// Adds the members of an object-like schema (following `$ref`s and nested `allOf`s).
    fn collect_object_parts(
        &self,
        part: &Value,
        merged: &mut ObjectParts,
        visited: &mut BTreeSet<String>,
    ) -> Result<(), String> {
        if let Some(reference) = part.get("$ref").and_then(Value::as_str) {
            if !visited.insert(reference.to_owned()) {
                return Ok(());
            }
            let target = self
                .spec
                .resolve(reference)
                .map_err(|error| error.to_string())?;
            return self.collect_object_parts(target, merged, visited);
        }
        if part.get("oneOf").is_some() || part.get("anyOf").is_some() {
            let constraint_only = ["oneOf", "anyOf"]
                .iter()
                .filter_map(|keyword| part.get(*keyword).and_then(Value::as_sequence))
                .flatten()
                .all(is_constraint_only);
            if !constraint_only {
                let mut union = Mapping::new();
                for keyword in ["oneOf", "anyOf", "discriminator", "description"] {
                    if let Some(value) = part.get(keyword) {
                        union.insert(keyword.into(), value.clone());
                    }
                }
                merged.unions.push(Value::Mapping(union));
            }
        }
        if let Some(nested) = part.get("allOf").and_then(Value::as_sequence) {
            for nested_part in nested {
                self.collect_object_parts(nested_part, merged, visited)?;
            }
        }
        if part.get("enum").is_some()
            || matches!(
                part.get("type").and_then(Value::as_str),
                Some("string" | "integer" | "number" | "boolean" | "array")
            )
        {
            return Err("`allOf` combines a schema that is not an object".to_owned());
        }
        merged.add(part);
        Ok(())
    }
}

/// The members gathered from the parts of an `allOf`.
#[derive(Default)]
struct ObjectParts {
    properties: Mapping,
    required: Vec<Value>,
    additional: Option<Value>,
    /// `oneOf`/`anyOf` parts, each becoming a flattened field.
    unions: Vec<Value>,
}

impl ObjectParts {
    fn add(&mut self, part: &Value) {
        if let Some(properties) = part.get("properties").and_then(Value::as_mapping) {
            for (key, value) in properties {
                self.properties.insert(key.clone(), value.clone());
            }
        }
        if let Some(required) = part.get("required").and_then(Value::as_sequence) {
            for name in required {
                if !self.required.contains(name) {
                    self.required.push(name.clone());
                }
            }
        }
        if let Some(additional) = part.get("additionalProperties")
            && additional != &Value::Bool(false)
        {
            self.additional = Some(additional.clone());
        }
    }

    fn into_schema(self) -> Value {
        let mut schema = Mapping::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Mapping(self.properties));
        schema.insert("required".into(), Value::Sequence(self.required));
        if let Some(additional) = self.additional {
            schema.insert("additionalProperties".into(), additional);
        }
        Value::Mapping(schema)
    }
}

/// The schema's own `properties`/`required`/`additionalProperties`, beside its `allOf`.
fn own_members(schema: &Value) -> Value {
    let mut own = Mapping::new();
    for key in ["properties", "required", "additionalProperties"] {
        if let Some(value) = schema.get(key) {
            own.insert(key.into(), value.clone());
        }
    }
    Value::Mapping(own)
}

/// A variant name for an alternative of a `oneOf`: the referenced schema's name without the
/// union's own name as prefix, the single property of a protobuf-style alternative, a title, or
/// the JSON type.
fn variant_name(alternative: &Value, union_name: &str, index: usize) -> String {
    if let Some(reference) = alternative.get("$ref").and_then(Value::as_str) {
        let last = schema_ref_name(reference)
            .unwrap_or_else(|| reference.rsplit('/').next().unwrap_or_default().to_owned());
        let full = type_name(&last);
        return match full.strip_prefix(union_name) {
            Some(rest)
                if !rest.is_empty() && rest.starts_with(|c: char| c.is_ascii_uppercase()) =>
            {
                rest.to_owned()
            }
            _ => full,
        };
    }
    if let Some(title) = alternative.get("title").and_then(Value::as_str) {
        return pascal_case(title);
    }
    if let Some(properties) = alternative.get("properties").and_then(Value::as_mapping)
        && properties.len() == 1
        && let Some((key, _)) = properties.iter().next()
    {
        return pascal_case(&key_text(key));
    }
    match alternative.get("type").and_then(Value::as_str) {
        Some("string") => "String".to_owned(),
        Some("integer") => "Integer".to_owned(),
        Some("number") => "Number".to_owned(),
        Some("boolean") => "Boolean".to_owned(),
        Some("array") => "Array".to_owned(),
        Some("object") => "Object".to_owned(),
        _ => format!("Variant{}", index + 1),
    }
}
