//! The single-pass parse: one walk over the body that builds the typed [`Callback`] and, in
//! the same walk, refuses a member named twice in any object.
//!
//! It is an accelerator in front of the reference parse (the duplicate scan, then serde_json
//! with the types' `Deserialize`): it either gives the very value the reference gives, or
//! gives up ([`cursor::GiveUp`]) and leaves the body to the reference, which then decides and
//! explains. It never accepts a body the reference refuses. It gives up on every error (a
//! body that is not UTF-8 included) and on a few rare, legal forms it does not handle itself
//! (a member name holding an escape, nesting deeper than 64, an object with more than 64
//! members that are not fields of a typed struct); those bodies cost one extra attempt. The differential tests compare both paths on every payload they have and
//! on generated ones.

mod callback;
mod contact;
mod contact_message;
pub(crate) mod cursor;
mod members;
pub(crate) mod read;
mod route;
mod scan;
mod structs;

use crate::events::Callback;
use cursor::Cursor;
use read::FastRead;

#[cfg(test)]
mod tests;

/// Reads the callback in `body` into `callback` (which holds [`empty_callback`]); `false`
/// when the single pass gives up, leaving `callback` in an unspecified state.
pub(crate) fn parse_into(body: &[u8], callback: &mut Callback) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let mut cursor = Cursor::new(text);
    Callback::read_in_place(callback, &mut cursor).is_ok() && cursor.at_end()
}

/// The callback in `body`, or `None` when the single pass gives up.
#[cfg(test)]
pub(crate) fn parse(body: &[u8]) -> Option<Callback> {
    let mut callback = empty_callback();
    parse_into(body, &mut callback).then_some(callback)
}

pub(crate) use callback::empty_callback;
pub(crate) use route::route_parts;
