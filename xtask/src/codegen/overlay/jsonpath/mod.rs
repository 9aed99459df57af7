//! The JSONPath subset overlay targets use (RFC 9535 syntax), evaluated on a YAML value tree.
//!
//! Supported: the root `$`; child segments `.name`, `['name']` / `["name"]` (with `\'`, `\"`,
//! `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX` escapes), `.*` / `[*]`, `[n]` (negative
//! counts from the end) and unions `['a','b']`; descendant segments `..name`, `..*`, `..[...]`;
//! filters `[?@.a.b == 'x']` or `[?(@.a.b == 'x')]` with `==` / `!=` against a string, number,
//! `true`, `false` or `null`, and the existence test `[?@.a]`. Slices, functions and logical
//! operators in filters are refused with an error that says so.

mod parse;

use std::fmt;

use serde_yaml::Value;

use parse::Parser;

/// A parsed JSONPath.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsonPath {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
struct Segment {
    descendant: bool,
    selectors: Vec<Selector>,
}

#[derive(Debug, Clone, PartialEq)]
enum Selector {
    Name(String),
    Wildcard,
    Index(i64),
    Filter(Filter),
}

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    /// The member names after `@`.
    path: Vec<String>,
    /// `None` is the existence test.
    comparison: Option<(Comparison, Literal)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Equal,
    NotEqual,
}

#[derive(Debug, Clone, PartialEq)]
enum Literal {
    String(String),
    Number(f64),
    Bool(bool),
    Null,
}

/// One step from a node to one of its children.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    /// A member of a mapping, by its key.
    Key(Value),
    /// An element of a sequence.
    Index(usize),
}

/// The location of a node: the steps from the root.
pub(crate) type Location = Vec<Step>;

/// Renders a location as a normalized path (`$['a'][0]`), for messages.
pub(crate) fn display_location(location: &[Step]) -> String {
    let mut text = String::from("$");
    for step in location {
        match step {
            Step::Key(Value::String(key)) => {
                text.push_str("['");
                for c in key.chars() {
                    match c {
                        '\'' => text.push_str("\\'"),
                        '\\' => text.push_str("\\\\"),
                        c => text.push(c),
                    }
                }
                text.push_str("']");
            }
            Step::Key(other) => {
                let rendered = serde_yaml::to_string(other).unwrap_or_default();
                text.push_str(&format!("[{}]", rendered.trim_end()));
            }
            Step::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

/// A JSONPath that cannot be parsed: what is wrong and at which character (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonPathError {
    pub(crate) position: usize,
    pub(crate) message: String,
}

impl fmt::Display for JsonPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.position)
    }
}

impl JsonPath {
    /// Parses a JSONPath expression.
    pub(crate) fn parse(text: &str) -> Result<Self, JsonPathError> {
        Parser {
            chars: text.chars().collect(),
            pos: 0,
        }
        .path()
    }

    /// The locations of the nodes the path selects, in document order.
    pub(crate) fn select(&self, root: &Value) -> Vec<Location> {
        let mut current: Vec<Location> = vec![Vec::new()];
        for segment in &self.segments {
            let mut next = Vec::new();
            for location in &current {
                let Some(node) = node_at(root, location) else {
                    continue;
                };
                if segment.descendant {
                    let mut visited = Vec::new();
                    descendants_or_self(node, location.clone(), &mut visited);
                    for (inner_location, inner_node) in visited {
                        apply_selectors(&segment.selectors, inner_node, &inner_location, &mut next);
                    }
                } else {
                    apply_selectors(&segment.selectors, node, location, &mut next);
                }
            }
            current = next;
        }
        current
    }
}

/// The node at a location, if it is still there.
pub(crate) fn node_at<'a>(root: &'a Value, location: &[Step]) -> Option<&'a Value> {
    let mut node = root;
    for step in location {
        node = match (step, node) {
            (Step::Key(key), Value::Mapping(map)) => map.get(key)?,
            (Step::Index(index), Value::Sequence(items)) => items.get(*index)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The node at a location, mutably.
pub(crate) fn node_at_mut<'a>(root: &'a mut Value, location: &[Step]) -> Option<&'a mut Value> {
    let mut node = root;
    for step in location {
        node = match (step, node) {
            (Step::Key(key), Value::Mapping(map)) => map.get_mut(key)?,
            (Step::Index(index), Value::Sequence(items)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(node)
}

fn descendants_or_self<'a>(
    node: &'a Value,
    location: Location,
    out: &mut Vec<(Location, &'a Value)>,
) {
    out.push((location.clone(), node));
    for (step, child) in children(node) {
        let mut child_location = location.clone();
        child_location.push(step);
        descendants_or_self(child, child_location, out);
    }
}

fn children(node: &Value) -> Vec<(Step, &Value)> {
    match node {
        Value::Mapping(map) => map
            .iter()
            .map(|(key, value)| (Step::Key(key.clone()), value))
            .collect(),
        Value::Sequence(items) => items
            .iter()
            .enumerate()
            .map(|(index, value)| (Step::Index(index), value))
            .collect(),
        _ => Vec::new(),
    }
}

fn apply_selectors(
    selectors: &[Selector],
    node: &Value,
    location: &[Step],
    out: &mut Vec<Location>,
) {
    let mut push = |step: Step| {
        let mut child = location.to_vec();
        child.push(step);
        out.push(child);
    };
    for selector in selectors {
        match (selector, node) {
            (Selector::Name(name), Value::Mapping(map)) => {
                let key = Value::String(name.clone());
                if map.contains_key(&key) {
                    push(Step::Key(key));
                }
            }
            (Selector::Index(index), Value::Sequence(items)) => {
                let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
                let resolved = if *index < 0 { len + index } else { *index };
                if (0..len).contains(&resolved) {
                    push(Step::Index(usize::try_from(resolved).unwrap_or(usize::MAX)));
                }
            }
            (Selector::Wildcard, _) => {
                for (step, _) in children(node) {
                    push(step);
                }
            }
            (Selector::Filter(filter), _) => {
                for (step, child) in children(node) {
                    if filter.matches(child) {
                        push(step);
                    }
                }
            }
            _ => {}
        }
    }
}

impl Filter {
    fn matches(&self, candidate: &Value) -> bool {
        let mut node = candidate;
        for name in &self.path {
            match node.get(name.as_str()) {
                Some(child) => node = child,
                None => return false,
            }
        }
        match &self.comparison {
            None => true,
            Some((comparison, literal)) => {
                let equal = literal.equals(node);
                match comparison {
                    Comparison::Equal => equal,
                    Comparison::NotEqual => !equal,
                }
            }
        }
    }
}

impl Literal {
    fn equals(&self, value: &Value) -> bool {
        match (self, value) {
            (Self::String(expected), Value::String(actual)) => expected == actual,
            (Self::Number(expected), Value::Number(actual)) => actual.as_f64() == Some(*expected),
            (Self::Bool(expected), Value::Bool(actual)) => expected == actual,
            (Self::Null, Value::Null) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests;
