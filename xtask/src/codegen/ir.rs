//! The intermediate representation between OpenAPI schemas and Rust source: what each generated
//! type is, independent of how it is printed.

/// A Rust type expression used by a field, a variant or an alias.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TypeRef {
    /// A generated type, by its Rust name.
    Named(String),
    String,
    Bool,
    I32,
    I64,
    U32,
    U64,
    F32,
    F64,
    /// Any JSON value.
    Json,
    /// A JSON object with arbitrary members.
    JsonObject,
    Vec(Box<TypeRef>),
    /// A map from string keys to values of the given type.
    Map(Box<TypeRef>),
}

/// A generated type definition.
#[derive(Debug, Clone)]
pub(crate) struct TypeDef {
    /// The Rust name.
    pub(crate) name: String,
    /// The schema it comes from (`#/components/schemas/...` key or a synthesized location).
    pub(crate) origin: String,
    /// The top-level schema whose file this type is written to.
    pub(crate) file_owner: String,
    /// Doc comment lines.
    pub(crate) docs: Vec<String>,
    pub(crate) kind: TypeKind,
}

#[derive(Debug, Clone)]
pub(crate) enum TypeKind {
    Struct(StructDef),
    Enum(EnumDef),
    Union(UnionDef),
    Alias(TypeRef),
    /// A transparent wrapper: an alias that would contain itself (`type Tree = Vec<Tree>` is
    /// refused by Rust, `struct Tree(Vec<Tree>)` is not).
    Newtype(TypeRef),
}

#[derive(Debug, Clone)]
pub(crate) struct StructDef {
    pub(crate) fields: Vec<Field>,
    /// Unknown members are kept in a map field (its Rust name, its value type), from
    /// `additionalProperties`.
    pub(crate) additional: Option<(String, TypeRef)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The JSON member name.
    pub(crate) json_name: String,
    /// The Rust field name (without `r#`).
    pub(crate) rust_name: String,
    pub(crate) ty: TypeRef,
    /// Required and not nullable: the field is `T` rather than `Option<T>` / an empty collection.
    pub(crate) required: bool,
    /// Set after lowering when the field closes a cycle of by-value containment.
    pub(crate) boxed: bool,
    /// The field's members sit beside the struct's own (`#[serde(flatten)]`): a `oneOf` inside an
    /// `allOf`.
    pub(crate) flatten: bool,
    pub(crate) docs: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct EnumDef {
    pub(crate) variants: Vec<EnumVariant>,
    /// The Rust name of the variant that is the schema's `default`.
    pub(crate) default: Option<String>,
    /// The name of the catch-all variant that keeps unknown values.
    pub(crate) catch_all: String,
}

#[derive(Debug, Clone)]
pub(crate) struct EnumVariant {
    pub(crate) value: String,
    pub(crate) rust_name: String,
    pub(crate) docs: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct UnionDef {
    pub(crate) variants: Vec<UnionVariant>,
    /// `(property, [(value, variant rust name)])` when the schema declares a discriminator.
    pub(crate) discriminator: Option<(String, Vec<(String, String)>)>,
    /// The name of the catch-all variant that keeps unknown shapes as JSON.
    pub(crate) catch_all: String,
}

#[derive(Debug, Clone)]
pub(crate) struct UnionVariant {
    pub(crate) rust_name: String,
    pub(crate) ty: TypeRef,
    pub(crate) boxed: bool,
    pub(crate) docs: Vec<String>,
}
