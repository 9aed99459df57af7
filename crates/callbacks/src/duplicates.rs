//! Finds a member name that appears twice in one JSON object, anywhere in a body.
//!
//! JSON parsers disagree on duplicated members (first wins, last wins, error), so a body with
//! one means different things to different readers. This crate refuses such bodies: one pass
//! over the bytes before the typed parse, tracking the member names of each open object.
//!
//! Two scanners share the rule. The quick one (`crate::quick_scan`) runs on every parse and
//! allocates nothing; only when it cannot rule a duplicate out does [`find_duplicate`] run,
//! which unescapes names and builds the path for the error.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::excerpt::{bound_path, excerpt};

/// Objects nested deeper than this are left to the parser (which refuses them).
const MAX_DEPTH: usize = 128;

/// Up to this many names an object's names are compared one by one; past it they go into a
/// hash set, so an object with many members costs linear time.
const SMALL_OBJECT: usize = 8;

/// A duplicated member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicate {
    /// The member name, unescaped.
    pub(crate) key: String,
    /// Dotted path of the second occurrence (names cut to an excerpt), as in
    /// [`crate::ParseError::path`].
    pub(crate) path: String,
    /// Byte offset of the second occurrence's opening quote.
    pub(crate) offset: usize,
}

#[derive(Default)]
struct Names<'a> {
    small: Vec<Cow<'a, str>>,
    large: Option<HashSet<Cow<'a, str>>>,
}

impl<'a> Names<'a> {
    /// Adds `name`; `false` when it was there already.
    fn insert(&mut self, name: Cow<'a, str>) -> bool {
        if let Some(large) = &mut self.large {
            return large.insert(name);
        }
        if self.small.contains(&name) {
            return false;
        }
        self.small.push(name);
        if self.small.len() > SMALL_OBJECT {
            self.large = Some(self.small.drain(..).collect());
        }
        true
    }
}

enum Frame<'a> {
    Object {
        names: Names<'a>,
        current: Option<Cow<'a, str>>,
        expect_name: bool,
    },
    Array {
        index: usize,
    },
}

/// The first duplicated member of `body`, in document order. Malformed JSON ends the search
/// without a finding (the parser then reports it), so the result is `Some` only for a real
/// duplicate in the part of the body read so far.
pub(crate) fn find_duplicate(body: &[u8]) -> Option<Duplicate> {
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut index = 0;
    while index < body.len() {
        match body[index] {
            b'{' => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(Frame::Object {
                    names: Names::default(),
                    current: None,
                    expect_name: true,
                });
                index += 1;
            }
            b'[' => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(Frame::Array { index: 0 });
                index += 1;
            }
            b'}' | b']' => {
                stack.pop();
                index += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Object { expect_name, .. }) => *expect_name = true,
                    Some(Frame::Array { index }) => *index += 1,
                    None => return None,
                }
                index += 1;
            }
            b'"' => {
                let end = string_end(body, index)?;
                if let Some(Frame::Object {
                    names,
                    current,
                    expect_name: expect_name @ true,
                }) = stack.last_mut()
                {
                    let name = decode(&body[index..=end])?;
                    if !names.insert(name.clone()) {
                        let path = path_to(&stack, &name);
                        return Some(Duplicate {
                            key: name.into_owned(),
                            path,
                            offset: index,
                        });
                    }
                    *current = Some(name);
                    *expect_name = false;
                }
                index = end + 1;
            }
            _ => index += 1,
        }
    }
    None
}

/// Offset of the closing quote of the string opening at `start`.
fn string_end(body: &[u8], start: usize) -> Option<usize> {
    let mut index = start + 1;
    while index < body.len() {
        match body[index] {
            b'"' => return Some(index),
            b'\\' => index += 2,
            _ => index += 1,
        }
    }
    None
}

/// The text of a quoted JSON string (quotes included in `quoted`).
fn decode(quoted: &[u8]) -> Option<Cow<'_, str>> {
    let inner = &quoted[1..quoted.len() - 1];
    if inner.contains(&b'\\') {
        serde_json::from_slice::<String>(quoted)
            .ok()
            .map(Cow::Owned)
    } else {
        std::str::from_utf8(inner).ok().map(Cow::Borrowed)
    }
}

fn path_to(stack: &[Frame<'_>], name: &str) -> String {
    let mut path = String::new();
    let last = stack.len() - 1;
    for (depth, frame) in stack.iter().enumerate() {
        match frame {
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
            Frame::Object { current, .. } => {
                let segment = if depth == last {
                    Some(name)
                } else {
                    current.as_deref()
                };
                if let Some(segment) = segment {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&excerpt(segment));
                }
            }
        }
    }
    bound_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &str) -> Option<(String, String)> {
        find_duplicate(body.as_bytes()).map(|d| (d.key, d.path))
    }

    fn pair(key: &str, path: &str) -> Option<(String, String)> {
        Some((key.to_owned(), path.to_owned()))
    }

    #[test]
    fn finds_duplicates_at_any_depth_with_their_path() {
        assert_eq!(found(r#"{"a":1,"a":2}"#), pair("a", "a"));
        assert_eq!(
            found(r#"{"m":{"x":{"t":"1","t":"2"}}}"#),
            pair("t", "m.x.t")
        );
        assert_eq!(
            found(r#"{"l":[{"k":1},{"k":1,"k":2}]}"#),
            pair("k", "l[1].k")
        );
        assert_eq!(found(r#"[[1],{"z":0,"z":0}]"#), pair("z", "[1].z"));
        let offset = find_duplicate(br#"{"a":1, "a":2}"#).unwrap().offset;
        assert_eq!(offset, 8);
    }

    #[test]
    fn names_are_compared_after_unescaping() {
        assert_eq!(found(r#"{"a":1,"\u0061":2}"#), pair("a", "a"));
        assert_eq!(found(r#"{"\"":1,"\u0022":2}"#), pair("\"", "\""));
        assert_eq!(found(r#"{"a\\":1,"a":2}"#), None);
    }

    #[test]
    fn equal_names_in_different_objects_and_string_values_are_fine() {
        assert_eq!(
            found(r#"{"a":{"a":1},"b":{"a":2},"c":"a","d":["a","a"]}"#),
            None
        );
        assert_eq!(found(r#"{"s":"{\"a\":1,\"a\":2}"}"#), None);
        assert_eq!(found(r#"{"a":"x","b":"a"}"#), None);
    }

    #[test]
    fn large_objects_switch_to_a_set() {
        let mut body = String::from("{");
        for i in 0..50 {
            body.push_str(&format!("\"k{i}\":{i},"));
        }
        body.push_str("\"k3\":0}");
        assert_eq!(found(&body), pair("k3", "k3"));
        let unique: String = (0..50)
            .map(|i| format!("\"u{i}\":0"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(found(&format!("{{{unique}}}")), None);
    }

    #[test]
    fn malformed_input_ends_the_search_quietly() {
        for body in [
            "",
            "{",
            "{\"a",
            "{\"a\":1,\"a",
            "\"",
            "}}}]]",
            ",,,",
            "{\"\\",
            "[".repeat(300).as_str(),
        ] {
            assert_eq!(found(body), None, "{body:?}");
        }
        assert_eq!(find_duplicate(b"{\"\xff\":1,\"\xff\":2}"), None);
    }

    #[test]
    fn long_names_are_cut_in_the_path_but_kept_whole_in_the_key() {
        let name = "n".repeat(200);
        let body = format!("{{\"{name}\":1,\"{name}\":2}}");
        let duplicate = find_duplicate(body.as_bytes()).unwrap();
        assert_eq!(duplicate.key, name);
        assert!(duplicate.path.len() < 100, "{}", duplicate.path);
        assert!(duplicate.path.contains("cut"));
    }
}
