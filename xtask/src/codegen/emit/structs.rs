//! Structs: fields with their serde attributes, and `new(required...)`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::tokens::{collection_is_empty, doc_attrs, ident, type_ref};
use super::unknown_members;
use crate::codegen::ir::{Field, StructDef, TypeRef};

/// The Rust type of a field: `T`, `Box<T>`, `Option<T>`, or a collection that is empty when absent.
pub(super) fn field_type(field: &Field) -> TokenStream {
    let inner = type_ref(&field.ty);
    let inner = if field.boxed {
        quote! { Box<#inner> }
    } else {
        inner
    };
    if field.required || collection_is_empty(&field.ty).is_some() {
        inner
    } else {
        quote! { Option<#inner> }
    }
}

/// The field's `#[serde(...)]`; `derived_deserialize` is false when `Deserialize` is written
/// out, which then needs only the serializing attributes.
pub(super) fn field_serde_attr(field: &Field, derived_deserialize: bool) -> TokenStream {
    if field.flatten {
        return quote! { #[serde(flatten)] };
    }
    let mut parts = Vec::new();
    if field.rust_name != field.json_name {
        let json_name = &field.json_name;
        parts.push(quote! { rename = #json_name });
    }
    if !field.required {
        match collection_is_empty(&field.ty) {
            Some(is_empty) if derived_deserialize => parts.push(quote! {
                default,
                deserialize_with = "super::support::null_as_default",
                skip_serializing_if = #is_empty
            }),
            Some(is_empty) => parts.push(quote! { skip_serializing_if = #is_empty }),
            None if derived_deserialize => {
                parts.push(quote! { default, skip_serializing_if = "Option::is_none" })
            }
            None => parts.push(quote! { skip_serializing_if = "Option::is_none" }),
        }
    }
    if parts.is_empty() {
        quote! {}
    } else {
        quote! { #[serde(#(#parts),*)] }
    }
}

pub(super) fn struct_tokens(
    name: &Ident,
    docs: TokenStream,
    def: &StructDef,
    derive_default: bool,
) -> TokenStream {
    let by_hand = unknown_members::applies_to(def);
    let fields = def.fields.iter().map(|field| {
        let docs = doc_attrs(&field.docs);
        let serde_attr = field_serde_attr(field, !by_hand);
        let field_ident = ident(&field.rust_name);
        let ty = field_type(field);
        quote! {
            #docs
            #serde_attr
            pub #field_ident: #ty,
        }
    });
    let additional_type = def.additional.as_ref().map(|(_, value)| match value {
        TypeRef::Json if unknown_members::keeps_raw_json(def) => {
            quote! { std::collections::BTreeMap<String, RawJson> }
        }
        TypeRef::Json => quote! { serde_json::Map<String, serde_json::Value> },
        other => {
            let value = type_ref(other);
            quote! { std::collections::BTreeMap<String, #value> }
        }
    });
    let additional = def.additional.as_ref().map(|(field_name, _)| {
        let field_ident = ident(field_name);
        quote! {
            /// Members not declared by the description, kept as received so that a value read and
            /// written back loses nothing.
            #[serde(flatten)]
            pub #field_ident: #additional_type,
        }
    });
    let default_derive = derive_default.then(|| quote! { Default, });
    let derive_deserialize = (!by_hand).then(|| quote! { serde::Deserialize, });
    let deserialize_impl = by_hand.then(|| {
        unknown_members::deserialize_tokens(
            name,
            def,
            |field| ident(&field.rust_name),
            field_type,
            |ty| collection_is_empty(ty).is_some(),
            additional_type.clone().unwrap_or_default(),
        )
    });
    let constructor = constructor_tokens(name, def);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default_derive serde::Serialize, #derive_deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }
        #constructor
        #deserialize_impl
    }
}

/// `new(required...)` for structs with required members (the others start empty).
pub(super) fn constructor_tokens(name: &Ident, def: &StructDef) -> Option<TokenStream> {
    let required: Vec<&Field> = def.fields.iter().filter(|field| field.required).collect();
    if required.is_empty() {
        return None;
    }
    let params = required.iter().map(|field| {
        let field_ident = ident(&field.rust_name);
        let ty = type_ref(&field.ty);
        quote! { #field_ident: impl Into<#ty> }
    });
    let inits = def.fields.iter().map(|field| {
        let field_ident = ident(&field.rust_name);
        match (field.required, field.boxed) {
            (true, true) => quote! { #field_ident: Box::new(#field_ident.into()), },
            (true, false) => quote! { #field_ident: #field_ident.into(), },
            (false, _) => quote! { #field_ident: Default::default(), },
        }
    });
    let additional = def.additional.as_ref().map(|(field_name, _)| {
        let field_ident = ident(field_name);
        quote! { #field_ident: Default::default(), }
    });
    let doc =
        format!(" Creates a `{name}` from its required members; the optional ones start empty.");
    Some(quote! {
        impl #name {
            #[doc = #doc]
            pub fn new(#(#params),*) -> Self {
                Self {
                    #(#inits)*
                    #additional
                }
            }
        }
    })
}
