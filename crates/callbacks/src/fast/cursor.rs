//! [`Cursor`]: a position in a body already known to be UTF-8, with the JSON primitives the
//! single-pass readers need (whitespace, strings, numbers, literals, and skipping a whole value
//! while refusing a member named twice in any object of it).
//!
//! Every primitive either succeeds on input that serde_json also accepts, or gives up with
//! [`GiveUp`]: it never accepts what serde_json refuses. Giving up is not an error; the caller
//! then takes the reference path, which decides and explains.

/// The single-pass reader met something it leaves to the reference path: a syntax error, a
/// shape that does not fit, a duplicated member, or a rare form it does not handle itself
/// (a member name holding an escape, very deep nesting, an object with very many members).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GiveUp;

/// What a single-pass read gives: the value, or [`GiveUp`].
pub(crate) type Fast<T> = Result<T, GiveUp>;

use crate::fast::scan::{digits_end, string_end, whitespace_end};

/// Nesting the cursor follows before it gives up; serde_json's own limit is 128, so whatever
/// the cursor accepts, serde_json accepts too.
const MAX_DEPTH: u32 = 64;

/// Members of one object whose names are compared one by one; an object with more goes to
/// the reference path (which compares them through a hash set).
pub(crate) const MAX_OBJECT_MEMBERS: usize = 64;

/// A JSON string as it stands in the body: the text between the quotes, and whether it holds
/// an escape (then the text is not yet the string's value).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawStr<'a> {
    /// The text between the quotes.
    pub(crate) inner: &'a str,
    /// Whether `inner` holds a `\` escape.
    pub(crate) escaped: bool,
}

/// A position in a UTF-8 body.
///
/// It also keeps the member names of the objects being read, one stack for all of them (an
/// object's names sit above those of the objects around it and go when it closes), so that
/// an object costs no set-up of its own: see [`Cursor::names`].
pub(crate) struct Cursor<'a> {
    text: &'a str,
    position: usize,
    depth: u32,
    /// The first names of the stack.
    names: [&'a str; STACKED_NAMES],
    /// How many names the stack holds.
    name_count: usize,
    /// The names past the first [`STACKED_NAMES`].
    more_names: Vec<&'a str>,
}

/// Names kept on the cursor without allocation.
const STACKED_NAMES: usize = 24;

/// Where the names of one object start on the cursor's name stack ([`Cursor::names`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Names(usize);

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            position: 0,
            depth: 0,
            names: [""; STACKED_NAMES],
            name_count: 0,
            more_names: Vec::new(),
        }
    }

    /// Starts the names of an object: [`Cursor::add_name`] compares a name with those added
    /// since, and [`Cursor::end_names`] drops them.
    #[inline(always)]
    pub(crate) fn names(&self) -> Names {
        Names(self.name_count)
    }

    /// Adds `name` to the names of `object`; gives up when it is there already, or when the
    /// object has more than [`MAX_OBJECT_MEMBERS`] (the reference path compares those
    /// through a hash set).
    #[inline]
    pub(crate) fn add_name(&mut self, object: Names, name: &'a str) -> Fast<()> {
        if self.name_count - object.0 == MAX_OBJECT_MEMBERS {
            return Err(GiveUp);
        }
        for index in object.0..self.name_count {
            let known = match self.names.get(index) {
                Some(known) => *known,
                None => self.more_names[index - STACKED_NAMES],
            };
            if known == name {
                return Err(GiveUp);
            }
        }
        match self.names.get_mut(self.name_count) {
            Some(slot) => *slot = name,
            None => self.more_names.push(name),
        }
        self.name_count += 1;
        Ok(())
    }

    /// Drops the names of `object` (and of the objects inside it).
    #[inline(always)]
    pub(crate) fn end_names(&mut self, object: Names) {
        self.name_count = object.0;
        self.more_names
            .truncate(object.0.saturating_sub(STACKED_NAMES));
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next byte that is not JSON whitespace, left unread; `None` at the end.
    #[inline(always)]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        let bytes = self.bytes();
        match bytes.get(self.position) {
            Some(b' ' | b'\n' | b'\r' | b'\t') => {
                self.position = whitespace_end(bytes, self.position + 1);
                bytes.get(self.position).copied()
            }
            next => next.copied(),
        }
    }

    /// Reads `byte` (after whitespace).
    #[inline(always)]
    pub(crate) fn eat(&mut self, byte: u8) -> Fast<()> {
        if self.peek() == Some(byte) {
            self.position += 1;
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// Whether only whitespace is left.
    pub(crate) fn at_end(&mut self) -> bool {
        self.peek().is_none()
    }

    /// Reads `null` if it comes next, and says whether it did.
    #[inline(always)]
    pub(crate) fn null(&mut self) -> Fast<bool> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Reads `true` or `false`.
    pub(crate) fn boolean(&mut self) -> Fast<bool> {
        match self.peek() {
            Some(b't') => self.literal(b"true").map(|()| true),
            Some(b'f') => self.literal(b"false").map(|()| false),
            _ => Err(GiveUp),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Fast<()> {
        if self.bytes()[self.position..].starts_with(word) {
            self.position += word.len();
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// Reads a string (after whitespace).
    #[inline]
    pub(crate) fn string(&mut self) -> Fast<RawStr<'a>> {
        if self.peek() != Some(b'"') {
            return Err(GiveUp);
        }
        let start = self.position;
        let (end, escaped) = string_end(self.bytes(), start + 1)?;
        self.position = end + 1;
        // `start` and `end` are quotes, so the cuts fall on character boundaries.
        Ok(RawStr {
            inner: self.text.get(start + 1..end).ok_or(GiveUp)?,
            escaped,
        })
    }

    /// Reads a member name and the `:` after it. A name holding an escape gives up (the
    /// duplicate rule compares names after unescaping; the reference path does that).
    #[inline]
    pub(crate) fn member_name(&mut self) -> Fast<&'a str> {
        if self.peek() != Some(b'"') {
            return Err(GiveUp);
        }
        let start = self.position + 1;
        let (end, escaped) = string_end(self.bytes(), start)?;
        if escaped {
            return Err(GiveUp);
        }
        self.position = end + 1;
        let name = self.text.get(start..end).ok_or(GiveUp)?;
        self.eat(b':')?;
        Ok(name)
    }

    /// After a member's value: `true` when another member follows (the `,` is read), `false`
    /// when the object ends (the `}` is read).
    #[inline(always)]
    pub(crate) fn next_member(&mut self) -> Fast<bool> {
        match self.peek() {
            Some(b',') => {
                self.position += 1;
                Ok(true)
            }
            Some(b'}') => {
                self.position += 1;
                Ok(false)
            }
            _ => Err(GiveUp),
        }
    }

    /// Reads `{` and says whether a member follows (`false`: the `}` came right away and is
    /// read too).
    #[inline]
    pub(crate) fn open_object(&mut self) -> Fast<bool> {
        self.eat(b'{')?;
        self.enter()?;
        if self.peek() == Some(b'}') {
            self.position += 1;
            self.leave();
            Ok(false)
        } else {
            Ok(true)
        }
    }

    /// Marks the end of an object opened with [`Cursor::open_object`] (its `}` already read by
    /// [`Cursor::next_member`]).
    #[inline]
    pub(crate) fn close_object(&mut self) {
        self.leave();
    }

    /// Reads `[` and says whether an element follows (`false`: the `]` is read too).
    pub(crate) fn open_array(&mut self) -> Fast<bool> {
        self.eat(b'[')?;
        self.enter()?;
        if self.peek() == Some(b']') {
            self.position += 1;
            self.leave();
            Ok(false)
        } else {
            Ok(true)
        }
    }

    /// After an element: `true` when another follows (`,` read), `false` at `]` (read, and
    /// the array closed).
    pub(crate) fn next_element(&mut self) -> Fast<bool> {
        match self.peek() {
            Some(b',') => {
                self.position += 1;
                Ok(true)
            }
            Some(b']') => {
                self.position += 1;
                self.leave();
                Ok(false)
            }
            _ => Err(GiveUp),
        }
    }

    fn enter(&mut self) -> Fast<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(GiveUp);
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Reads a number and gives its text. The text follows JSON's grammar exactly
    /// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    pub(crate) fn number(&mut self) -> Fast<&'a str> {
        self.peek();
        let bytes = self.bytes();
        let start = self.position;
        let mut index = start;
        if bytes.get(index) == Some(&b'-') {
            index += 1;
        }
        match bytes.get(index) {
            Some(b'0') => index += 1,
            Some(b'1'..=b'9') => index = digits_end(bytes, index + 1),
            _ => return Err(GiveUp),
        }
        if bytes.get(index) == Some(&b'.') {
            let end = digits_end(bytes, index + 1);
            if end == index + 1 {
                return Err(GiveUp);
            }
            index = end;
        }
        if matches!(bytes.get(index), Some(b'e' | b'E')) {
            index += 1;
            if matches!(bytes.get(index), Some(b'+' | b'-')) {
                index += 1;
            }
            let end = digits_end(bytes, index);
            if end == index {
                return Err(GiveUp);
            }
            index = end;
        }
        self.position = index;
        // Digits, signs, `.` and `e` are ASCII: the cut is on character boundaries.
        self.text.get(start..index).ok_or(GiveUp)
    }

    /// Reads one value of any kind and gives its text (without surrounding whitespace),
    /// refusing (by giving up) a member named twice in any object inside it.
    pub(crate) fn skip_value(&mut self) -> Fast<&'a str> {
        self.peek();
        let start = self.position;
        self.skip_any()?;
        self.text.get(start..self.position).ok_or(GiveUp)
    }

    /// [`Cursor::skip_value`] without cutting the text out.
    fn skip_any(&mut self) -> Fast<()> {
        match self.peek().ok_or(GiveUp)? {
            b'"' => {
                let (end, _) = string_end(self.bytes(), self.position + 1)?;
                self.position = end + 1;
            }
            b'{' => self.skip_object()?,
            b'[' => self.skip_array()?,
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            b'-' | b'0'..=b'9' => {
                self.number()?;
            }
            _ => return Err(GiveUp),
        }
        Ok(())
    }

    fn skip_object(&mut self) -> Fast<()> {
        if !self.open_object()? {
            return Ok(());
        }
        let names = self.names();
        loop {
            let name = self.member_name()?;
            self.add_name(names, name)?;
            self.skip_any()?;
            if !self.next_member()? {
                break;
            }
        }
        self.end_names(names);
        self.close_object();
        Ok(())
    }

    fn skip_array(&mut self) -> Fast<()> {
        if !self.open_array()? {
            return Ok(());
        }
        loop {
            self.skip_any()?;
            if !self.next_element()? {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests;
