//! Bounded renderings of text taken from a callback body, for error messages: a value of any
//! size shows as at most [`EXCERPT_CHARS`] characters followed by a marker saying it was cut.

use std::borrow::Cow;
use std::fmt;

/// The most characters of a body value an error message quotes.
pub(crate) const EXCERPT_CHARS: usize = 64;

/// The most characters of an error message built from a parser's message.
const MESSAGE_MAX_CHARS: usize = 512;

/// The most characters of a JSON path in an error (each member name is cut to an excerpt
/// first; this bounds deep nesting).
const PATH_MAX_CHARS: usize = 256;

/// Cuts a path after [`PATH_MAX_CHARS`] characters, with a marker.
pub(crate) fn bound_path(path: String) -> String {
    match path.char_indices().nth(PATH_MAX_CHARS) {
        None => path,
        Some((end, _)) => format!("{}…(path cut)", &path[..end]),
    }
}

/// `text` when it has at most [`EXCERPT_CHARS`] characters, else its first [`EXCERPT_CHARS`]
/// characters followed by `…(cut, N bytes)`; control characters written as `\u{..}` (see
/// [`escape_controls`]).
pub(crate) fn excerpt(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => escape_controls(text),
        Some((end, _)) => Cow::Owned(format!(
            "{}…(cut, {} bytes)",
            escape_controls(&text[..end]),
            text.len()
        )),
    }
}

/// `text` with every control character (line breaks and terminal escapes included) written
/// as `\u{..}`, so that an error text built from a body never carries one into a log line or
/// a terminal.
pub(crate) fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Displays a value as a quoted, escaped excerpt: `"abc"`, or `"abc…"(cut, N bytes)` for a
/// value longer than [`EXCERPT_CHARS`] characters.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(EXCERPT_CHARS) {
            None => write!(f, "{:?}", self.0),
            Some((end, _)) => write!(f, "{:?}…(cut, {} bytes)", &self.0[..end], self.0.len()),
        }
    }
}

/// Bounds a message written by a parser, which may quote a body value in full (serde writes
/// `invalid type: string "…", expected …`): every `"`-quoted (Rust-escaped) or backtick-quoted
/// run longer than [`EXCERPT_CHARS`] characters is cut to that many, with a marker, and the
/// whole message is cut after [`MESSAGE_MAX_CHARS`] characters.
pub(crate) fn bound_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MESSAGE_MAX_CHARS + 32));
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        out.push_str(&rest[..open]);
        let quote = rest.as_bytes()[open];
        let inner = &rest[open + 1..];
        let run = quoted_run(inner, quote);
        out.push(char::from(quote));
        match run.cut_at {
            Some(kept) => {
                out.push_str(&inner[..kept]);
                out.push(char::from(quote));
                out.push_str(&format!("…(cut, {} chars)", run.units));
            }
            None => {
                out.push_str(&inner[..run.end]);
                if run.closed {
                    out.push(char::from(quote));
                }
            }
        }
        rest = if run.closed {
            &inner[run.end + 1..]
        } else {
            ""
        };
        if out.chars().count() > MESSAGE_MAX_CHARS {
            rest = "";
            break;
        }
    }
    out.push_str(rest);
    let out = match out.char_indices().nth(MESSAGE_MAX_CHARS) {
        None => out,
        Some((end, _)) => format!("{}…(message cut)", &out[..end]),
    };
    escape_controls(&out).into_owned()
}

/// A quoted run of a message.
struct QuotedRun {
    /// Units: characters, or whole `\`-escapes inside `"` quotes.
    units: usize,
    /// Byte offset of the unit after the first [`EXCERPT_CHARS`], when there are more.
    cut_at: Option<usize>,
    /// Byte offset of the closing quote, or the end of the text.
    end: usize,
    /// Whether a closing quote was found.
    closed: bool,
}

/// Measures the quoted run at the start of `inner` (just after its opening quote).
fn quoted_run(inner: &str, quote: u8) -> QuotedRun {
    let bytes = inner.as_bytes();
    let mut run = QuotedRun {
        units: 0,
        cut_at: None,
        end: bytes.len(),
        closed: false,
    };
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == quote {
            run.end = index;
            run.closed = true;
            break;
        }
        if run.units == EXCERPT_CHARS {
            run.cut_at = Some(index);
        }
        run.units += 1;
        index += if byte == b'\\' && quote == b'"' {
            escape_len(&inner[index..])
        } else {
            inner[index..].chars().next().map_or(1, char::len_utf8)
        };
    }
    run
}

/// Length in bytes of the escape at the start of `text` (which starts with `\`): `\u{…}` up
/// to its `}`, else the backslash and one character.
fn escape_len(text: &str) -> usize {
    if text[1..].starts_with("u{")
        && let Some(close) = text.find('}')
    {
        return close + 1;
    }
    1 + text[1..].chars().next().map_or(0, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_and_long_text_is_cut_with_a_marker() {
        assert_eq!(excerpt("abc"), "abc");
        let exact = "x".repeat(64);
        assert_eq!(excerpt(&exact), exact);
        let long = "é".repeat(100);
        assert_eq!(
            excerpt(&long),
            format!("{}…(cut, 200 bytes)", "é".repeat(64))
        );
        assert_eq!(Quoted("a\"b").to_string(), r#""a\"b""#);
        assert_eq!(
            Quoted(&"y".repeat(65)).to_string(),
            format!("\"{}\"…(cut, 65 bytes)", "y".repeat(64))
        );
    }

    #[test]
    fn quoted_values_in_messages_are_cut() {
        let value = "A".repeat(1000);
        let message = format!("invalid type: string {value:?}, expected u64");
        assert_eq!(
            bound_message(&message),
            format!(
                "invalid type: string \"{}\"…(cut, 1000 chars), expected u64",
                "A".repeat(64)
            )
        );
        let short = "invalid type: string \"ab\\\"c\", expected `x` or `y`";
        assert_eq!(bound_message(short), short);
        let ticks = format!("unknown variant `{value}`, expected one of `a`");
        assert_eq!(
            bound_message(&ticks),
            format!(
                "unknown variant `{}`…(cut, 1000 chars), expected one of `a`",
                "A".repeat(64)
            )
        );
    }

    #[test]
    fn escapes_are_never_split() {
        // 63 plain characters, then an escape: the 64th unit is the whole escape.
        let value = format!("{}\u{1}{}", "a".repeat(63), "b".repeat(10));
        let message = format!("string {value:?}");
        let bounded = bound_message(&message);
        assert_eq!(
            bounded,
            format!("string \"{}\\u{{1}}\"…(cut, 74 chars)", "a".repeat(63))
        );
        let quotes = format!("string {:?}", "\"".repeat(100));
        assert_eq!(
            bound_message(&quotes),
            format!("string \"{}\"…(cut, 100 chars)", "\\\"".repeat(64))
        );
    }

    #[test]
    fn control_characters_are_written_escaped() {
        assert_eq!(excerpt("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\u{a}c");
        assert_eq!(excerpt("plain é"), "plain é");
        let long = format!("{}\u{7}", "x".repeat(70));
        assert!(!excerpt(&long).contains('\u{7}'));
        let message = bound_message("unknown field `a\u{1b}]0;title\u{7}`, expected `b`");
        assert_eq!(
            message,
            "unknown field `a\\u{1b}]0;title\\u{7}`, expected `b`"
        );
    }

    #[test]
    fn long_paths_are_cut() {
        assert_eq!(bound_path("a.b".to_owned()), "a.b");
        let deep = "[0]".repeat(200);
        assert_eq!(
            bound_path(deep),
            format!("{}[…(path cut)", "[0]".repeat(85))
        );
    }

    #[test]
    fn unclosed_quotes_and_long_messages_stay_bounded() {
        let open = format!("oops \"{}", "z".repeat(10_000));
        let bounded = bound_message(&open);
        assert!(bounded.chars().count() < 100, "{bounded}");
        let many = "\"a\" ".repeat(10_000);
        let bounded = bound_message(&many);
        assert!(bounded.ends_with("…(message cut)"));
        assert!(bounded.chars().count() <= 512 + 20);
        let plain = "w".repeat(10_000);
        assert_eq!(
            bound_message(&plain),
            format!("{}…(message cut)", "w".repeat(512))
        );
    }
}
