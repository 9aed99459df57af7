//! [`Callback`]: the envelope every callback shares, and [`Event`]: one typed event per trigger.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::events::common::Trigger;
use crate::events::contact::{
    CapabilityNotification, ContactDeleteNotification, ContactMergeNotification,
    ContactNotification, DuplicationNotification, OptInNotification, OptOutNotification,
};
use crate::events::conversation::{
    ChannelEventNotification, ConversationNotification, RecordNotification,
    SmartConversationNotification, UnsupportedCallback,
};
use crate::events::message::{
    EventDeliveryReport, InboundEvent, InboundMessage, MessageDeliveryReport,
    MessageSubmitNotification,
};
use crate::raw_json::RawJson;
use crate::serde_util::Key;
use crate::timestamp::Timestamp;

/// One callback: the envelope fields and the typed event.
///
/// Built by [`crate::parse`] (after [`crate::Verifier::verify`]) or [`crate::parse_unverified`].
/// Serializing a `Callback` writes the official JSON shape, which parses back to an equal value.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Callback {
    /// The app that owns the webhook (may be empty).
    pub app_id: String,
    /// The project of the app.
    pub project_id: String,
    /// When the API accepted the event; absent in some deliveries.
    pub accepted_time: Option<Timestamp>,
    /// When the event happened, as given by the channel.
    pub event_time: Option<Timestamp>,
    /// Context-dependent metadata.
    pub message_metadata: Option<String>,
    /// Echo of the `correlation_id` of the send request.
    pub correlation_id: Option<String>,
    /// The typed event.
    pub event: Event,
    /// Top-level fields this crate does not know, kept verbatim in arrival order. A second,
    /// different notification key (never sent by the API) also lands here; the same key twice
    /// is a duplicated member, which [`crate::parse`] refuses.
    pub unrecognized_fields: Vec<(String, RawJson)>,
}

impl Callback {
    /// The trigger, derived from the notification key (see [`Event::trigger`]).
    pub fn trigger(&self) -> Trigger {
        self.event.trigger()
    }
}

/// The typed event of a callback, one variant per trigger.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// CONTACT_CREATE.
    ContactCreate(ContactNotification),
    /// CONTACT_UPDATE.
    ContactUpdate(ContactNotification),
    /// CONTACT_DELETE.
    ContactDelete(ContactDeleteNotification),
    /// CONTACT_MERGE.
    ContactMerge(ContactMergeNotification),
    /// CONTACT_IDENTITIES_DUPLICATION.
    ContactIdentitiesDuplication(DuplicationNotification),
    /// OPT_IN.
    OptIn(OptInNotification),
    /// OPT_OUT.
    OptOut(OptOutNotification),
    /// CAPABILITY.
    Capability(CapabilityNotification),
    /// MESSAGE_INBOUND.
    MessageInbound(InboundMessage),
    /// MESSAGE_DELIVERY.
    MessageDelivery(MessageDeliveryReport),
    /// MESSAGE_SUBMIT.
    MessageSubmit(MessageSubmitNotification),
    /// EVENT_INBOUND.
    EventInbound(InboundEvent),
    /// EVENT_DELIVERY.
    EventDelivery(EventDeliveryReport),
    /// CONVERSATION_START.
    ConversationStart(ConversationNotification),
    /// CONVERSATION_STOP.
    ConversationStop(ConversationNotification),
    /// CONVERSATION_DELETE.
    ConversationDelete(ConversationNotification),
    /// CHANNEL_EVENT.
    ChannelEvent(ChannelEventNotification),
    /// UNSUPPORTED.
    Unsupported(UnsupportedCallback),
    /// SMART_CONVERSATION.
    SmartConversation(SmartConversationNotification),
    /// MESSAGE_INBOUND_SMART_CONVERSATION_REDACTION.
    MessageInboundSmartConversationRedaction(InboundMessage),
    /// RECORD_NOTIFICATION.
    RecordNotification(RecordNotification),
    /// No known notification key: the callback is kept, never rejected.
    Unknown(UnknownEvent),
}

/// A callback whose notification key this crate does not know.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The first top-level key outside the envelope (an object-valued one if any), `None` when
    /// the callback holds only envelope fields.
    pub key: Option<String>,
    /// Its value, verbatim.
    pub value: Option<RawJson>,
}

impl Event {
    /// The trigger of the event. For [`Event::Unknown`] this is [`Trigger::Unrecognized`]
    /// holding the notification key (the wire carries no trigger name), or an empty string when
    /// there is none.
    pub fn trigger(&self) -> Trigger {
        match self {
            Self::ContactCreate(_) => Trigger::ContactCreate,
            Self::ContactUpdate(_) => Trigger::ContactUpdate,
            Self::ContactDelete(_) => Trigger::ContactDelete,
            Self::ContactMerge(_) => Trigger::ContactMerge,
            Self::ContactIdentitiesDuplication(_) => Trigger::ContactIdentitiesDuplication,
            Self::OptIn(_) => Trigger::OptIn,
            Self::OptOut(_) => Trigger::OptOut,
            Self::Capability(_) => Trigger::Capability,
            Self::MessageInbound(_) => Trigger::MessageInbound,
            Self::MessageDelivery(_) => Trigger::MessageDelivery,
            Self::MessageSubmit(_) => Trigger::MessageSubmit,
            Self::EventInbound(_) => Trigger::EventInbound,
            Self::EventDelivery(_) => Trigger::EventDelivery,
            Self::ConversationStart(_) => Trigger::ConversationStart,
            Self::ConversationStop(_) => Trigger::ConversationStop,
            Self::ConversationDelete(_) => Trigger::ConversationDelete,
            Self::ChannelEvent(_) => Trigger::ChannelEvent,
            Self::Unsupported(_) => Trigger::Unsupported,
            Self::SmartConversation(_) => Trigger::SmartConversation,
            Self::MessageInboundSmartConversationRedaction(_) => {
                Trigger::MessageInboundSmartConversationRedaction
            }
            Self::RecordNotification(_) => Trigger::RecordNotification,
            Self::Unknown(unknown) => Trigger::from(unknown.key.clone().unwrap_or_default()),
        }
    }

    /// Whether the event is [`Event::Unknown`].
    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown(_))
    }
}

/// Deserializes the notification body of a known trigger into its typed event.
pub(crate) fn typed_event<'de, D: Deserializer<'de>>(
    trigger: &Trigger,
    deserializer: D,
) -> Result<Event, D::Error> {
    Ok(match trigger {
        Trigger::MessageInbound => Event::MessageInbound(Deserialize::deserialize(deserializer)?),
        Trigger::MessageDelivery => Event::MessageDelivery(Deserialize::deserialize(deserializer)?),
        Trigger::MessageSubmit => Event::MessageSubmit(Deserialize::deserialize(deserializer)?),
        Trigger::EventInbound => Event::EventInbound(Deserialize::deserialize(deserializer)?),
        Trigger::EventDelivery => Event::EventDelivery(Deserialize::deserialize(deserializer)?),
        Trigger::ConversationStart => {
            Event::ConversationStart(Deserialize::deserialize(deserializer)?)
        }
        Trigger::ConversationStop => {
            Event::ConversationStop(Deserialize::deserialize(deserializer)?)
        }
        Trigger::ConversationDelete => {
            Event::ConversationDelete(Deserialize::deserialize(deserializer)?)
        }
        Trigger::ContactCreate => Event::ContactCreate(Deserialize::deserialize(deserializer)?),
        Trigger::ContactUpdate => Event::ContactUpdate(Deserialize::deserialize(deserializer)?),
        Trigger::ContactDelete => Event::ContactDelete(Deserialize::deserialize(deserializer)?),
        Trigger::ContactMerge => Event::ContactMerge(Deserialize::deserialize(deserializer)?),
        Trigger::ContactIdentitiesDuplication => {
            Event::ContactIdentitiesDuplication(Deserialize::deserialize(deserializer)?)
        }
        Trigger::Unsupported => Event::Unsupported(Deserialize::deserialize(deserializer)?),
        Trigger::OptIn => Event::OptIn(Deserialize::deserialize(deserializer)?),
        Trigger::OptOut => Event::OptOut(Deserialize::deserialize(deserializer)?),
        Trigger::Capability => Event::Capability(Deserialize::deserialize(deserializer)?),
        Trigger::ChannelEvent => Event::ChannelEvent(Deserialize::deserialize(deserializer)?),
        Trigger::SmartConversation => {
            Event::SmartConversation(Deserialize::deserialize(deserializer)?)
        }
        Trigger::MessageInboundSmartConversationRedaction => {
            Event::MessageInboundSmartConversationRedaction(Deserialize::deserialize(deserializer)?)
        }
        Trigger::RecordNotification => {
            Event::RecordNotification(Deserialize::deserialize(deserializer)?)
        }
        // `from_notification_key` gives only the triggers above.
        _ => {
            serde::de::IgnoredAny::deserialize(deserializer)?;
            Event::Unknown(UnknownEvent::default())
        }
    })
}

/// [`typed_event`] as a seed, to read a map value.
struct EventSeed<'t>(&'t Trigger);

impl<'de> serde::de::DeserializeSeed<'de> for EventSeed<'_> {
    type Value = Event;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Event, D::Error> {
        typed_event(self.0, deserializer)
    }
}

/// The [`Event::Unknown`] of a callback without a known notification key: the first
/// object-valued field of `unrecognized_fields` (else the first field), taken out of the list.
pub(crate) fn unknown_event(unrecognized_fields: &mut Vec<(String, RawJson)>) -> Event {
    let position = unrecognized_fields
        .iter()
        .position(|(_, value)| value.is_object())
        .or(if unrecognized_fields.is_empty() {
            None
        } else {
            Some(0)
        });
    let (key, value) = match position {
        Some(index) => {
            let (key, value) = unrecognized_fields.remove(index);
            (Some(key), Some(value))
        }
        None => (None, None),
    };
    Event::Unknown(UnknownEvent { key, value })
}

fn event_body<S: SerializeMap>(map: &mut S, event: &Event) -> Result<(), S::Error> {
    let key = event.trigger();
    let key = key.notification_key();
    match (event, key) {
        (Event::ContactCreate(v) | Event::ContactUpdate(v), Some(k)) => map.serialize_entry(k, v),
        (Event::ContactDelete(v), Some(k)) => map.serialize_entry(k, v),
        (Event::ContactMerge(v), Some(k)) => map.serialize_entry(k, v),
        (Event::ContactIdentitiesDuplication(v), Some(k)) => map.serialize_entry(k, v),
        (Event::OptIn(v), Some(k)) => map.serialize_entry(k, v),
        (Event::OptOut(v), Some(k)) => map.serialize_entry(k, v),
        (Event::Capability(v), Some(k)) => map.serialize_entry(k, v),
        (
            Event::MessageInbound(v) | Event::MessageInboundSmartConversationRedaction(v),
            Some(k),
        ) => map.serialize_entry(k, v),
        (Event::MessageDelivery(v), Some(k)) => map.serialize_entry(k, v),
        (Event::MessageSubmit(v), Some(k)) => map.serialize_entry(k, v),
        (Event::EventInbound(v), Some(k)) => map.serialize_entry(k, v),
        (Event::EventDelivery(v), Some(k)) => map.serialize_entry(k, v),
        (
            Event::ConversationStart(v) | Event::ConversationStop(v) | Event::ConversationDelete(v),
            Some(k),
        ) => map.serialize_entry(k, v),
        (Event::ChannelEvent(v), Some(k)) => map.serialize_entry(k, v),
        (Event::Unsupported(v), Some(k)) => map.serialize_entry(k, v),
        (Event::SmartConversation(v), Some(k)) => map.serialize_entry(k, v),
        (Event::RecordNotification(v), Some(k)) => map.serialize_entry(k, v),
        (
            Event::Unknown(UnknownEvent {
                key: Some(key),
                value: Some(value),
            }),
            _,
        ) => map.serialize_entry(key, value),
        _ => Ok(()),
    }
}

impl Serialize for Callback {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("app_id", &self.app_id)?;
        if let Some(time) = &self.accepted_time {
            map.serialize_entry("accepted_time", time)?;
        }
        if let Some(time) = &self.event_time {
            map.serialize_entry("event_time", time)?;
        }
        map.serialize_entry("project_id", &self.project_id)?;
        if let Some(metadata) = &self.message_metadata {
            map.serialize_entry("message_metadata", metadata)?;
        }
        if let Some(correlation_id) = &self.correlation_id {
            map.serialize_entry("correlation_id", correlation_id)?;
        }
        event_body(&mut map, &self.event)?;
        for (key, value) in &self.unrecognized_fields {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Callback {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(CallbackVisitor)
    }
}

struct CallbackVisitor;

pub(crate) fn set_once<T, E: serde::de::Error>(
    slot: &mut Option<T>,
    value: T,
    field: &'static str,
) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(field));
    }
    *slot = Some(value);
    Ok(())
}

impl<'de> Visitor<'de> for CallbackVisitor {
    type Value = Callback;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a callback object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Callback, A::Error> {
        let mut app_id: Option<String> = None;
        let mut project_id: Option<String> = None;
        let mut accepted_time: Option<Option<Timestamp>> = None;
        let mut event_time: Option<Option<Timestamp>> = None;
        let mut message_metadata: Option<Option<String>> = None;
        let mut correlation_id: Option<Option<String>> = None;
        let mut event: Option<Event> = None;
        let mut unrecognized_fields: Vec<(String, RawJson)> = Vec::new();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match key.as_ref() {
                "app_id" => set_once(&mut app_id, map.next_value()?, "app_id")?,
                "project_id" => set_once(&mut project_id, map.next_value()?, "project_id")?,
                "accepted_time" => {
                    set_once(&mut accepted_time, map.next_value()?, "accepted_time")?
                }
                "event_time" => set_once(&mut event_time, map.next_value()?, "event_time")?,
                "message_metadata" => {
                    set_once(&mut message_metadata, map.next_value()?, "message_metadata")?
                }
                "correlation_id" => {
                    set_once(&mut correlation_id, map.next_value()?, "correlation_id")?
                }
                other => match Trigger::from_notification_key(other) {
                    Some(trigger) if event.is_none() => {
                        event = Some(map.next_value_seed(EventSeed(&trigger))?);
                    }
                    _ => unrecognized_fields.push((key.into_owned(), map.next_value()?)),
                },
            }
        }
        let event = match event {
            Some(event) => event,
            None => unknown_event(&mut unrecognized_fields),
        };
        Ok(Callback {
            // Required by the contract, but a receiver gains nothing by refusing a callback
            // without them: absent reads as empty.
            app_id: app_id.unwrap_or_default(),
            project_id: project_id.unwrap_or_default(),
            accepted_time: accepted_time.flatten(),
            event_time: event_time.flatten(),
            message_metadata: message_metadata.flatten(),
            correlation_id: correlation_id.flatten(),
            event,
            unrecognized_fields,
        })
    }
}
