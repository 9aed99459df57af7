//! Lowering OpenAPI schemas to the intermediate representation.
//!
//! Every problem is recorded with its schema name and location, and lowering goes on so that one
//! run reports all of them. In lenient mode problems become warnings and the construct is mapped
//! to `serde_json::Value`.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::Value;

use crate::codegen::docs::schema_docs;
use crate::codegen::error::Problem;
use crate::codegen::ir::{TypeDef, TypeKind, TypeRef};
use crate::codegen::naming::{UniqueNames, pascal_case, type_name};
use crate::codegen::spec::{Spec, schema_ref_name, schema_ref_owner};

mod aliases;
mod compose;
mod enums;
mod objects;
mod schema_facts;

use aliases::wrap_self_containing_aliases;

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
        merging: Vec::new(),
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
    crate::codegen::cycles::box_recursive_fields(&mut lowerer.defs);
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
    /// The `allOf` schemas whose merged members are being lowered, outermost first, with where
    /// each was met: to refuse an `allOf` that meets itself again among the members it copies.
    merging: Vec<(Value, Ctx)>,
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
    /// The context of a schema inside this one, at `path`: keywords and indices separated by
    /// `/` (such as `oneOf/1`), never member names, which would need escaping.
    fn child(&self, path: &str, hint_suffix: &str) -> Self {
        Self {
            owner: self.owner.clone(),
            location: format!("{}/{path}", self.location),
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
}
