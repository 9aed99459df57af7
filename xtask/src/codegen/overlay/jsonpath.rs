//! The JSONPath subset overlay targets use (RFC 9535 syntax), evaluated on a YAML value tree.
//!
//! Supported: the root `$`; child segments `.name`, `['name']` / `["name"]` (with `\'`, `\"`,
//! `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX` escapes), `.*` / `[*]`, `[n]` (negative
//! counts from the end) and unions `['a','b']`; descendant segments `..name`, `..*`, `..[...]`;
//! filters `[?@.a.b == 'x']` or `[?(@.a.b == 'x')]` with `==` / `!=` against a string, number,
//! `true`, `false` or `null`, and the existence test `[?@.a]`. Slices, functions and logical
//! operators in filters are refused with an error that says so.

use std::fmt;

use serde_yaml::Value;

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

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn error<T>(&self, message: impl Into<String>) -> Result<T, JsonPathError> {
        Err(JsonPathError {
            position: self.pos,
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, expected: char) -> bool {
        if self.peek() == Some(expected) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
    }

    fn path(mut self) -> Result<JsonPath, JsonPathError> {
        if !self.eat('$') {
            return self.error("a JSONPath starts with `$`");
        }
        let mut segments = Vec::new();
        while let Some(c) = self.peek() {
            match c {
                '.' => {
                    self.pos += 1;
                    let descendant = self.eat('.');
                    let selectors = match self.peek() {
                        Some('[') if descendant => self.bracket()?,
                        Some('*') => {
                            self.pos += 1;
                            vec![Selector::Wildcard]
                        }
                        _ => vec![Selector::Name(self.member_name()?)],
                    };
                    segments.push(Segment {
                        descendant,
                        selectors,
                    });
                }
                '[' => segments.push(Segment {
                    descendant: false,
                    selectors: self.bracket()?,
                }),
                other => return self.error(format!("unexpected `{other}`; expected `.` or `[`")),
            }
        }
        Ok(JsonPath { segments })
    }

    fn member_name(&mut self) -> Result<String, JsonPathError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            let allowed = c == '_'
                || c.is_ascii_alphabetic()
                || !c.is_ascii()
                || (self.pos > start && c.is_ascii_digit());
            if !allowed {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            return self.error(
                "expected a member name after `.`; write names with other characters as ['name']",
            );
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    fn bracket(&mut self) -> Result<Vec<Selector>, JsonPathError> {
        if !self.eat('[') {
            return self.error("expected `[`");
        }
        let mut selectors = Vec::new();
        loop {
            self.skip_blanks();
            selectors.push(self.selector()?);
            self.skip_blanks();
            if self.eat(']') {
                return Ok(selectors);
            }
            if !self.eat(',') {
                return self.error("expected `,` or `]`");
            }
        }
    }

    fn selector(&mut self) -> Result<Selector, JsonPathError> {
        match self.peek() {
            Some('\'' | '"') => Ok(Selector::Name(self.string()?)),
            Some('*') => {
                self.pos += 1;
                Ok(Selector::Wildcard)
            }
            Some('?') => {
                self.pos += 1;
                Ok(Selector::Filter(self.filter()?))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let number = self.integer()?;
                self.skip_blanks();
                if self.peek() == Some(':') {
                    return self.error("array slices (`[a:b]`) are not supported");
                }
                Ok(Selector::Index(number))
            }
            Some(other) => self.error(format!(
                "unexpected `{other}` in brackets; expected a quoted name, an index, `*` or a filter `?`"
            )),
            None => self.error("unterminated `[`"),
        }
    }

    fn integer(&mut self) -> Result<i64, JsonPathError> {
        let start = self.pos;
        self.eat('-');
        while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        text.parse().map_err(|_| JsonPathError {
            position: start,
            message: format!("`{text}` is not an index"),
        })
    }

    fn string(&mut self) -> Result<String, JsonPathError> {
        let Some(quote) = self.peek() else {
            return self.error("expected a quoted string");
        };
        self.pos += 1;
        let mut text = String::new();
        loop {
            let Some(c) = self.peek() else {
                return self.error("unterminated string");
            };
            self.pos += 1;
            match c {
                c if c == quote => return Ok(text),
                '\\' => text.push(self.escape()?),
                c => text.push(c),
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonPathError> {
        let Some(c) = self.peek() else {
            return self.error("unterminated escape");
        };
        self.pos += 1;
        Ok(match c {
            '\'' | '"' | '\\' | '/' => c,
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let start = self.pos;
                let hex: String = self.chars.iter().skip(start).take(4).collect();
                let code = (hex.len() == 4)
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .and_then(char::from_u32);
                match code {
                    Some(decoded) => {
                        self.pos += 4;
                        decoded
                    }
                    None => return self.error("`\\u` needs four hex digits naming a character"),
                }
            }
            other => {
                self.pos -= 1;
                return self.error(format!("unknown escape `\\{other}`"));
            }
        })
    }

    fn filter(&mut self) -> Result<Filter, JsonPathError> {
        self.skip_blanks();
        let parenthesized = self.eat('(');
        self.skip_blanks();
        if !self.eat('@') {
            return self.error("a filter starts with `@` (for example `?@.name == 'x'`)");
        }
        let mut path = Vec::new();
        loop {
            if self.eat('.') {
                path.push(self.member_name()?);
            } else if self.peek() == Some('[')
                && matches!(self.chars.get(self.pos + 1), Some('\'' | '"'))
            {
                self.pos += 1;
                path.push(self.string()?);
                if !self.eat(']') {
                    return self.error("expected `]`");
                }
            } else {
                break;
            }
        }
        self.skip_blanks();
        let comparison = if self.eat('=') {
            if !self.eat('=') {
                return self.error("expected `==`");
            }
            Some(Comparison::Equal)
        } else if self.eat('!') {
            if !self.eat('=') {
                return self.error("expected `!=`");
            }
            Some(Comparison::NotEqual)
        } else {
            None
        };
        let comparison = match comparison {
            Some(comparison) => {
                self.skip_blanks();
                Some((comparison, self.literal()?))
            }
            None => None,
        };
        self.skip_blanks();
        if parenthesized && !self.eat(')') {
            return self.error("expected `)` closing the filter");
        }
        match self.peek() {
            Some(']' | ',') => Ok(Filter { path, comparison }),
            Some('&' | '|') => self.error("logical operators in filters are not supported"),
            Some(other) => self.error(format!(
                "unexpected `{other}` in a filter; only `==`, `!=` and existence tests are supported"
            )),
            None => self.error("unterminated filter"),
        }
    }

    fn literal(&mut self) -> Result<Literal, JsonPathError> {
        match self.peek() {
            Some('\'' | '"') => Ok(Literal::String(self.string()?)),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let start = self.pos;
                while matches!(self.peek(), Some(c) if c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || c.is_ascii_digit())
                {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                text.parse()
                    .map(Literal::Number)
                    .map_err(|_| JsonPathError {
                        position: start,
                        message: format!("`{text}` is not a number"),
                    })
            }
            _ => {
                for (word, literal) in [
                    ("true", Literal::Bool(true)),
                    ("false", Literal::Bool(false)),
                    ("null", Literal::Null),
                ] {
                    let end = self.pos + word.len();
                    if self.chars.len() >= end
                        && self.chars[self.pos..end].iter().copied().eq(word.chars())
                    {
                        self.pos = end;
                        return Ok(literal);
                    }
                }
                self.error("expected a string, a number, `true`, `false` or `null`")
            }
        }
    }
}

#[cfg(test)]
#[path = "jsonpath_tests.rs"]
mod tests;
