//! Parsing raw callback bytes into a [`Callback`].

use std::fmt;

use crate::events::callback::Callback;
use crate::verify::VerifiedPayload;

/// What kind of problem a [`ParseError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The bytes are not JSON (or not UTF-8).
    Syntax,
    /// The JSON is valid but does not fit the callback shape (wrong type, missing field, bad
    /// timestamp, ...).
    Data,
    /// The body ends in the middle of a value.
    Eof,
}

/// A callback body that could not be parsed. Keeps the bytes, the JSON path of the problem
/// and its position.
///
/// ```
/// use sinch_contacts_callbacks::parse_unverified;
///
/// let error = parse_unverified(br#"{"app_id": "a", "project_id": "p", "accepted_time": 5}"#)
///     .unwrap_err();
/// assert_eq!(error.path(), "accepted_time");
/// assert_eq!(error.body(), br#"{"app_id": "a", "project_id": "p", "accepted_time": 5}"#);
/// ```
#[derive(Debug)]
pub struct ParseError {
    body: Vec<u8>,
    path: String,
    kind: ParseErrorKind,
    line: usize,
    column: usize,
    source: serde_json::Error,
}

impl ParseError {
    /// The body that failed to parse, unchanged.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the body out of the error.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// Dotted JSON path of the problem, e.g. `message.contact_message.text_message.text`
    /// (`.` for the top level).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The kind of problem.
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// Line (1-based) of the problem in the body.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Column (1-based) of the problem in the body.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "callback body does not parse at `{}`: {}",
            self.path, self.source
        )
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Parses a verified callback body.
///
/// # Errors
/// [`ParseError`] with the body, path and position when the body is not a callback.
pub fn parse(payload: &VerifiedPayload<'_>) -> Result<Callback, ParseError> {
    parse_unverified(payload.body())
}

/// Parses a callback body **without** checking its signature. For tests and for bodies that
/// were verified elsewhere; a webhook endpoint should call [`crate::Verifier::verify`] first.
///
/// A body with no known notification key parses to [`crate::Event::Unknown`]; unknown fields
/// and unknown enum values never fail a parse.
///
/// # Errors
/// [`ParseError`] with the body, path and position when the body is not a callback.
pub fn parse_unverified(body: &[u8]) -> Result<Callback, ParseError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let fast = serde::Deserialize::deserialize(&mut deserializer).and_then(|callback| {
        deserializer.end()?;
        Ok(callback)
    });
    match fast {
        Ok(callback) => Ok(callback),
        Err(_) => Err(explain(body)),
    }
}

/// The slow path, taken only on failure: parse again while tracking the path.
fn explain(body: &[u8]) -> ParseError {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let result: Result<Callback, _> = serde_path_to_error::deserialize(&mut deserializer);
    let (path, source) = match result {
        Err(error) => (error.path().to_string(), error.into_inner()),
        Ok(_) => match deserializer.end() {
            Err(error) => (".".to_owned(), error),
            Ok(()) => (
                ".".to_owned(),
                <serde_json::Error as serde::de::Error>::custom("callback body does not parse"),
            ),
        },
    };
    let kind = match source.classify() {
        serde_json::error::Category::Data => ParseErrorKind::Data,
        serde_json::error::Category::Eof => ParseErrorKind::Eof,
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
            ParseErrorKind::Syntax
        }
    };
    ParseError {
        body: body.to_vec(),
        path,
        kind,
        line: source.line(),
        column: source.column(),
        source,
    }
}
