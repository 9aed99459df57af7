//! [`FastRead`]: reading one typed value at the cursor, for the leaf types of callbacks
//! (strings, numbers, booleans, timestamps, raw JSON, the open enums) and the containers
//! (`Option`, `Vec`). Each reads what its serde `Deserialize` reads from serde_json and gives
//! the same value, or gives up.

use std::borrow::Cow;

use crate::fast::cursor::{Cursor, Fast, GiveUp, RawStr};
use crate::raw_json::RawJson;
use crate::timestamp::Timestamp;

/// A type the single-pass reader builds directly from the body.
///
/// Large structs are read in place ([`FastRead::read_in_place`] into a slot holding the
/// default value) so that their bytes are written once rather than moved up through every
/// level of the reader.
pub(crate) trait FastRead<'a>: Sized {
    /// Reads one value at the cursor.
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self>;

    /// Reads one value at the cursor into `slot`.
    #[inline]
    fn read_in_place(slot: &mut Self, cursor: &mut Cursor<'a>) -> Fast<()> {
        *slot = Self::read(cursor)?;
        Ok(())
    }

    /// Reads one value at the cursor into `slot` as `Some`.
    #[inline]
    fn read_some_in_place(slot: &mut Option<Self>, cursor: &mut Cursor<'a>) -> Fast<()> {
        *slot = Some(Self::read(cursor)?);
        Ok(())
    }
}

/// The `read` and `read_some_in_place` of a type read in place from its default value
/// (`in_place_defaults!('a, Type)` inside its `impl FastRead<'a>`).
macro_rules! in_place_defaults {
    ($lifetime:lifetime, $type:ty) => {
        #[inline]
        fn read(cursor: &mut Cursor<$lifetime>) -> Fast<Self> {
            let mut value = <$type>::default();
            Self::read_in_place(&mut value, cursor)?;
            Ok(value)
        }

        #[inline]
        fn read_some_in_place(slot: &mut Option<Self>, cursor: &mut Cursor<$lifetime>) -> Fast<()> {
            Self::read_in_place(slot.insert(<$type>::default()), cursor)
        }
    };
}

pub(crate) use in_place_defaults;

/// Reads an optional value in place: `null` leaves `slot` as it is and gives `false`; any
/// other value is read into `slot` and gives `true`.
#[inline]
pub(crate) fn read_sent_in_place<'a, T: FastRead<'a>>(
    slot: &mut T,
    cursor: &mut Cursor<'a>,
) -> Fast<bool> {
    if cursor.null()? {
        return Ok(false);
    }
    T::read_in_place(slot, cursor)?;
    Ok(true)
}

/// The value of a JSON string: borrowed when it holds no escape, unescaped otherwise with
/// serde_json's rules for text (a surrogate pair makes one character; a lone surrogate gives
/// up, as serde_json refuses it).
#[inline]
pub(crate) fn unescape(raw: RawStr<'_>) -> Fast<Cow<'_, str>> {
    if raw.escaped {
        unescape_escaped(raw.inner).map(Cow::Owned)
    } else {
        Ok(Cow::Borrowed(raw.inner))
    }
}

/// [`unescape`] of text that holds an escape (kept out of line: most strings hold none).
#[inline(never)]
fn unescape_escaped(text: &str) -> Fast<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = &rest.as_bytes()[at + 1..];
        let (character, length) = match escape.first() {
            Some(b'"') => ('"', 2),
            Some(b'\\') => ('\\', 2),
            Some(b'/') => ('/', 2),
            Some(b'b') => ('\u{8}', 2),
            Some(b'f') => ('\u{c}', 2),
            Some(b'n') => ('\n', 2),
            Some(b'r') => ('\r', 2),
            Some(b't') => ('\t', 2),
            Some(b'u') => unicode_escape(&escape[1..])?,
            _ => return Err(GiveUp),
        };
        out.push(character);
        // The escape is ASCII: the cut is on a character boundary.
        rest = rest.get(at + length..).ok_or(GiveUp)?;
    }
    out.push_str(rest);
    Ok(out)
}

/// The character of a `\u` escape whose four hex digits start `after_u`, and the length of
/// the whole escape (`\uXXXX`, or two of them for a surrogate pair).
fn unicode_escape(after_u: &[u8]) -> Fast<(char, usize)> {
    let unit = hex_unit(after_u)?;
    match unit {
        0xD800..=0xDBFF => {
            let low = match after_u.get(4..6) {
                Some(b"\\u") => hex_unit(&after_u[6..])?,
                _ => return Err(GiveUp),
            };
            if !(0xDC00..=0xDFFF).contains(&low) {
                return Err(GiveUp);
            }
            let scalar = 0x1_0000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            Ok((char::from_u32(scalar).ok_or(GiveUp)?, 12))
        }
        0xDC00..=0xDFFF => Err(GiveUp),
        _ => Ok((char::from_u32(unit).ok_or(GiveUp)?, 6)),
    }
}

/// Four hex digits at the start of `bytes`.
fn hex_unit(bytes: &[u8]) -> Fast<u32> {
    let digits = bytes.get(..4).ok_or(GiveUp)?;
    digits.iter().try_fold(0, |unit, &digit| {
        char::from(digit)
            .to_digit(16)
            .map(|value| unit * 16 + value)
            .ok_or(GiveUp)
    })
}

impl<'a> FastRead<'a> for String {
    #[inline]
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        unescape(cursor.string()?).map(Cow::into_owned)
    }
}

impl<'a, T: FastRead<'a>> FastRead<'a> for Option<T> {
    #[inline]
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        if cursor.null()? {
            Ok(None)
        } else {
            T::read(cursor).map(Some)
        }
    }

    #[inline]
    fn read_in_place(slot: &mut Self, cursor: &mut Cursor<'a>) -> Fast<()> {
        if cursor.null()? {
            *slot = None;
            Ok(())
        } else {
            T::read_some_in_place(slot, cursor)
        }
    }
}

/// Arrays; `null` reads as empty. Every `Vec` field of the callback types is declared so
/// (`null_as_empty`, or `Option<Vec<_>>` made empty), which the differential tests pin.
impl<'a, T: FastRead<'a>> FastRead<'a> for Vec<T> {
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        let mut items = Vec::new();
        if cursor.null()? || !cursor.open_array()? {
            return Ok(items);
        }
        loop {
            items.push(T::read(cursor)?);
            if !cursor.next_element()? {
                return Ok(items);
            }
        }
    }
}

impl<'a> FastRead<'a> for bool {
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        cursor.boolean()
    }
}

/// Numbers are converted by serde_json itself, so rounding and range are exactly its own.
impl<'a> FastRead<'a> for f64 {
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        serde_json::from_str(cursor.number()?).map_err(|_| GiveUp)
    }
}

impl<'a> FastRead<'a> for i64 {
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        serde_json::from_str(cursor.number()?).map_err(|_| GiveUp)
    }
}

impl<'a> FastRead<'a> for Timestamp {
    #[inline]
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        let text = unescape(cursor.string()?)?;
        Timestamp::parse(&text).map_err(|_| GiveUp)
    }
}

impl<'a> FastRead<'a> for RawJson {
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        cursor.skip_value().map(RawJson::from_checked_text)
    }
}

impl<'a> FastRead<'a> for sinch_contacts_model::RawJson {
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        sinch_contacts_model::RawJson::from_text(cursor.skip_value()?).map_err(|_| GiveUp)
    }
}

/// The open enums: read from a string exactly as their `Deserialize` does (`From<&str>`).
macro_rules! open_enums {
    ($($name:ty),* $(,)?) => {
        $(
            impl<'a> FastRead<'a> for $name {
                #[inline]
                fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
                    let text = unescape(cursor.string()?)?;
                    Ok(<$name>::from(text.as_ref()))
                }
            }
        )*
    };
}

open_enums!(
    sinch_contacts_model::ConversationChannel,
    sinch_contacts_model::ContactLanguage,
    sinch_contacts_model::ConversationDirection,
    sinch_contacts_model::DeliveryStatus,
    sinch_contacts_model::ProcessingMode,
    sinch_contacts_model::ReasonCode,
    sinch_contacts_model::ReasonSubCode,
    sinch_contacts_model::CapabilityStatus,
    sinch_contacts_model::OptInStatus,
    sinch_contacts_model::OptOutStatus,
    sinch_contacts_model::RecordStatus,
);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::unescape;
    use crate::fast::cursor::{Cursor, GiveUp};

    /// `unescape` of the JSON string `quoted`, or `GiveUp`.
    fn unescaped(quoted: &str) -> Result<String, GiveUp> {
        let mut cursor = Cursor::new(quoted);
        unescape(cursor.string()?).map(|text| text.into_owned())
    }

    /// A JSON string of `text` with each character written plainly, with its short escape or
    /// as `\u` escapes (a surrogate pair beyond the BMP), as `forms` choose.
    fn written(text: &str, forms: &[u8]) -> String {
        let mut out = String::from('"');
        for (index, c) in text.chars().enumerate() {
            let form = forms.get(index).copied().unwrap_or(0) % 3;
            let short = match c {
                '"' => Some("\\\""),
                '\\' => Some("\\\\"),
                '\n' => Some("\\n"),
                '\t' => Some("\\t"),
                '\r' => Some("\\r"),
                '\u{8}' => Some("\\b"),
                '\u{c}' => Some("\\f"),
                '/' => Some("\\/"),
                _ => None,
            };
            match (form, short) {
                (0, None) if !c.is_control() => out.push(c),
                (0 | 1, Some(short)) => out.push_str(short),
                _ => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        if form == 2 {
                            out.push_str(&format!("\\u{unit:04X}"));
                        } else {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                }
            }
        }
        out.push('"');
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        /// The text serde_json reads from the same JSON string.
        #[test]
        fn unescaping_agrees_with_serde_json(
            text in "[a-z\"\\\\/\\x00-\\x1f é€😀\u{10ffff}]{0,24}",
            forms in prop::collection::vec(any::<u8>(), 24),
        ) {
            let quoted = written(&text, &forms);
            let oracle: String = serde_json::from_str(&quoted).unwrap();
            prop_assert_eq!(&oracle, &text);
            prop_assert_eq!(unescaped(&quoted), Ok(oracle), "{}", quoted);
        }

        /// Escapes serde_json refuses as text (lone or reversed surrogates, bad hex) give up.
        #[test]
        fn what_serde_json_refuses_gives_up(
            unit in prop::sample::select(vec![0xD800u32, 0xDBFF, 0xDC00, 0xDFFF, 0xD83D]),
            after in prop::sample::select(vec!["", "x", "\\n", "\\u0041", "\\uD800", "\\uDBFF"]),
        ) {
            let quoted = format!("\"a\\u{unit:04x}{after}\"");
            let oracle = serde_json::from_str::<String>(&quoted);
            prop_assert_eq!(unescaped(&quoted).ok(), oracle.ok(), "{}", quoted);
        }
    }

    #[test]
    fn hand_worked_escapes() {
        assert_eq!(unescaped(r#""plain""#), Ok("plain".to_owned()));
        assert_eq!(unescaped(r#""a\"b\\c\/d""#), Ok("a\"b\\c/d".to_owned()));
        assert_eq!(unescaped(r#""\u00e9\u20AC""#), Ok("é€".to_owned()));
        // U+1F600 is D83D DE00 in UTF-16.
        assert_eq!(unescaped(r#""\ud83d\ude00!""#), Ok("😀!".to_owned()));
        assert_eq!(unescaped(r#""\u0000""#), Ok("\u{0}".to_owned()));
        for refused in [
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\u12g4""#,
        ] {
            assert_eq!(unescaped(refused), Err(GiveUp), "{refused}");
        }
    }
}
