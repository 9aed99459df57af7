//! `oneOf`/`anyOf` unions: untagged enums with a JSON catch-all, or dispatch on a discriminator.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::Context;
use super::tokens::{doc_attrs, ident, type_ref};
use crate::codegen::ir::{TypeRef, UnionDef};

pub(super) fn union_tokens(
    name: &Ident,
    union_name: &str,
    docs: TokenStream,
    def: &UnionDef,
    context: &Context,
) -> TokenStream {
    let catch_all = ident(&def.catch_all);
    let variants = def.variants.iter().map(|variant| {
        let docs = doc_attrs(&variant.docs);
        let variant_ident = ident(&variant.rust_name);
        let ty = type_ref(&variant.ty);
        let ty = if variant.boxed {
            quote! { Box<#ty> }
        } else {
            ty
        };
        quote! {
            #docs
            #variant_ident(#ty),
        }
    });
    let deserialize = match &def.discriminator {
        Some((property, mapping)) => discriminated_deserialize(name, def, property, mapping),
        None => untagged_deserialize(name, def),
    };
    let from_impls = union_from_impls(name, union_name, def, context);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A shape this version does not know, kept as JSON.
            #catch_all(serde_json::Value),
        }
        #deserialize
        #(#from_impls)*
    }
}

/// `From<Variant>` for every variant whose type (aliases looked through) appears only once in
/// the union and is not the union itself.
pub(super) fn union_from_impls(
    name: &Ident,
    union_name: &str,
    def: &UnionDef,
    context: &Context,
) -> Vec<TokenStream> {
    let own = TypeRef::Named(union_name.to_owned());
    let mut seen: BTreeMap<&TypeRef, usize> = BTreeMap::new();
    for variant in &def.variants {
        *seen.entry(context.resolve(&variant.ty)).or_default() += 1;
    }
    def.variants
        .iter()
        .filter(|variant| {
            let resolved = context.resolve(&variant.ty);
            seen[resolved] == 1 && *resolved != own && !matches!(resolved, TypeRef::Json)
        })
        .map(|variant| {
            let variant_ident = ident(&variant.rust_name);
            let ty = type_ref(&variant.ty);
            let value = if variant.boxed {
                quote! { Box::new(value) }
            } else {
                quote! { value }
            };
            quote! {
                impl From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#variant_ident(#value)
                    }
                }
            }
        })
        .collect()
}

/// A union without discriminator: the value is read once as JSON, then each alternative is tried
/// in order and the first that reads it wins (what serde's `untagged` does). Written out rather
/// than derived because serde's derive buffers the value in its own form, from which a
/// `RawJson` (the unknown members of an alternative) cannot be read back; a `serde_json::Value`
/// can.
pub(super) fn untagged_deserialize(name: &Ident, def: &UnionDef) -> TokenStream {
    let catch_all = ident(&def.catch_all);
    let attempts = def.variants.iter().map(|variant| {
        let variant_ident = ident(&variant.rust_name);
        let ty = type_ref(&variant.ty);
        let ty = if variant.boxed {
            quote! { Box<#ty> }
        } else {
            ty
        };
        quote! {
            if let Ok(inner) = <#ty as serde::Deserialize>::deserialize(&value) {
                return Ok(Self::#variant_ident(inner));
            }
        }
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                #(#attempts)*
                Ok(Self::#catch_all(value))
            }
        }
    }
}

pub(super) fn discriminated_deserialize(
    name: &Ident,
    def: &UnionDef,
    property: &str,
    mapping: &[(String, String)],
) -> TokenStream {
    let catch_all = ident(&def.catch_all);
    let arms = mapping.iter().map(|(value, variant)| {
        let variant_ident = ident(variant);
        let boxed = def.variants.iter().any(|candidate| &candidate.rust_name == variant && candidate.boxed);
        let wrap = if boxed {
            quote! { |inner| Self::#variant_ident(Box::new(inner)) }
        } else {
            quote! { Self::#variant_ident }
        };
        quote! {
            Some(#value) => serde_json::from_value(value).map(#wrap).map_err(serde::de::Error::custom),
        }
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => Ok(Self::#catch_all(value)),
                }
            }
        }
    }
}
