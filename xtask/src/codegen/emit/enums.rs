//! Open string enums with a catch-all that keeps unknown values, and hand-written serde.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::tokens::{doc_attrs, ident};
use crate::codegen::ir::EnumDef;

pub(super) fn enum_tokens(name: &Ident, docs: TokenStream, def: &EnumDef) -> TokenStream {
    let catch_all = ident(&def.catch_all);
    let variants = def.variants.iter().map(|variant| {
        let docs = doc_attrs(&variant.docs);
        let variant_ident = ident(&variant.rust_name);
        let default_attr =
            (def.default.as_ref() == Some(&variant.rust_name)).then(|| quote! { #[default] });
        quote! {
            #docs
            #default_attr
            #variant_ident,
        }
    });
    let default_derive = def.default.is_some().then(|| quote! { Default, });
    let values = def.variants.iter().map(|variant| variant.value.as_str());
    let as_str_arms = def.variants.iter().map(|variant| {
        let variant_ident = ident(&variant.rust_name);
        let value = &variant.value;
        quote! { Self::#variant_ident => #value, }
    });
    let from_arms = def.variants.iter().map(|variant| {
        let variant_ident = ident(&variant.rust_name);
        let value = &variant.value;
        quote! { #value => Self::#variant_ident, }
    });
    let match_doc = format!(
        " Values added to the API later arrive as [`{name}::{}`]; to act on one before this \
         crate knows it, match on [`{name}::as_str`] rather than on that variant, so the code \
         keeps working when the variant is added.",
        def.catch_all
    );
    quote! {
        #docs
        #[doc = ""]
        #[doc = #match_doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, #default_derive)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version does not know, kept as received.
            #catch_all(UnrecognizedValue),
        }

        impl #name {
            /// Every value this version knows, in the order of the description.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str_arms)*
                    Self::#catch_all(value) => value.as_str(),
                }
            }

            /// Whether the value is one this version does not know.
            pub fn is_unrecognized(&self) -> bool {
                matches!(self, Self::#catch_all(_))
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_arms)*
                    other => Self::#catch_all(UnrecognizedValue::new(other)),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::#catch_all(_) => Self::#catch_all(UnrecognizedValue::new(value)),
                    known => known,
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, std::convert::Infallible> {
                Ok(Self::from(value))
            }
        }

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::support::deserialize_open_enum(deserializer)
            }
        }
    }
}
