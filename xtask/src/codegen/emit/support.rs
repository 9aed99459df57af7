//! The `support` module every output carries: the sealed `UnrecognizedValue` and the serde
//! helpers the generated types share.

use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn support_tokens() -> TokenStream {
    quote! {
        //! Helpers shared by the generated types.
        #![allow(dead_code)]

        use std::fmt;
        use std::marker::PhantomData;

        /// A value of an open enum that this version of the types does not know, kept exactly as
        /// received. It can only be made by parsing, so it never holds a value that has a variant
        /// of its own.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct UnrecognizedValue(String);

        impl UnrecognizedValue {
            pub(crate) fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value as received.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for UnrecognizedValue {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// A member name as read: borrowed from the input when it holds no escapes.
        pub(crate) struct Key<'de>(std::borrow::Cow<'de, str>);

        impl Key<'_> {
            pub(crate) fn as_str(&self) -> &str {
                &self.0
            }

            pub(crate) fn into_string(self) -> String {
                self.0.into_owned()
            }
        }

        impl<'de> serde::Deserialize<'de> for Key<'de> {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(KeyVisitor)
            }
        }

        struct KeyVisitor;

        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(value)))
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(value.to_owned())))
            }

            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(value)))
            }
        }

        /// Deserializes `null` as the type's default, so optional collections tolerate it.
        pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
        where
            D: serde::Deserializer<'de>,
            T: Default + serde::Deserialize<'de>,
        {
            let value: Option<T> = serde::Deserialize::deserialize(deserializer)?;
            Ok(value.unwrap_or_default())
        }

        /// Deserializes an open enum from a string without allocating for known values.
        pub(crate) fn deserialize_open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
        where
            D: serde::Deserializer<'de>,
            T: for<'a> From<&'a str> + From<String>,
        {
            deserializer.deserialize_str(OpenEnumVisitor(PhantomData))
        }

        struct OpenEnumVisitor<T>(PhantomData<T>);

        impl<T> serde::de::Visitor<'_> for OpenEnumVisitor<T>
        where
            T: for<'a> From<&'a str> + From<String>,
        {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
                Ok(T::from(value))
            }

            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
                Ok(T::from(value))
            }
        }
    }
}
