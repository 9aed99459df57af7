//! Finds a member name that appears twice in one JSON object, anywhere in a body.
//!
//! JSON parsers disagree on duplicated members (first wins, last wins, error), so a body with
//! one means different things to different readers. This crate refuses such bodies: one pass
//! over the bytes before the typed parse, tracking the member names of each open object.
//!
//! Two scanners share the rule. [`may_have_duplicate`] runs on every parse: it allocates
//! nothing, compares member names as raw bytes, and says `true` whenever [`find_duplicate`]
//! could find something (and in a few rare cases where it cannot: a name with an escape, an
//! object with very many members, very deep nesting). Only then does [`find_duplicate`] run,
//! which unescapes names and builds the path for the error.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::excerpt::{bound_path, excerpt};

/// Objects nested deeper than this are left to the parser (which refuses them).
const MAX_DEPTH: usize = 128;

/// Up to this many names an object's names are compared one by one; past it they go into a
/// hash set, so an object with many members costs linear time.
const SMALL_OBJECT: usize = 8;

/// Nesting depth [`may_have_duplicate`] tracks on the stack; deeper bodies go to
/// [`find_duplicate`].
const FAST_DEPTH: usize = 48;

/// Member names [`may_have_duplicate`] keeps for all open objects together; more go to
/// [`find_duplicate`].
const FAST_NAMES: usize = 96;

/// Members of one object [`may_have_duplicate`] compares one by one; more go to
/// [`find_duplicate`] (which switches to a hash set).
const FAST_OBJECT: usize = 32;

/// Top-level members [`scan_top_level`] records; bodies with more go the slow way.
pub(crate) const TOP_MEMBERS: usize = 24;

/// The members of a body that is one JSON object, as byte ranges of the body: the name
/// (without its quotes, holding no escape) and the value (without surrounding whitespace).
/// Only the layout of the top level is checked (`{`, names, `:`, `,`, `}`, whitespace around
/// them and nothing after); the values' own text is not.
#[derive(Debug)]
pub(crate) struct TopLevel {
    pub(crate) members: [TopMember; TOP_MEMBERS],
    pub(crate) count: usize,
}

/// One member of [`TopLevel`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TopMember {
    pub(crate) name: (usize, usize),
    pub(crate) value: (usize, usize),
}

/// What [`scan_top_level`] found.
#[derive(Debug)]
pub(crate) enum QuickScan {
    /// No duplicated member; with the top level's members when recorded.
    Clean,
    /// [`find_duplicate`] must be asked.
    MaybeDuplicate,
    /// The top level is not laid out as a plain object the quick scan handles (not an
    /// object, bad separators, too many members): the caller takes the slow way.
    Unusual,
}

/// Whether [`find_duplicate`] could find a duplicated member in `body`. `false` means it
/// certainly finds none; `true` means it must be asked.
pub(crate) fn may_have_duplicate(body: &[u8]) -> bool {
    let mut top = None;
    matches!(
        quick_scan::<false>(body, &mut top),
        QuickScan::MaybeDuplicate
    )
}

/// [`may_have_duplicate`] and, in the same pass, the top-level members of the body.
pub(crate) fn scan_top_level(body: &[u8], top: &mut TopLevel) -> QuickScan {
    let mut top = Some(top);
    quick_scan::<true>(body, &mut top)
}

fn is_whitespace(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
}

fn trim(body: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && matches!(body[start], b' ' | b'\t' | b'\n' | b'\r') {
        start += 1;
    }
    while end > start && matches!(body[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
        end -= 1;
    }
    (start, end)
}

/// Same walk as [`find_duplicate`], without allocation: member names are byte ranges of the
/// body compared as bytes (equal bytes are equal names, and a name holding an escape sends
/// the body to the exact scanner), and an open object's names live in one fixed array. With
/// `top`, the top-level members are recorded too, and a top level laid out otherwise than
/// as one plain object is [`QuickScan::Unusual`].
/// `RECORD` says whether `top` is given; as a constant, the loop without recording compiles
/// without any of the top-level checks.
fn quick_scan<const RECORD: bool>(body: &[u8], top: &mut Option<&mut TopLevel>) -> QuickScan {
    use QuickScan::{Clean, MaybeDuplicate, Unusual};
    // Where the quick check alone would say "no duplicate" on a broken body.
    let broken = if RECORD { Unusual } else { Clean };
    if u32::try_from(body.len()).is_err() {
        return MaybeDuplicate;
    }
    // Per open container: where its names start in `names` (`ARRAY` for an array), and
    // whether a member name comes next.
    const ARRAY: usize = usize::MAX;
    let mut first_name = [0usize; FAST_DEPTH];
    let mut expect_name = [false; FAST_DEPTH];
    let mut depth = 0;
    let mut names = [(0u32, 0u32); FAST_NAMES];
    let mut name_count = 0;
    // Top level: whether the object opened / closed, where the current gap or value starts.
    let mut top_opened = false;
    let mut top_closed_at = None;
    let mut gap_start = 0;
    let mut value_start = None;
    // Set when the top level is laid out otherwise: recording stops, the duplicate search
    // goes on (a duplicate found later still counts).
    let mut unusual = !RECORD || top.is_none();
    let mut index = 0;
    while index < body.len() {
        match body[index] {
            open @ (b'{' | b'[') => {
                if depth == FAST_DEPTH {
                    return MaybeDuplicate;
                }
                if RECORD && depth == 0 && !unusual {
                    if open == b'[' || top_opened || !is_whitespace(&body[..index]) {
                        unusual = true;
                    }
                    top_opened = true;
                    gap_start = index + 1;
                }
                let object = open == b'{';
                first_name[depth] = if object { name_count } else { ARRAY };
                expect_name[depth] = object;
                depth += 1;
            }
            close @ (b'}' | b']') => {
                if RECORD
                    && depth == 1
                    && !unusual
                    && let Some(top) = top.as_deref_mut()
                {
                    unusual = match value_start.take() {
                        _ if close == b']' => true,
                        Some(start) => !push_member(body, top, start, index),
                        None => top.count > 0 || !is_whitespace(&body[gap_start..index]),
                    };
                    top_closed_at = Some(index);
                }
                if depth > 0 {
                    depth -= 1;
                    if first_name[depth] != ARRAY {
                        name_count = first_name[depth];
                    }
                }
            }
            b',' => {
                if depth == 0 {
                    return broken;
                }
                if RECORD
                    && depth == 1
                    && !unusual
                    && let Some(top) = top.as_deref_mut()
                {
                    unusual = !value_start
                        .take()
                        .is_some_and(|start| push_member(body, top, start, index));
                    gap_start = index + 1;
                }
                if first_name[depth - 1] != ARRAY {
                    expect_name[depth - 1] = true;
                }
            }
            b'"' => {
                let Some((end, escaped)) = quick_string_end(body, index) else {
                    return broken;
                };
                if depth > 0 && expect_name[depth - 1] {
                    let start = index + 1;
                    if escaped {
                        return MaybeDuplicate;
                    }
                    let first = first_name[depth - 1];
                    if name_count - first >= FAST_OBJECT || name_count == FAST_NAMES {
                        return MaybeDuplicate;
                    }
                    let name = &body[start..end];
                    if names[first..name_count]
                        .iter()
                        .any(|&(from, to)| &body[from as usize..to as usize] == name)
                    {
                        return MaybeDuplicate;
                    }
                    // Offsets fit in u32: longer bodies went to the exact scanner above.
                    names[name_count] = (start as u32, end as u32);
                    name_count += 1;
                    expect_name[depth - 1] = false;
                    if RECORD
                        && depth == 1
                        && !unusual
                        && let Some(top) = top.as_deref_mut()
                    {
                        // A name at the top level: whitespace before it, then `:`.
                        let colon = end
                            + 1
                            + body[end + 1..]
                                .iter()
                                .take_while(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
                                .count();
                        if !is_whitespace(&body[gap_start..index])
                            || top.count == TOP_MEMBERS
                            || body.get(colon) != Some(&b':')
                        {
                            unusual = true;
                        } else {
                            top.members[top.count].name = (start, end);
                            value_start = Some(colon + 1);
                            index = colon + 1;
                            continue;
                        }
                    }
                }
                index = end;
            }
            _ => {
                // A run of bytes that change nothing here (whitespace, `:`, numbers,
                // literals): a tight loop, away from the bookkeeping above.
                index += 1;
                while index < body.len() && !STRUCTURAL[usize::from(body[index])] {
                    index += 1;
                }
                continue;
            }
        }
        index += 1;
    }
    if RECORD {
        match top_closed_at {
            Some(close) if !unusual && depth == 0 && is_whitespace(&body[close + 1..]) => {}
            _ => return Unusual,
        }
    }
    Clean
}

/// The bytes [`quick_scan`] acts on.
const STRUCTURAL: [bool; 256] = {
    let mut set = [false; 256];
    set[b'{' as usize] = true;
    set[b'}' as usize] = true;
    set[b'[' as usize] = true;
    set[b']' as usize] = true;
    set[b',' as usize] = true;
    set[b'"' as usize] = true;
    set
};

/// [`string_end`] with `memchr`, and whether the string holds an escape.
#[inline(always)]
fn quick_string_end(body: &[u8], start: usize) -> Option<(usize, bool)> {
    let mut index = start + 1;
    let mut escaped = false;
    loop {
        index += memchr::memchr2(b'"', b'\\', body.get(index..)?)?;
        if body[index] == b'"' {
            return Some((index, escaped));
        }
        escaped = true;
        index += 2;
    }
}

/// Records the member whose name was recorded last and whose value runs from `start` to
/// `end`; `false` when the value is empty.
fn push_member(body: &[u8], top: &mut TopLevel, start: usize, end: usize) -> bool {
    let value = trim(body, start, end);
    if value.0 == value.1 {
        return false;
    }
    top.members[top.count].value = value;
    top.count += 1;
    true
}

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

    /// Bodies of the tests above and a few more, with and without duplicates.
    const SAMPLES: &[&str] = &[
        r#"{"a":1,"a":2}"#,
        r#"{"m":{"x":{"t":"1","t":"2"}}}"#,
        r#"{"l":[{"k":1},{"k":1,"k":2}]}"#,
        r#"[[1],{"z":0,"z":0}]"#,
        r#"{"a":1,"\u0061":2}"#,
        r#"{"\"":1,"\u0022":2}"#,
        r#"{"a\\":1,"a":2}"#,
        r#"{"a":{"a":1},"b":{"a":2},"c":"a","d":["a","a"]}"#,
        r#"{"s":"{\"a\":1,\"a\":2}"}"#,
        r#"{{"x":0}"a":1,"a":2}"#,
        r#"{"a":[1,2],"b":{"c":{},"d":[]},"e":"x\"y","a":0}"#,
        r#"{"o":{"p":1},"o2":{"p":1,"q":[{"p":1},{"p":2,"p":3}]}}"#,
        r#"]]}},{"a":1,"a":2}"#,
        r#"{"a":1}{"a":2}"#,
    ];

    #[test]
    fn the_quick_check_says_yes_wherever_the_exact_scanner_finds_a_duplicate() {
        for body in SAMPLES {
            let exact = find_duplicate(body.as_bytes()).is_some();
            let quick = may_have_duplicate(body.as_bytes());
            assert!(!exact || quick, "{body}");
        }
    }

    #[test]
    fn the_quick_check_says_no_for_bodies_without_duplicates() {
        for body in [
            r#"{"app_id":"a","project_id":"p","message":{"id":"1","contact_message":{"text_message":{"text":"hi"}}}}"#,
            r#"{"a":{"a":1},"b":{"a":2},"c":"a","d":["a","a"],"e":[{"a":1},{"a":2}]}"#,
            r#"{"s":"{\"a\":1,\"a\":2}","t":"\\"}"#,
            "",
            "[]",
            "{}",
        ] {
            assert!(!may_have_duplicate(body.as_bytes()), "{body}");
            assert_eq!(find_duplicate(body.as_bytes()), None, "{body}");
        }
        // Every fixture of the crate, none of which repeats a member.
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for dir in ["seeds", "official"] {
            for entry in std::fs::read_dir(fixtures.join(dir)).unwrap() {
                let body = std::fs::read(entry.unwrap().path()).unwrap();
                assert!(!may_have_duplicate(&body));
            }
        }
    }

    #[test]
    fn the_quick_check_hands_rare_shapes_to_the_exact_scanner() {
        // An escaped name, an object with more members than compared one by one, deep nesting.
        assert!(may_have_duplicate(br#"{"\u0061":1}"#));
        let wide: String = (0..FAST_OBJECT + 1)
            .map(|i| format!("\"k{i}\":0"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(may_have_duplicate(format!("{{{wide}}}").as_bytes()));
        assert!(may_have_duplicate("[".repeat(FAST_DEPTH + 1).as_bytes()));
        assert!(!may_have_duplicate("[".repeat(FAST_DEPTH).as_bytes()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2048,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// Token soup: structural bytes, quotes, escapes and a few name letters, well-formed or
        /// not. The quick check never misses what the exact scanner finds.
        #[test]
        fn the_quick_check_never_misses_a_duplicate(
            tokens in proptest::collection::vec(
                proptest::sample::select(vec![
                    "{", "}", "[", "]", ",", ":", "\"", "\\", "a", "b", "\"a\"", "\"b\"",
                    "\"a\":", "\"b\":", "1", " ", "\\u0061", "\\\"", "\u{e9}",
                ]),
                0..48,
            )
        ) {
            let body: String = tokens.concat();
            let exact = find_duplicate(body.as_bytes()).is_some();
            proptest::prop_assert!(!exact || may_have_duplicate(body.as_bytes()), "{}", body);
            let mut top = empty_top();
            let recorded = scan_top_level(body.as_bytes(), &mut top);
            proptest::prop_assert!(
                !exact || matches!(recorded, QuickScan::MaybeDuplicate),
                "{}",
                body
            );
        }
    }

    fn empty_top() -> TopLevel {
        TopLevel {
            members: [TopMember::default(); TOP_MEMBERS],
            count: 0,
        }
    }

    /// The members found, as (name, value) texts.
    fn members(body: &str) -> Option<Vec<(&str, &str)>> {
        let mut top = empty_top();
        match scan_top_level(body.as_bytes(), &mut top) {
            QuickScan::Clean => Some(
                top.members[..top.count]
                    .iter()
                    .map(|m| (&body[m.name.0..m.name.1], &body[m.value.0..m.value.1]))
                    .collect(),
            ),
            _ => None,
        }
    }

    #[test]
    fn the_top_level_members_are_cut_out_with_their_values_trimmed() {
        assert_eq!(
            members(" {\"a\" : [1, {\"x\": \"},\"}] ,\n\"b\":\"s\"\t} \n"),
            Some(vec![("a", "[1, {\"x\": \"},\"}]"), ("b", "\"s\"")])
        );
        assert_eq!(members("{}"), Some(vec![]));
        assert_eq!(members("{\"a\":{\"a\":1}}"), Some(vec![("a", "{\"a\":1}")]));
    }

    #[test]
    fn a_top_level_laid_out_otherwise_is_unusual() {
        for body in [
            "[]",
            "1",
            "",
            "{",
            "{\"a\":1,}",
            "{,\"a\":1}",
            "{\"a\" 1}",
            "{\"a\":}",
            "{\"a\":1}}",
            "{\"a\":1} x",
            "x {\"a\":1}",
            "{\"a\":1]",
            "{\"a\":1}{\"b\":2}",
            "{ 5 }",
        ] {
            let mut top = empty_top();
            assert!(
                matches!(
                    scan_top_level(body.as_bytes(), &mut top),
                    QuickScan::Unusual
                ),
                "{body}"
            );
        }
        // A duplicate after an unusual layout is still found.
        let mut top = empty_top();
        assert!(matches!(
            scan_top_level(b"[{\"a\":0,\"a\":0}]", &mut top),
            QuickScan::MaybeDuplicate
        ));
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
