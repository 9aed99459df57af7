//! The JSONPath parser: text to segments and selectors, refusing what the subset lacks with the
//! character position.

use super::{Comparison, Filter, JsonPath, JsonPathError, Literal, Segment, Selector};

pub(super) struct Parser {
    pub(super) chars: Vec<char>,
    pub(super) pos: usize,
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

    pub(super) fn path(mut self) -> Result<JsonPath, JsonPathError> {
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
