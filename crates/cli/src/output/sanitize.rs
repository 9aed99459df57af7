//! Escaping the control characters of text the command line did not write (a contact's name, a
//! server's error message, a callback's text) before it reaches a terminal, where `ESC [ 2 J`
//! would clear the screen and other sequences retitle the window, move the cursor or forge
//! output.
//!
//! Every control character (Unicode `Cc`: C0 `U+0000..=U+001F`, DEL `U+007F` and C1
//! `U+0080..=U+009F`) is written as Rust writes it in a string literal: `\n`, `\r`, `\t`, `\0`,
//! and `\u{1b}` for the others (hexadecimal, lower case). Text without one is returned as is.
//! JSON keeps its own escapes ([`escape_json`]), so a JSON line stays valid JSON with the same
//! value.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is escaped: a C0 control, DEL or a C1 control.
fn is_escaped(c: char) -> bool {
    c.is_control()
}

/// `text` with every control character escaped, newlines included: for one line (an error, a
/// table cell, a field).
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    escape_with(text, |_| false)
}

/// `text` with every control character but `\n` escaped: for lines printed together (a table,
/// a report), whose line breaks are the command line's own.
pub fn escape_controls_keep_lines(text: &str) -> Cow<'_, str> {
    escape_with(text, |c| c == '\n')
}

fn escape_with(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_escaped(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_escaped(c) && !keep(c) {
            escaped.extend(c.escape_debug());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// A JSON document with the control characters that JSON allows raw in a string (DEL and the
/// C1 controls; serde_json already escapes C0) written as `\u007f`-style escapes: the same JSON
/// value, and nothing a terminal acts on.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_escaped) {
        return Cow::Borrowed(json);
    }
    let mut escaped = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if is_escaped(c) {
            // Outside strings JSON has no control character, so every one is inside a string.
            let _ = write!(escaped, "\\u{:04x}", u32::from(c));
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_c0_del_and_c1_and_keeps_the_rest() {
        assert_eq!(
            escape_controls("a\u{1b}[31mred\u{1b}[0m\u{7f}\u{9b}2J é ✓"),
            "a\\u{1b}[31mred\\u{1b}[0m\\u{7f}\\u{9b}2J é ✓"
        );
        assert_eq!(escape_controls("one\ntwo\r\t\0"), "one\\ntwo\\r\\t\\0");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn keeps_line_breaks_when_asked() {
        assert_eq!(
            escape_controls_keep_lines("row 1\nrow\u{1b}[2J 2\r"),
            "row 1\nrow\\u{1b}[2J 2\\r"
        );
    }

    #[test]
    fn json_stays_the_same_value() {
        let value = serde_json::json!({ "name": "x\u{1b}y\u{7f}z\u{85}" });
        let text = serde_json::to_string(&value).unwrap();
        let escaped = escape_json(&text);
        assert_eq!(escaped, r#"{"name":"x\u001by\u007fz\u0085"}"#);
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }
}
