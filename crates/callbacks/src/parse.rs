//! Parsing raw callback bytes into a [`Callback`].

use std::fmt;

use crate::duplicates::{Duplicate, find_duplicate};
use crate::events::callback::Callback;
use crate::excerpt::{bound_message, bound_path, excerpt};
use crate::quick_scan::may_have_duplicate;
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
    /// An object names the same member twice ([`ParseError::duplicate_key`] says which, and
    /// [`ParseError::path`] where). Refused anywhere in the body: readers disagree on which
    /// of the two values counts.
    DuplicateKey,
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Syntax => "not JSON",
            Self::Data => "JSON that does not fit the callback shape",
            Self::Eof => "the body ends in the middle of a value",
            Self::DuplicateKey => "a duplicated member",
        })
    }
}

/// A callback body that could not be parsed: the kind of problem, the JSON path where it is,
/// its position, a bounded description, and the body itself.
///
/// The text of the error never holds more than a short excerpt (at most 64 characters, marked
/// `…(cut, N bytes)` or `…(cut, N chars)`) of any value of the body, however large the body, and
/// [`Debug`](fmt::Debug) shows the body's length, not its bytes. The bytes stay reachable
/// through [`ParseError::body`] / [`ParseError::into_body`].
///
/// ```
/// use sinch_contacts_callbacks::parse_unverified;
///
/// let error = parse_unverified(br#"{"app_id": "a", "project_id": "p", "accepted_time": 5}"#)
///     .unwrap_err();
/// assert_eq!(error.path(), "accepted_time");
/// assert_eq!(error.body(), br#"{"app_id": "a", "project_id": "p", "accepted_time": 5}"#);
///
/// let huge = format!(r#"{{"app_id": "{}", "project_id": 1}}"#, "x".repeat(1_000_000));
/// let error = parse_unverified(huge.as_bytes()).unwrap_err();
/// assert!(error.to_string().len() < 200);
/// assert!(format!("{error:?}").len() < 400);
/// assert_eq!(error.body().len(), huge.len());
/// ```
pub struct ParseError {
    body: Vec<u8>,
    path: String,
    kind: ParseErrorKind,
    line: usize,
    column: usize,
    message: String,
    duplicate_key: Option<String>,
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
    /// (`.` for the top level; `[i]` for array items). A member name longer than 64
    /// characters appears cut, with a marker.
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

    /// Column (1-based, in bytes) of the problem in the body.
    pub fn column(&self) -> usize {
        self.column
    }

    /// What is wrong, in words (bounded: values of the body appear as short excerpts).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For [`ParseErrorKind::DuplicateKey`], the duplicated member name, whole and unescaped.
    pub fn duplicate_key(&self) -> Option<&str> {
        self.duplicate_key.as_deref()
    }

    /// A one-line description holding no excerpt of the body's values: the path, the position
    /// and the kind of problem. The axum endpoint answers this to the sender.
    pub fn brief(&self) -> String {
        format!(
            "callback body does not parse at `{}` (line {}, column {}): {}",
            self.path, self.line, self.column, self.kind
        )
    }

    pub(crate) fn duplicate(body: &[u8], duplicate: Duplicate) -> Self {
        let (line, column) = line_and_column(body, duplicate.offset);
        Self {
            body: body.to_vec(),
            message: format!("duplicated member `{}`", excerpt(&duplicate.key)),
            path: duplicate.path,
            kind: ParseErrorKind::DuplicateKey,
            line,
            column,
            duplicate_key: Some(duplicate.key),
        }
    }

    /// A body that is not UTF-8: JSON text is UTF-8 (RFC 8259 §8.1), in every part, also
    /// the parts no type reads.
    pub(crate) fn not_utf8(body: &[u8], error: std::str::Utf8Error) -> Self {
        let offset = error.valid_up_to();
        let (line, column) = line_and_column(body, offset);
        Self {
            body: body.to_vec(),
            message: format!("the body is not UTF-8: no character starts at byte {offset}"),
            path: ".".to_owned(),
            kind: ParseErrorKind::Syntax,
            line,
            column,
            duplicate_key: None,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "callback body does not parse at `{}`: {}",
            self.path, self.message
        )?;
        if self.line > 0 {
            write!(f, " at line {} column {}", self.line, self.column)?;
        }
        Ok(())
    }
}

impl fmt::Debug for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseError")
            .field("kind", &self.kind)
            .field("path", &self.path)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("message", &self.message)
            .field("duplicate_key", &self.duplicate_key.as_deref().map(excerpt))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl std::error::Error for ParseError {}

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
/// and unknown enum values never fail a parse. A member named twice in one object, anywhere
/// in the body, does ([`ParseErrorKind::DuplicateKey`]), and so does a body that is not
/// UTF-8 anywhere, even in a part no type reads ([`ParseErrorKind::Syntax`]).
///
/// # Errors
/// [`ParseError`] with the body, path and position when the body is not a callback.
pub fn parse_unverified(body: &[u8]) -> Result<Callback, ParseError> {
    let mut callback = crate::fast::empty_callback();
    if crate::fast::parse_into(body, &mut callback) {
        return Ok(callback);
    }
    parse_reference(body)
}

/// The reference parse: the duplicated-member check, then serde_json with the types'
/// `Deserialize`. [`parse_unverified`] takes it whenever the single pass gives up.
pub(crate) fn parse_reference(body: &[u8]) -> Result<Callback, ParseError> {
    if let Err(error) = std::str::from_utf8(body) {
        return Err(ParseError::not_utf8(body, error));
    }
    if may_have_duplicate(body)
        && let Some(duplicate) = find_duplicate(body)
    {
        return Err(ParseError::duplicate(body, duplicate));
    }
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

/// Line (1-based) and column (1-based, in bytes) of `offset` in `body`.
fn line_and_column(body: &[u8], offset: usize) -> (usize, usize) {
    let before = &body[..offset];
    let line = 1 + before.iter().filter(|byte| **byte == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|byte| *byte == b'\n')
        .map_or(0, |newline| newline + 1);
    (line, offset - line_start + 1)
}

/// The slow path, taken only on failure: parse again while tracking the path.
pub(crate) fn explain(body: &[u8]) -> ParseError {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let result: Result<Callback, _> = serde_path_to_error::deserialize(&mut deserializer);
    let (path, source) = match result {
        Err(error) => (bounded_path(error.path()), error.into_inner()),
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
    let (line, column) = (source.line(), source.column());
    // serde_json's text is the message plus " at line L column C"; keep the message, bounded.
    let text = source.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = bound_message(text.strip_suffix(&suffix).unwrap_or(&text));
    ParseError {
        body: body.to_vec(),
        path,
        kind,
        line,
        column,
        message,
        duplicate_key: None,
    }
}

/// The path as `serde_path_to_error` writes it, with member names cut to an excerpt.
fn bounded_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&excerpt(key));
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    bound_path(out)
}
