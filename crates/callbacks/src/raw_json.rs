//! [`RawJson`]: a JSON value kept as its exact text.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

/// A JSON value kept verbatim, as received (no re-ordering, no number rounding).
///
/// Used for the parts of a callback that this crate does not type (an unknown notification,
/// channel-specific payloads, analysis results, ...). Keeping text instead of a parsed tree
/// costs one copy and no tree allocation on the parse path. The text is always exactly one
/// JSON value, without surrounding whitespace.
///
/// ```
/// use sinch_contacts_callbacks::RawJson;
///
/// let raw = RawJson::from_text(r#"{"b": 1, "a": [true]}"#).unwrap();
/// assert_eq!(raw.as_str(), r#"{"b": 1, "a": [true]}"#);
/// let parsed: std::collections::BTreeMap<String, serde_json::Value> = raw.decode().unwrap();
/// assert_eq!(parsed.len(), 2);
/// ```
#[derive(Clone)]
pub struct RawJson(Box<str>);

/// The text given to [`RawJson::from_text`] is not one JSON value, or a [`RawJson::decode`]
/// target does not match it.
///
/// Its text quotes at most 64 characters of any value (with a marker when cut), like
/// [`crate::ParseError`]: the value may be a large part of a callback body.
#[derive(Debug, thiserror::Error)]
#[error("invalid JSON: {message}")]
pub struct RawJsonError {
    message: String,
}

impl RawJsonError {
    fn new(source: serde_json::Error) -> Self {
        Self {
            message: crate::excerpt::bound_message(&source.to_string()),
        }
    }
}

impl RawJson {
    /// Keeps `text` after checking that it is exactly one JSON value.
    ///
    /// # Errors
    /// [`RawJsonError`] when `text` is not valid JSON.
    pub fn from_text(text: &str) -> Result<Self, RawJsonError> {
        serde_json::from_str::<&RawValue>(text)
            .map(Self::from_raw_value)
            .map_err(RawJsonError::new)
    }

    /// An owned copy of a value borrowed from a body.
    pub(crate) fn from_raw_value(raw: &RawValue) -> Self {
        Self(raw.get().into())
    }

    /// Keeps text already known to be exactly one JSON value without surrounding whitespace.
    pub(crate) fn from_checked_text(text: &str) -> Self {
        Self(text.into())
    }

    /// The JSON text, exactly as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Decodes the value into a type of the caller's choice.
    ///
    /// # Errors
    /// [`RawJsonError`] when the value does not fit `T`.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, RawJsonError> {
        serde_json::from_str(&self.0).map_err(RawJsonError::new)
    }

    /// Whether the value is a JSON object.
    pub fn is_object(&self) -> bool {
        self.0.starts_with('{')
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
        // The text is one JSON value by construction, so this cannot fail.
        serde_json::from_str::<&RawValue>(&self.0)
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for RawJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(|raw| Self(raw.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_without_surrounding_whitespace() {
        let raw = RawJson::from_text(" \n {\"a\" : [1, 2]}\t ").unwrap();
        assert_eq!(raw.as_str(), "{\"a\" : [1, 2]}");
        assert!(raw.is_object());
        let read: RawJson = serde_json::from_str(" [true] ").unwrap();
        assert_eq!(read.as_str(), "[true]");
        assert!(!read.is_object());
        assert_eq!(serde_json::to_string(&raw).unwrap(), "{\"a\" : [1, 2]}");
        assert!(RawJson::from_text("{} {}").is_err());
    }

    #[test]
    fn decode_errors_quote_an_excerpt_only() {
        let long = format!("\"{}\"", "z".repeat(100_000));
        let raw = RawJson::from_text(&long).unwrap();
        let error = raw.decode::<u64>().unwrap_err();
        let text = error.to_string();
        assert!(text.len() < 300, "{text}");
        assert!(text.contains("…(cut, 100000 chars)"), "{text}");
        assert!(format!("{error:?}").len() < 400);
    }
}
