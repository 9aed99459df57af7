//! [`DecodeError`]: a success response whose body did not parse.

use std::error::Error as StdError;
use std::fmt;

use bytes::Bytes;
use http::StatusCode;

/// A success (2xx) response whose body does not match the expected type.
///
/// Keeps the raw body and the JSON path of the first mismatch (for example
/// `contacts[3].channel_identities[0].channel`); the parser's own error is the
/// [`source()`](StdError::source).
#[derive(Debug)]
pub struct DecodeError {
    status: StatusCode,
    target: &'static str,
    path: String,
    raw_body: Bytes,
    source: Box<dyn StdError + Send + Sync + 'static>,
}

impl DecodeError {
    /// Decodes `body` as `T`, recording the JSON path on failure.
    ///
    /// The fast path is plain `serde_json`; only a body that fails is decoded
    /// again with path tracking, which costs nothing on success.
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(
        status: StatusCode,
        target: &'static str,
        body: Bytes,
    ) -> Result<T, Self> {
        if let Ok(value) = serde_json::from_slice(&body) {
            return Ok(value);
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&body);
        let (path, source) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(value) => match deserializer.end() {
                Ok(()) => return Ok(value),
                Err(error) => (".".to_owned(), error),
            },
            Err(error) => (error.path().to_string(), error.into_inner()),
        };
        Err(Self {
            status,
            target,
            path,
            raw_body: body,
            source: Box::new(source),
        })
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The name of the type the body was decoded into.
    pub fn target(&self) -> &str {
        self.target
    }

    /// The JSON path where decoding failed (`.` for the document root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The response body exactly as received.
    pub fn raw_body(&self) -> &Bytes {
        &self.raw_body
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the HTTP {} response as {} at `{}`",
            self.status, self.target, self.path
        )
    }
}

impl StdError for DecodeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        name: String,
    }

    #[test]
    fn keeps_path_and_body() {
        let body = Bytes::from_static(br#"{"items":[{"name":"a"},{"name":3}]}"#);
        let error = DecodeError::decode::<Page>(StatusCode::OK, "Page", body.clone()).unwrap_err();
        assert_eq!(error.path(), "items[1].name");
        assert_eq!(error.raw_body(), &body);
        assert_eq!(
            error.to_string(),
            "could not decode the HTTP 200 OK response as Page at `items[1].name`"
        );
        assert!(error.source().unwrap().to_string().contains("invalid type"));
    }

    #[test]
    fn garbage_and_trailing_bytes_fail_at_root() {
        let error =
            DecodeError::decode::<Page>(StatusCode::OK, "Page", Bytes::from_static(b"<html>"))
                .unwrap_err();
        assert_eq!(error.path(), ".");
        let error = DecodeError::decode::<Page>(
            StatusCode::OK,
            "Page",
            Bytes::from_static(br#"{"items":[]} x"#),
        )
        .unwrap_err();
        assert_eq!(error.path(), ".");
    }
}
