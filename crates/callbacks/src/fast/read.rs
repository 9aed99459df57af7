//! [`FastRead`]: reading one typed value at the cursor, for the leaf types of callbacks
//! (strings, numbers, booleans, timestamps, raw JSON, the open enums) and the containers
//! (`Option`, `Vec`). Each reads what its serde `Deserialize` reads from serde_json and gives
//! the same value, or gives up.

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

/// The value of a JSON string: borrowed when it holds no escape, unescaped by serde_json
/// otherwise (so the rules for escapes are exactly serde_json's).
pub(crate) fn unescape(raw: RawStr<'_>) -> Fast<std::borrow::Cow<'_, str>> {
    if raw.escaped {
        serde_json::from_str::<String>(raw.quoted)
            .map(std::borrow::Cow::Owned)
            .map_err(|_| GiveUp)
    } else {
        Ok(std::borrow::Cow::Borrowed(raw.inner))
    }
}

impl<'a> FastRead<'a> for String {
    #[inline]
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        unescape(cursor.string()?).map(std::borrow::Cow::into_owned)
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
