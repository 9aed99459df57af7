//! The `support` module every output carries: the sealed `UnrecognizedValue`, `RawJson` (when a
//! struct keeps unknown members) and the serde helpers the generated types share.

use proc_macro2::TokenStream;
use quote::quote;

/// The support module; `with_raw_json` adds [`raw_json_tokens`] (which needs serde_json's
/// `raw_value` feature, so outputs without unknown members do not ask for it).
pub(super) fn support_tokens(with_raw_json: bool) -> TokenStream {
    let raw_json = with_raw_json.then(raw_json_tokens);
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

        #raw_json
    }
}

/// `RawJson`: the value of an unknown member, kept as its exact text. Capturing text does not
/// build a tree, so no depth limit applies and no number is converted (`1e400` stays `1e400`).
fn raw_json_tokens() -> TokenStream {
    quote! {
        /// A JSON value kept as its exact text: the value of a member this version does not
        /// declare. Reading it builds no tree, so it cannot fail on nesting depth or on a number
        /// that no Rust type holds (`1e400`), and writing it back reproduces the text exactly.
        /// Two values are equal when their texts are (`[1,2]` and `[1, 2]` differ).
        #[derive(Clone)]
        pub struct RawJson(Box<serde_json::value::RawValue>);

        impl RawJson {
            /// Keeps `text` after checking that it is exactly one JSON value (surrounding
            /// whitespace is dropped).
            ///
            /// # Errors
            ///
            /// The parser's error when `text` is not one JSON value.
            pub fn from_text(text: impl Into<String>) -> Result<Self, serde_json::Error> {
                serde_json::value::RawValue::from_string(text.into()).map(Self)
            }

            /// The JSON text of `value`.
            ///
            /// # Errors
            ///
            /// serde_json's error when `value` cannot be written as JSON.
            pub fn from_value<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
                serde_json::value::to_raw_value(value).map(Self)
            }

            /// The JSON text, exactly as received.
            pub fn as_str(&self) -> &str {
                self.0.get()
            }

            /// Decodes the text into a type of the caller's choice, for example
            /// `serde_json::Value` (whose limits then apply: nesting depth 128, numbers within
            /// `f64`).
            ///
            /// # Errors
            ///
            /// serde_json's error when the value does not fit `T`.
            pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
                serde_json::from_str(self.0.get())
            }
        }

        impl PartialEq for RawJson {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for RawJson {}

        impl fmt::Debug for RawJson {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "RawJson({})", self.as_str())
            }
        }

        impl fmt::Display for RawJson {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for RawJson {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for RawJson {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <Box<serde_json::value::RawValue> as serde::Deserialize>::deserialize(deserializer).map(Self)
            }
        }
    }
}
