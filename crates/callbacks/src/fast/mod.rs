//! The single-pass parse: one walk over the body that builds the typed [`Callback`] and, in
//! the same walk, refuses a member named twice in any object.
//!
//! It is an accelerator in front of the reference parse (the duplicate scan, then serde_json
//! with the types' `Deserialize`): it either gives the very value the reference gives, or
//! gives up ([`cursor::GiveUp`]) and leaves the body to the reference, which then decides and
//! explains. It never accepts a body the reference refuses. It gives up on every error and
//! on a few rare, legal forms it does not handle itself (a member name holding an escape, an
//! escaped surrogate, invalid UTF-8 anywhere in the body, nesting deeper than 64, an object
//! with more than 32 members that are not fields of a typed struct); those bodies cost one
//! extra attempt. The differential tests compare both paths on every payload they have and
//! on generated ones.

mod callback;
mod contact;
mod contact_message;
pub(crate) mod cursor;
pub(crate) mod read;
mod structs;

use crate::events::Callback;
use cursor::Cursor;
use read::FastRead;

/// The callback in `body`, or `None` when the single pass gives up.
pub(crate) fn parse(body: &[u8]) -> Option<Callback> {
    let text = std::str::from_utf8(body).ok()?;
    let mut cursor = Cursor::new(text);
    let callback = Callback::read(&mut cursor).ok()?;
    cursor.at_end().then_some(callback)
}
