//! Small printers shared by every kind of type: identifiers, doc attributes, type expressions.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::codegen::ir::TypeRef;
use crate::codegen::naming::is_raw_keyword;

pub(super) fn ident(name: &str) -> Ident {
    if is_raw_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

pub(super) fn doc_attrs(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #text] }
    });
    quote! { #(#attrs)* }
}

pub(super) fn type_ref(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { #name }
        }
        TypeRef::String => quote! { String },
        TypeRef::Bool => quote! { bool },
        TypeRef::I32 => quote! { i32 },
        TypeRef::I64 => quote! { i64 },
        TypeRef::U32 => quote! { u32 },
        TypeRef::U64 => quote! { u64 },
        TypeRef::F32 => quote! { f32 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::Json => quote! { serde_json::Value },
        TypeRef::JsonObject => quote! { serde_json::Map<String, serde_json::Value> },
        TypeRef::Vec(item) => {
            let item = type_ref(item);
            quote! { Vec<#item> }
        }
        TypeRef::Map(value) => {
            let value = type_ref(value);
            quote! { std::collections::BTreeMap<String, #value> }
        }
    }
}

/// The `is_empty` path for collection types, which are never wrapped in `Option`.
pub(super) fn collection_is_empty(ty: &TypeRef) -> Option<&'static str> {
    match ty {
        TypeRef::Vec(_) => Some("Vec::is_empty"),
        TypeRef::Map(_) => Some("std::collections::BTreeMap::is_empty"),
        TypeRef::JsonObject => Some("serde_json::Map::is_empty"),
        _ => None,
    }
}
