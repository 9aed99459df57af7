//! `Deserialize` for structs that keep undeclared members (`additionalProperties`), written out
//! instead of derived with `#[serde(flatten)]`: the derived form buffers every member it does not
//! recognize into serde's internal `Content` before handing it to the map, which costs on every
//! read. This visitor reads each declared member straight into its field and only the undeclared
//! ones into the map. A member that appears twice, declared or not, is refused with serde's
//! "duplicate field" error instead of letting the last value win silently.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::codegen::ir::{Field, StructDef, TypeRef};

/// Whether a struct gets the written-out `Deserialize` (it keeps unknown members and has no
/// flattened `oneOf` field, which only the derived form can handle).
pub(crate) fn applies_to(def: &StructDef) -> bool {
    def.additional.is_some() && def.fields.iter().all(|field| !field.flatten)
}

/// Whether the struct keeps untyped unknown members as `RawJson` text: those with the
/// written-out `Deserialize`. A struct read by serde's derive (it has a flattened `oneOf` field)
/// keeps `serde_json::Value`s, because serde buffers its members and a raw value cannot be read
/// back from serde's buffer.
pub(crate) fn keeps_raw_json(def: &StructDef) -> bool {
    applies_to(def) && matches!(def.additional, Some((_, TypeRef::Json)))
}

/// The variable holding a member while the object is read: never a name the visitor itself uses.
fn slot(field: &Field) -> Ident {
    Ident::new(&format!("__{}", field.rust_name), Span::call_site())
}

/// `impl Deserialize for #name`, given how each field's type and attributes are printed.
pub(crate) fn deserialize_tokens(
    name: &Ident,
    def: &StructDef,
    field_ident: impl Fn(&Field) -> Ident,
    field_type: impl Fn(&Field) -> TokenStream,
    is_collection: impl Fn(&TypeRef) -> bool,
    additional_type: TokenStream,
) -> TokenStream {
    let Some((additional_name, _)) = &def.additional else {
        return TokenStream::new();
    };
    let additional = Ident::new(&format!("__{additional_name}"), Span::call_site());
    let additional_field = Ident::new(additional_name, Span::call_site());
    let expecting = format!("a `{name}` object");
    let slots = def.fields.iter().map(|field| {
        let slot = slot(field);
        let ty = field_type(field);
        quote! { let mut #slot: Option<#ty> = None; }
    });
    let arms = def.fields.iter().map(|field| {
        let slot = slot(field);
        let json_name = &field.json_name;
        let ty = field_type(field);
        let read = if !field.required && is_collection(&field.ty) {
            // Absent and `null` both read as empty.
            quote! { __map.next_value::<Option<#ty>>()?.unwrap_or_default() }
        } else {
            quote! { __map.next_value::<#ty>()? }
        };
        // A member given twice is refused rather than "last wins": the two values may disagree.
        quote! {
            #json_name => {
                if #slot.is_some() {
                    return Err(serde::de::Error::duplicate_field(#json_name));
                }
                #slot = Some(#read);
            }
        }
    });
    let inits = def.fields.iter().map(|field| {
        let slot = slot(field);
        let ident = field_ident(field);
        let json_name = &field.json_name;
        if field.required {
            quote! { #ident: #slot.ok_or_else(|| serde::de::Error::missing_field(#json_name))?, }
        } else {
            quote! { #ident: #slot.unwrap_or_default(), }
        }
    });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct __Visitor;

                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut __map: A) -> Result<#name, A::Error> {
                        #(#slots)*
                        let mut #additional: #additional_type = Default::default();
                        while let Some(__key) = __map.next_key::<super::support::Key<'de>>()? {
                            match __key.as_str() {
                                #(#arms)*
                                _ => {
                                    if #additional.contains_key(__key.as_str()) {
                                        return Err(serde::de::Error::custom(format_args!(
                                            "duplicate field `{}`",
                                            __key.as_str()
                                        )));
                                    }
                                    #additional.insert(__key.into_string(), __map.next_value()?);
                                }
                            }
                        }
                        Ok(#name {
                            #(#inits)*
                            #additional_field: #additional,
                        })
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}
