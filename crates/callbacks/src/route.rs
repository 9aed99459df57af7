//! Routing: the envelope and the trigger of a callback typed, the notification kept as raw
//! text borrowed from the body until it is asked for.

use std::borrow::Cow;
use std::fmt;

use serde::Deserializer as _;
use serde::de::{MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::duplicates::{find_duplicate, may_have_duplicate};
use crate::events::callback::{Callback, Event, set_once, typed_event, unknown_event};
use crate::events::common::Trigger;
use crate::parse::{ParseError, explain};
use crate::raw_json::RawJson;
use crate::serde_util::Key;
use crate::timestamp::Timestamp;
use crate::verify::VerifiedPayload;

/// A callback read only as far as a dispatcher needs: the envelope and the [`Trigger`] are
/// typed, the notification is kept as its raw JSON text (borrowed from the body, nothing
/// copied) and typed only when asked for ([`Route::event`], [`Route::to_callback`]).
///
/// Built by [`parse_route`] (after [`crate::Verifier::verify`]) or [`parse_route_unverified`].
/// It refuses what [`crate::parse`] refuses in the envelope, in the JSON syntax of the whole
/// body, and duplicated members anywhere in the body; a notification whose body does not fit
/// its typed event is found only when the event is asked for, with the same [`ParseError`] as
/// [`crate::parse`] gives.
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
/// assert!(route.notification_json().unwrap().starts_with(r#"{"id":"m1""#));
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
    /// The first known notification key and its value.
    notification: Option<(Cow<'a, str>, &'a RawValue)>,
    /// Every other top-level field outside the envelope, in arrival order.
    unrecognized: Vec<(Cow<'a, str>, &'a RawValue)>,
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
    /// known notification key.
    pub fn notification_json(&self) -> Option<&'a str> {
        self.notification.as_ref().map(|(_, raw)| raw.get())
    }

    /// The top-level fields outside the envelope and the notification, with their JSON text,
    /// in arrival order (for an unknown trigger, its notification is among them).
    pub fn other_fields(&self) -> impl ExactSizeIterator<Item = (&str, &'a str)> + '_ {
        self.unrecognized
            .iter()
            .map(|(key, raw)| (key.as_ref(), raw.get()))
    }

    /// The typed event, as [`crate::parse`] gives it in [`Callback::event`].
    ///
    /// # Errors
    /// The [`ParseError`] that [`crate::parse`] gives for this body, when the notification
    /// does not fit its typed event.
    pub fn event(&self) -> Result<Event, ParseError> {
        match &self.notification {
            Some((_, raw)) => {
                let mut deserializer = serde_json::Deserializer::from_str(raw.get());
                typed_event(&self.trigger, &mut deserializer).map_err(|_| explain(self.body))
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
            .map(|(key, raw)| (key.clone().into_owned(), RawJson::from_raw_value(raw)))
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
/// [`ParseError`], as [`crate::parse`] gives it, when the body is not JSON, holds a
/// duplicated member, or its envelope does not fit the callback shape.
pub fn parse_route<'a>(payload: &VerifiedPayload<'a>) -> Result<Route<'a>, ParseError> {
    parse_route_unverified(payload.body())
}

/// [`parse_route`] **without** checking the signature, like [`crate::parse_unverified`].
///
/// # Errors
/// [`ParseError`], as [`crate::parse_unverified`] gives it, when the body is not JSON, holds
/// a duplicated member, or its envelope does not fit the callback shape.
pub fn parse_route_unverified(body: &[u8]) -> Result<Route<'_>, ParseError> {
    if may_have_duplicate(body)
        && let Some(duplicate) = find_duplicate(body)
    {
        return Err(ParseError::duplicate(body, duplicate));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let parts = deserializer
        .deserialize_map(RouteVisitor)
        .and_then(|parts| deserializer.end().map(|()| parts));
    match parts {
        Ok(parts) => Ok(parts.into_route(body)),
        Err(_) => Err(explain(body)),
    }
}

/// What [`RouteVisitor`] reads; the body is added afterwards.
struct RouteParts<'a> {
    app_id: Option<Cow<'a, str>>,
    project_id: Option<Cow<'a, str>>,
    accepted_time: Option<Option<Timestamp>>,
    event_time: Option<Option<Timestamp>>,
    message_metadata: Option<Option<Key<'a>>>,
    correlation_id: Option<Option<Key<'a>>>,
    notification: Option<(Trigger, Cow<'a, str>, &'a RawValue)>,
    unrecognized: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl<'a> RouteParts<'a> {
    fn into_route(self, body: &'a [u8]) -> Route<'a> {
        let (trigger, notification) = match self.notification {
            Some((trigger, key, raw)) => (trigger, Some((key, raw))),
            None => {
                let key = self
                    .unrecognized
                    .iter()
                    .find(|(_, raw)| raw.get().trim_start().starts_with('{'))
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
        let mut parts = RouteParts {
            app_id: None,
            project_id: None,
            accepted_time: None,
            event_time: None,
            message_metadata: None,
            correlation_id: None,
            notification: None,
            unrecognized: Vec::new(),
        };
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
                        parts.notification = Some((trigger, key, map.next_value()?));
                    }
                    _ => parts.unrecognized.push((key, map.next_value()?)),
                },
            }
        }
        Ok(parts)
    }
}
