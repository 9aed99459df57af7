//! The quick stage of the duplicated-member check: one pass over the bytes that allocates
//! nothing and answers "certainly no duplicate" for ordinary bodies, and, for routing, cuts
//! the top level of the body into members in the same pass.
//!
//! Member names are byte ranges of the body compared as bytes (equal bytes are equal names;
//! a name holding an escape goes to the exact scanner), and an open object's names live in
//! one fixed array. Whenever [`find_duplicate`](crate::duplicates::find_duplicate) could find something, the answer is
//! [`QuickScan::MaybeDuplicate`] (also in a few rare cases where it cannot: a name with an
//! escape, an object with very many members, very deep nesting), and the caller asks
//! [`find_duplicate`](crate::duplicates::find_duplicate).

#[cfg(test)]
use crate::duplicates::find_duplicate;

/// Nesting depth [`may_have_duplicate`] tracks on the stack; deeper bodies go to
/// [`find_duplicate`](crate::duplicates::find_duplicate).
const FAST_DEPTH: usize = 48;

/// Member names [`may_have_duplicate`] keeps for all open objects together; more go to
/// [`find_duplicate`](crate::duplicates::find_duplicate).
const FAST_NAMES: usize = 96;

/// Members of one object [`may_have_duplicate`] compares one by one; more go to
/// [`find_duplicate`](crate::duplicates::find_duplicate) (which switches to a hash set).
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
    /// [`find_duplicate`](crate::duplicates::find_duplicate) must be asked.
    MaybeDuplicate,
    /// The top level is not laid out as a plain object the quick scan handles (not an
    /// object, bad separators, too many members): the caller takes the slow way.
    Unusual,
}

/// Whether [`find_duplicate`](crate::duplicates::find_duplicate) could find a duplicated member in `body`. `false` means it
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

/// Same walk as [`find_duplicate`](crate::duplicates::find_duplicate), without allocation: member names are byte ranges of the
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

/// The end of a string as the exact scanner finds it, with `memchr`, and whether the string holds an escape.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
