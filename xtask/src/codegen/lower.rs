//! Lowering OpenAPI schemas to the intermediate representation.
//!
//! Every problem is recorded with its schema name and location, and lowering goes on so that one
//! run reports all of them. In lenient mode problems become warnings and the construct is mapped
//! to `serde_json::Value`.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::{Mapping, Value};

use super::docs::{scalar_text, schema_docs};
use super::error::Problem;
use super::ir::{
    EnumDef, EnumVariant, Field, StructDef, TypeDef, TypeKind, TypeRef, UnionDef, UnionVariant,
};
use super::naming::{UniqueNames, field_name, pascal_case, type_name};
use super::spec::{Spec, schema_ref_name, schema_ref_owner};

/// Names the generated support module defines; schemas may not take them.
pub(crate) const SUPPORT_TYPE_NAMES: &[&str] = &["UnrecognizedValue"];

/// The result of lowering: the type definitions in creation order, and warnings.
#[derive(Debug)]
pub(crate) struct Lowered {
    pub(crate) defs: Vec<TypeDef>,
    pub(crate) warnings: Vec<Problem>,
}

/// Lowers the selected component schemas (and the inline types they contain).
pub(crate) fn lower(
    spec: &Spec,
    selected: &BTreeSet<String>,
    lenient: bool,
) -> Result<Lowered, Vec<Problem>> {
    let mut names = UniqueNames::with_reserved(SUPPORT_TYPE_NAMES.iter().copied());
    let schema_names: BTreeMap<String, String> = selected
        .iter()
        .map(|key| (key.clone(), names.claim(&type_name(key))))
        .collect();
    let mut lowerer = Lowerer {
        spec,
        lenient,
        names,
        schema_names,
        defs: Vec::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
        deep_refs: BTreeMap::new(),
        in_progress: BTreeSet::new(),
    };
    for key in selected {
        match spec.schema(key) {
            Some(schema) => lowerer.define_top(key, schema),
            None => lowerer.problems.push(Problem::document(format!(
                "schema `{key}` is referenced but not defined in components.schemas"
            ))),
        }
    }
    lowerer.check_alias_cycles();
    if !lowerer.problems.is_empty() {
        return Err(lowerer.problems);
    }
    wrap_self_containing_aliases(&mut lowerer.defs);
    super::cycles::box_recursive_fields(&mut lowerer.defs);
    Ok(Lowered {
        defs: lowerer.defs,
        warnings: lowerer.warnings,
    })
}

struct Lowerer<'a> {
    spec: &'a Spec,
    lenient: bool,
    names: UniqueNames,
    schema_names: BTreeMap<String, String>,
    defs: Vec<TypeDef>,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    /// Types made for references into a schema's inside, by reference.
    deep_refs: BTreeMap<String, TypeRef>,
    /// References being lowered, to refuse reference cycles without any type in between.
    in_progress: BTreeSet<String>,
}

/// Where a schema is being lowered: for error messages and names of inline types.
#[derive(Debug, Clone)]
struct Ctx {
    /// The component schema being lowered.
    owner: String,
    /// A JSON pointer to the schema at hand.
    location: String,
    /// The name an inline type defined here would get.
    hint: String,
}

impl Ctx {
    fn child(&self, segment: &str, hint_suffix: &str) -> Self {
        Self {
            owner: self.owner.clone(),
            location: format!(
                "{}/{}",
                self.location,
                segment.replace('~', "~0").replace('/', "~1")
            ),
            hint: format!("{}{}", self.hint, hint_suffix),
        }
    }
}

/// What a schema lowers to: a type expression, or a definition that still needs a name.
enum Shape {
    Simple(TypeRef),
    Def(TypeKind),
}

impl Lowerer<'_> {
    fn define_top(&mut self, key: &str, schema: &Value) {
        let name = self.schema_names[key].clone();
        let ctx = Ctx {
            owner: key.to_owned(),
            location: format!(
                "#/components/schemas/{}",
                key.replace('~', "~0").replace('/', "~1")
            ),
            hint: name.clone(),
        };
        let kind = match self.shape(schema, &ctx) {
            Shape::Simple(TypeRef::Named(target)) if target == name => {
                self.problem(
                    &ctx,
                    "the schema refers to itself without any type in between",
                );
                TypeKind::Alias(TypeRef::Json)
            }
            Shape::Simple(ty) => TypeKind::Alias(ty),
            Shape::Def(kind) => kind,
        };
        let mut docs = schema_docs(schema);
        if docs.is_empty() {
            docs.push(format!("The `{key}` schema."));
        }
        self.defs.push(TypeDef {
            name,
            origin: key.to_owned(),
            file_owner: key.to_owned(),
            docs,
            kind,
        });
    }

    /// Records a construct the generator cannot map (a warning in lenient mode).
    fn problem(&mut self, ctx: &Ctx, message: impl Into<String>) {
        let problem = Problem::in_schema(&ctx.owner, &ctx.location, message);
        if self.lenient {
            self.warnings.push(problem);
        } else {
            self.problems.push(problem);
        }
    }

    fn unsupported(&mut self, ctx: &Ctx, message: impl Into<String>) -> Shape {
        let message = message.into();
        let message = if self.lenient {
            format!("{message}; mapped to serde_json::Value")
        } else {
            format!("{message}; pass --lenient to map it to serde_json::Value instead")
        };
        self.problem(ctx, message);
        Shape::Simple(TypeRef::Json)
    }

    /// The type expression for a schema used in place (a field, an item, a variant).
    fn type_of(&mut self, schema: &Value, ctx: &Ctx) -> TypeRef {
        match self.shape(schema, ctx) {
            Shape::Simple(ty) => ty,
            Shape::Def(kind) => self.define_inline(kind, schema, ctx),
        }
    }

    fn define_inline(&mut self, kind: TypeKind, schema: &Value, ctx: &Ctx) -> TypeRef {
        let name = self.names.claim(&ctx.hint);
        let mut docs = schema_docs(schema);
        if docs.is_empty() {
            docs.push(format!("An inline type of the `{}` schema.", ctx.owner));
        }
        self.defs.push(TypeDef {
            name: name.clone(),
            origin: ctx.location.clone(),
            file_owner: ctx.owner.clone(),
            docs,
            kind,
        });
        TypeRef::Named(name)
    }

    fn shape(&mut self, schema: &Value, ctx: &Ctx) -> Shape {
        let Some(map) = schema.as_mapping() else {
            return match schema {
                Value::Bool(true) => Shape::Simple(TypeRef::Json),
                _ => self.unsupported(ctx, "a schema must be an object (or `true`)"),
            };
        };
        if let Some(reference) = map.get("$ref") {
            return match reference.as_str() {
                Some(reference) => Shape::Simple(self.ref_type(reference, ctx)),
                None => self.unsupported(ctx, "`$ref` must be a string"),
            };
        }
        if map.contains_key("not") {
            return self.unsupported(ctx, "`not` (a negated schema) has no Rust type");
        }
        if map.contains_key("oneOf") || map.contains_key("anyOf") {
            return self.union_shape(schema, ctx);
        }
        if map.contains_key("allOf") {
            return self.all_of_shape(schema, ctx);
        }
        if let Some(values) = map.get("enum").and_then(Value::as_sequence) {
            return self.enum_shape(schema, values, ctx);
        }
        let declared = match self.declared_type(schema, ctx) {
            Ok(declared) => declared,
            Err(shape) => return shape,
        };
        match declared.as_deref() {
            Some("string") => Shape::Simple(TypeRef::String),
            Some("integer") => Shape::Simple(match map.get("format").and_then(Value::as_str) {
                Some("int32") => TypeRef::I32,
                Some("uint32") => TypeRef::U32,
                Some("uint64") => TypeRef::U64,
                _ => TypeRef::I64,
            }),
            Some("number") => Shape::Simple(match map.get("format").and_then(Value::as_str) {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            }),
            Some("boolean") => Shape::Simple(TypeRef::Bool),
            Some("array") => self.array_shape(schema, ctx),
            Some("object") => self.object_shape(schema, ctx),
            Some("null") => Shape::Simple(TypeRef::Json),
            Some(other) => self.unsupported(ctx, format!("unknown type `{other}`")),
            None if map.contains_key("properties") || map.contains_key("additionalProperties") => {
                self.object_shape(schema, ctx)
            }
            None if map.contains_key("items") => self.array_shape(schema, ctx),
            None => Shape::Simple(TypeRef::Json),
        }
    }

    /// The `type` keyword: absent, one name, or (OpenAPI 3.1) a list with at most one non-null type.
    fn declared_type(&mut self, schema: &Value, ctx: &Ctx) -> Result<Option<String>, Shape> {
        match schema.get("type") {
            None => Ok(None),
            Some(Value::String(name)) => Ok(Some(name.clone())),
            Some(Value::Sequence(names)) => {
                let non_null: Vec<&str> = names
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|name| *name != "null")
                    .collect();
                match non_null.as_slice() {
                    [] => Ok(None),
                    [single] => Ok(Some((*single).to_owned())),
                    several => Err(self.unsupported(
                        ctx,
                        format!("`type` lists several types ({}); a value of one Rust type cannot be each", several.join(", ")),
                    )),
                }
            }
            Some(_) => Err(self.unsupported(ctx, "`type` must be a string")),
        }
    }

    fn ref_type(&mut self, reference: &str, ctx: &Ctx) -> TypeRef {
        if let Some(name) = schema_ref_name(reference) {
            if let Some(rust_name) = self.schema_names.get(&name) {
                return TypeRef::Named(rust_name.clone());
            }
            let message = if self.spec.schema(&name).is_none() {
                format!("`$ref: {reference}` names a schema that is not defined")
            } else {
                format!("`$ref: {reference}` names a schema outside the selection")
            };
            return self.ref_problem(ctx, message);
        }
        if let Some(ty) = self.deep_refs.get(reference) {
            return ty.clone();
        }
        if !self.in_progress.insert(reference.to_owned()) {
            return self.ref_problem(
                ctx,
                format!("`$ref: {reference}` is part of a reference cycle with no type in between"),
            );
        }
        let ty = match self.spec.resolve(reference) {
            Ok(target) => {
                let target = target.clone();
                let last = reference.rsplit('/').next().unwrap_or("Ref");
                let owner = schema_ref_owner(reference);
                let hint = match &owner {
                    Some(owner) => format!("{}{}", type_name(owner), pascal_case(last)),
                    None => pascal_case(last),
                };
                let target_ctx = Ctx {
                    owner: owner.unwrap_or_else(|| ctx.owner.clone()),
                    location: reference.to_owned(),
                    hint,
                };
                self.type_of(&target, &target_ctx)
            }
            Err(error) => self.ref_problem(ctx, error.to_string()),
        };
        self.in_progress.remove(reference);
        self.deep_refs.insert(reference.to_owned(), ty.clone());
        ty
    }

    fn ref_problem(&mut self, ctx: &Ctx, message: String) -> TypeRef {
        match self.unsupported(ctx, message) {
            Shape::Simple(ty) => ty,
            Shape::Def(_) => TypeRef::Json,
        }
    }

    fn array_shape(&mut self, schema: &Value, ctx: &Ctx) -> Shape {
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
    fn object_shape(&mut self, schema: &Value, ctx: &Ctx) -> Shape {
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
    fn struct_def(&mut self, schema: &Value, ctx: &Ctx) -> (StructDef, UniqueNames) {
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

    fn enum_shape(&mut self, schema: &Value, values: &[Value], ctx: &Ctx) -> Shape {
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
                        Some(description) => super::docs::markdown_lines(description),
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

    fn union_shape(&mut self, schema: &Value, ctx: &Ctx) -> Shape {
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

    fn all_of_shape(&mut self, schema: &Value, ctx: &Ctx) -> Shape {
        let Some(parts) = schema.get("allOf").and_then(Value::as_sequence) else {
            return self.unsupported(ctx, "`allOf` must be a list of schemas");
        };
        let has_own_members =
            schema.get("properties").is_some() || schema.get("additionalProperties").is_some();
        if let ([single], false) = (parts.as_slice(), has_own_members) {
            // The common "reference plus a description" wrapper.
            return self.shape(single, &ctx.child("allOf/0", ""));
        }
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
                rust_name: field_names.claim(&super::naming::snake_case(&suffix)),
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

    /// The first paragraph of the docs of the schema a `$ref` property points at.
    fn referenced_summary(&self, property: &Value) -> Vec<String> {
        let Some(target) = property
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| self.spec.resolve(reference).ok())
        else {
            return Vec::new();
        };
        schema_docs(target)
            .into_iter()
            .take_while(|line| !line.is_empty())
            .collect()
    }

    /// Refuses aliases that refer to each other in a loop (`A = B`, `B = A`): no Rust type can be both.
    fn check_alias_cycles(&mut self) {
        let aliases: BTreeMap<&str, &str> = self
            .defs
            .iter()
            .filter_map(|def| match &def.kind {
                TypeKind::Alias(TypeRef::Named(target)) => {
                    Some((def.name.as_str(), target.as_str()))
                }
                _ => None,
            })
            .collect();
        let mut problems = Vec::new();
        for &start in aliases.keys() {
            let mut current = start;
            let mut steps = 0;
            while let Some(&next) = aliases.get(current) {
                current = next;
                steps += 1;
                if current == start || steps > aliases.len() {
                    let origin = self
                        .defs
                        .iter()
                        .find(|def| def.name == start)
                        .map(|def| def.origin.clone())
                        .unwrap_or_default();
                    problems.push(Problem::in_schema(
                        &origin,
                        &format!("#/components/schemas/{origin}"),
                        "the schema is an alias in a cycle of aliases; no Rust type can be defined by itself",
                    ));
                    break;
                }
            }
        }
        self.problems.extend(problems);
    }
}

/// Turns aliases whose type contains the alias itself (through other aliases) into newtypes.
fn wrap_self_containing_aliases(defs: &mut [TypeDef]) {
    let aliases: BTreeMap<String, TypeRef> = defs
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Alias(ty) => Some((def.name.clone(), ty.clone())),
            _ => None,
        })
        .collect();
    for def in defs.iter_mut() {
        if let TypeKind::Alias(ty) = &def.kind {
            let mut visited = BTreeSet::new();
            if mentions(ty, &def.name, &aliases, &mut visited) {
                def.kind = TypeKind::Newtype(ty.clone());
            }
        }
    }
}

/// Whether `ty` mentions `name`, looking through aliases.
fn mentions(
    ty: &TypeRef,
    name: &str,
    aliases: &BTreeMap<String, TypeRef>,
    visited: &mut BTreeSet<String>,
) -> bool {
    match ty {
        TypeRef::Named(target) if target == name => true,
        TypeRef::Named(target) => match aliases.get(target) {
            Some(inner) if visited.insert(target.clone()) => {
                mentions(inner, name, aliases, visited)
            }
            _ => false,
        },
        TypeRef::Vec(inner) | TypeRef::Map(inner) => mentions(inner, name, aliases, visited),
        _ => false,
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

/// Per-value descriptions from `x-enum-descriptions` / `x-enumDescriptions` (a list in value
/// order, or a map from value to text).
struct EnumDescriptions {
    by_index: Vec<String>,
    by_value: BTreeMap<String, String>,
}

impl EnumDescriptions {
    fn get(&self, index: usize) -> Option<&String> {
        self.by_index.get(index)
    }

    fn get_by_value(&self, value: &str) -> Option<&String> {
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

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema
            .get("enum")
            .and_then(Value::as_sequence)
            .is_some_and(|values| values.len() == 1 && values[0].is_null())
}

/// An alternative that only constrains (`{required: [x]}`) and adds no shape of its own.
fn is_constraint_only(schema: &Value) -> bool {
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
