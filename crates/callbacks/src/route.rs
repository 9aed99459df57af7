//! Routing: the envelope and the trigger of a callback typed, the notification kept as raw
//! text borrowed from the body until it is asked for.

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer as _;
use serde::de::{MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::duplicates::find_duplicate;
use crate::events::callback::{Callback, Event, set_once, typed_event, unknown_event};
use crate::events::common::Trigger;
use crate::parse::{ParseError, explain};
use crate::quick_scan::{QuickScan, TOP_MEMBERS, TopLevel, TopMember, scan_top_level};
use crate::raw_json::RawJson;
use crate::serde_util::Key;
use crate::timestamp::Timestamp;
use crate::verify::VerifiedPayload;

/// A callback read only as far as a dispatcher needs: the envelope and the [`Trigger`] are
/// typed, the notification is kept as its raw JSON text (borrowed from the body, nothing
/// copied) and typed only when asked for ([`Route::event`], [`Route::to_callback`]).
///
/// Built by [`parse_route`] (after [`crate::Verifier::verify`]) or [`parse_route_unverified`].
/// It refuses what [`crate::parse`] refuses in the envelope and in the layout of the top
/// level, and a duplicated member anywhere in the body. The notification's own text (its
/// JSON syntax, and whether it fits its typed event) is checked only when it is asked for
/// ([`Route::notification_json`], [`Route::event`], [`Route::to_callback`]), which then give
/// the same [`ParseError`] as [`crate::parse`] gives for the body.
///
/// ```
/// use sinch_contacts_callbacks::{Event, Trigger, parse_route_unverified};
///
/// let body = br#"{"app_id":"app","project_id":"proj",
///   "message":{"id":"m1","contact_message":{"text_message":{"text":"STOP"}}}}"#;
/// let route = parse_route_unverified(body).unwrap();
/// assert_eq!(route.app_id(), "app");
/// assert_eq!(*route.trigger(), Trigger::MessageInbound);
/// assert_eq!(route.notification_key(), Some("message"));
/// assert!(route.notification_json().unwrap().unwrap().starts_with(r#"{"id":"m1""#));
/// let Event::MessageInbound(message) = route.event().unwrap() else { unreachable!() };
/// assert_eq!(message.text(), Some("STOP"));
/// ```
pub struct Route<'a> {
    body: &'a [u8],
    app_id: Cow<'a, str>,
    project_id: Cow<'a, str>,
    accepted_time: Option<Timestamp>,
    event_time: Option<Timestamp>,
    message_metadata: Option<Cow<'a, str>>,
    correlation_id: Option<Cow<'a, str>>,
    trigger: Trigger,
    /// The first known notification key and its value's bytes (not yet checked).
    notification: Option<(Cow<'a, str>, &'a [u8])>,
    /// Every other top-level field outside the envelope, in arrival order.
    unrecognized: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> Route<'a> {
    /// The whole body.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The app that owns the webhook (empty when absent, as in [`Callback::app_id`]).
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The project of the app (empty when absent).
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// When the API accepted the event.
    pub fn accepted_time(&self) -> Option<Timestamp> {
        self.accepted_time
    }

    /// When the event happened, as given by the channel.
    pub fn event_time(&self) -> Option<Timestamp> {
        self.event_time
    }

    /// Context-dependent metadata.
    pub fn message_metadata(&self) -> Option<&str> {
        self.message_metadata.as_deref()
    }

    /// Echo of the `correlation_id` of the send request.
    pub fn correlation_id(&self) -> Option<&str> {
        self.correlation_id.as_deref()
    }

    /// The trigger: the one of the first known notification key, else (as for
    /// [`Event::Unknown`]) `Unrecognized` holding the first top-level key outside the
    /// envelope that holds an object (else the first such key, else empty). Equal to
    /// [`Callback::trigger`] of the same body.
    pub fn trigger(&self) -> &Trigger {
        &self.trigger
    }

    /// The known notification key that decided the trigger (`message`,
    /// `contact_create_notification`, ...), `None` when the body holds none.
    pub fn notification_key(&self) -> Option<&str> {
        self.notification.as_ref().map(|(key, _)| key.as_ref())
    }

    /// The notification's JSON text, exactly as in the body, `None` when the body holds no
    /// known notification key. When [`parse_route`] could not check the whole body in its
    /// single pass, the text is checked to be one JSON value here, on demand.
    ///
    /// # Errors
    /// The [`ParseError`] that [`crate::parse`] gives for this body, when the notification
    /// is not one JSON value.
    pub fn notification_json(&self) -> Result<Option<&'a str>, ParseError> {
        match self.notification {
            None => Ok(None),
            Some((_, bytes)) => serde_json::from_slice::<&RawValue>(bytes)
                .map(|raw| Some(raw.get()))
                .map_err(|_| explain(self.body)),
        }
    }

    /// The top-level fields outside the envelope and the notification, with their JSON text,
    /// in arrival order (for an unknown trigger, its notification is among them).
    pub fn other_fields(&self) -> impl ExactSizeIterator<Item = (&str, &'a str)> + '_ {
        self.unrecognized
            .iter()
            .map(|(key, raw)| (key.as_ref(), *raw))
    }

    /// The typed event, as [`crate::parse`] gives it in [`Callback::event`].
    ///
    /// # Errors
    /// The [`ParseError`] that [`crate::parse`] gives for this body, when the notification
    /// does not fit its typed event.
    pub fn event(&self) -> Result<Event, ParseError> {
        match &self.notification {
            Some((_, bytes)) => {
                let mut deserializer = serde_json::Deserializer::from_slice(bytes);
                typed_event(&self.trigger, &mut deserializer)
                    .and_then(|event| deserializer.end().map(|()| event))
                    .map_err(|_| explain(self.body))
            }
            None => Ok(unknown_event(&mut self.owned_unrecognized())),
        }
    }

    /// The whole [`Callback`], equal to what [`crate::parse`] gives for this body.
    ///
    /// # Errors
    /// The [`ParseError`] that [`crate::parse`] gives for this body, when the notification
    /// does not fit its typed event.
    pub fn to_callback(&self) -> Result<Callback, ParseError> {
        let mut unrecognized_fields = self.owned_unrecognized();
        let event = match &self.notification {
            Some(_) => self.event()?,
            None => unknown_event(&mut unrecognized_fields),
        };
        Ok(Callback {
            app_id: self.app_id.clone().into_owned(),
            project_id: self.project_id.clone().into_owned(),
            accepted_time: self.accepted_time,
            event_time: self.event_time,
            message_metadata: self.message_metadata.clone().map(Cow::into_owned),
            correlation_id: self.correlation_id.clone().map(Cow::into_owned),
            event,
            unrecognized_fields,
        })
    }

    fn owned_unrecognized(&self) -> Vec<(String, RawJson)> {
        self.unrecognized
            .iter()
            .map(|(key, raw)| (key.clone().into_owned(), RawJson::from_checked_text(raw)))
            .collect()
    }
}

impl fmt::Debug for Route<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("app_id", &self.app_id)
            .field("project_id", &self.project_id)
            .field("accepted_time", &self.accepted_time)
            .field("event_time", &self.event_time)
            .field("message_metadata", &self.message_metadata)
            .field("correlation_id", &self.correlation_id)
            .field("trigger", &self.trigger)
            .field("notification_key", &self.notification_key())
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// Reads a verified callback body as far as routing needs: envelope and trigger typed, the
/// notification kept raw. See [`Route`].
///
/// # Errors
/// [`ParseError`], as [`crate::parse`] gives it, when the body is not laid out as one JSON
/// object, holds a duplicated member, or its envelope does not fit the callback shape.
pub fn parse_route<'a>(payload: &VerifiedPayload<'a>) -> Result<Route<'a>, ParseError> {
    parse_route_unverified(payload.body())
}

/// [`parse_route`] **without** checking the signature, like [`crate::parse_unverified`].
///
/// # Errors
/// [`ParseError`], as [`crate::parse_unverified`] gives it, when the body is not laid out as
/// one JSON object, holds a duplicated member, or its envelope does not fit the callback
/// shape.
pub fn parse_route_unverified(body: &[u8]) -> Result<Route<'_>, ParseError> {
    match crate::fast::route_parts(body) {
        Some(parts) => Ok(parts.into_route(body)),
        None => route_reference(body),
    }
}

/// The reference routing path: the quick top-level scan, or serde reading the top level.
/// [`parse_route_unverified`] takes it whenever the single pass gives up.
pub(crate) fn route_reference(body: &[u8]) -> Result<Route<'_>, ParseError> {
    if let Err(error) = std::str::from_utf8(body) {
        return Err(ParseError::not_utf8(body, error));
    }
    let mut top = TopLevel {
        members: [TopMember::default(); TOP_MEMBERS],
        count: 0,
    };
    match scan_top_level(body, &mut top) {
        QuickScan::Clean => match quick_route(body, &top) {
            Some(Ok(parts)) => return Ok(parts.into_route(body)),
            Some(Err(())) => return Err(explain(body)),
            None => {}
        },
        QuickScan::MaybeDuplicate => {
            if let Some(duplicate) = find_duplicate(body) {
                return Err(ParseError::duplicate(body, duplicate));
            }
        }
        QuickScan::Unusual => {}
    }
    // The slow way: serde reads the whole body.
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let parts = deserializer
        .deserialize_map(RouteVisitor)
        .and_then(|parts| deserializer.end().map(|()| parts));
    match parts {
        Ok(parts) => Ok(parts.into_route(body)),
        Err(_) => Err(explain(body)),
    }
}

/// Routing from the members [`scan_top_level`] found: envelope values are read one by one,
/// other fields checked as JSON, the notification only cut out. `None` sends the body the
/// slow way (a member name that is not UTF-8); `Some(Err)` is a body that does not parse.
fn quick_route<'a>(body: &'a [u8], top: &TopLevel) -> Option<Result<RouteParts<'a>, ()>> {
    let mut parts = RouteParts::default();
    for member in &top.members[..top.count] {
        let name = std::str::from_utf8(&body[member.name.0..member.name.1]).ok()?;
        // JSON forbids control characters inside strings, member names included.
        if name.bytes().any(|byte| byte < 0x20) {
            return Some(Err(()));
        }
        let value = &body[member.value.0..member.value.1];
        let read = match name {
            "app_id" => string(value).map(|text| parts.app_id = Some(text)),
            "project_id" => string(value).map(|text| parts.project_id = Some(text)),
            "accepted_time" => timestamp(value).map(|time| parts.accepted_time = Some(time)),
            "event_time" => timestamp(value).map(|time| parts.event_time = Some(time)),
            "message_metadata" => {
                optional_string(value).map(|text| parts.message_metadata = Some(text.map(Key)))
            }
            "correlation_id" => {
                optional_string(value).map(|text| parts.correlation_id = Some(text.map(Key)))
            }
            other => match Trigger::from_notification_key(other) {
                Some(trigger) if parts.notification.is_none() => {
                    parts.notification = Some((trigger, Cow::Borrowed(name), value));
                    Ok(())
                }
                _ => serde_json::from_slice::<&RawValue>(value)
                    .map(|raw| parts.unrecognized.push((Cow::Borrowed(name), raw.get())))
                    .map_err(|_| ()),
            },
        };
        if read.is_err() {
            return Some(Err(()));
        }
    }
    Some(Ok(parts))
}

/// A JSON string value: borrowed when it holds no escape, else read by serde_json.
fn string(value: &[u8]) -> Result<Cow<'_, str>, ()> {
    if let [b'"', inner @ .., b'"'] = value
        && !inner
            .iter()
            .any(|&byte| byte < 0x20 || byte == b'\\' || byte == b'"')
    {
        return std::str::from_utf8(inner)
            .map(Cow::Borrowed)
            .map_err(|_| ());
    }
    serde_json::from_slice::<Key<'_>>(value)
        .map(|key| key.0)
        .map_err(|_| ())
}

fn optional_string(value: &[u8]) -> Result<Option<Cow<'_, str>>, ()> {
    if value == b"null" {
        return Ok(None);
    }
    string(value).map(Some)
}

fn timestamp(value: &[u8]) -> Result<Option<Timestamp>, ()> {
    match optional_string(value)? {
        None => Ok(None),
        Some(text) => Timestamp::parse(&text).map(Some).map_err(|_| ()),
    }
}

/// What the single pass, [`RouteVisitor`] or [`quick_route`] reads; the body is added
/// afterwards.
#[derive(Default)]
pub(crate) struct RouteParts<'a> {
    pub(crate) app_id: Option<Cow<'a, str>>,
    pub(crate) project_id: Option<Cow<'a, str>>,
    pub(crate) accepted_time: Option<Option<Timestamp>>,
    pub(crate) event_time: Option<Option<Timestamp>>,
    pub(crate) message_metadata: Option<Option<Key<'a>>>,
    pub(crate) correlation_id: Option<Option<Key<'a>>>,
    pub(crate) notification: Option<(Trigger, Cow<'a, str>, &'a [u8])>,
    /// Other top-level members: name and JSON text (one value, no surrounding whitespace).
    pub(crate) unrecognized: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> RouteParts<'a> {
    pub(crate) fn into_route(self, body: &'a [u8]) -> Route<'a> {
        let (trigger, notification) = match self.notification {
            Some((trigger, key, raw)) => (trigger, Some((key, raw))),
            None => {
                let key = self
                    .unrecognized
                    .iter()
                    .find(|(_, raw)| raw.starts_with('{'))
                    .or(self.unrecognized.first())
                    .map(|(key, _)| key.as_ref())
                    .unwrap_or_default();
                (Trigger::from(key.to_owned()), None)
            }
        };
        Route {
            body,
            app_id: self.app_id.unwrap_or_default(),
            project_id: self.project_id.unwrap_or_default(),
            accepted_time: self.accepted_time.flatten(),
            event_time: self.event_time.flatten(),
            message_metadata: self.message_metadata.flatten().map(|key| key.0),
            correlation_id: self.correlation_id.flatten().map(|key| key.0),
            trigger,
            notification,
            unrecognized: self.unrecognized,
        }
    }
}

struct RouteVisitor;

impl<'de> Visitor<'de> for RouteVisitor {
    type Value = RouteParts<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a callback object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RouteParts<'de>, A::Error> {
        let mut parts = RouteParts::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match key.as_ref() {
                "app_id" => set_once(&mut parts.app_id, map.next_value::<Key<'de>>()?.0, "app_id")?,
                "project_id" => set_once(
                    &mut parts.project_id,
                    map.next_value::<Key<'de>>()?.0,
                    "project_id",
                )?,
                "accepted_time" => {
                    set_once(&mut parts.accepted_time, map.next_value()?, "accepted_time")?
                }
                "event_time" => set_once(&mut parts.event_time, map.next_value()?, "event_time")?,
                "message_metadata" => set_once(
                    &mut parts.message_metadata,
                    map.next_value()?,
                    "message_metadata",
                )?,
                "correlation_id" => set_once(
                    &mut parts.correlation_id,
                    map.next_value()?,
                    "correlation_id",
                )?,
                other => match Trigger::from_notification_key(other) {
                    Some(trigger) if parts.notification.is_none() => {
                        let raw: &'de RawValue = map.next_value()?;
                        parts.notification = Some((trigger, key, raw.get().as_bytes()));
                    }
                    _ => {
                        let raw: &'de RawValue = map.next_value()?;
                        parts.unrecognized.push((key, raw.get()));
                    }
                },
            }
        }
        Ok(parts)
    }
}
