//! The single pass for routing: the envelope read, the notification and every other
//! top-level member cut out as text, the whole body checked as JSON without duplicated
//! members on the way. It gives up (and the reference routing path decides) on anything
//! the reference might treat otherwise.

use std::borrow::Cow;

use crate::events::Trigger;
use crate::fast::cursor::{Cursor, Fast};
use crate::fast::members::set_once;
use crate::fast::read::{FastRead, unescape};
use crate::route::RouteParts;
use crate::serde_util::Key;

/// The routing parts of `body`, or `None` when the single pass gives up.
pub(crate) fn route_parts(body: &[u8]) -> Option<RouteParts<'_>> {
    let text = std::str::from_utf8(body).ok()?;
    let mut cursor = Cursor::new(text);
    let parts = read_parts(&mut cursor).ok()?;
    cursor.at_end().then_some(parts)
}

/// A string, or `null` as `None`.
fn optional_text<'a>(cursor: &mut Cursor<'a>) -> Fast<Option<Key<'a>>> {
    if cursor.null()? {
        return Ok(None);
    }
    Ok(Some(Key(unescape(cursor.string()?)?)))
}

fn read_parts<'a>(cursor: &mut Cursor<'a>) -> Fast<RouteParts<'a>> {
    let mut parts = RouteParts::default();
    let others = cursor.names();
    if !cursor.open_object()? {
        return Ok(parts);
    }
    loop {
        let name = cursor.member_name()?;
        match name {
            "app_id" => set_once(&mut parts.app_id, unescape(cursor.string()?)?)?,
            "project_id" => set_once(&mut parts.project_id, unescape(cursor.string()?)?)?,
            "accepted_time" => set_once(&mut parts.accepted_time, FastRead::read(cursor)?)?,
            "event_time" => set_once(&mut parts.event_time, FastRead::read(cursor)?)?,
            "message_metadata" => set_once(&mut parts.message_metadata, optional_text(cursor)?)?,
            "correlation_id" => set_once(&mut parts.correlation_id, optional_text(cursor)?)?,
            _ => {
                cursor.add_name(others, name)?;
                let value = cursor.skip_value()?;
                match Trigger::from_notification_key(name) {
                    Some(trigger) if parts.notification.is_none() => {
                        parts.notification = Some((trigger, Cow::Borrowed(name), value.as_bytes()));
                    }
                    _ => parts.unrecognized.push((Cow::Borrowed(name), value)),
                }
            }
        }
        if !cursor.next_member()? {
            break;
        }
    }
    cursor.end_names(others);
    cursor.close_object();
    Ok(parts)
}
