//! Message and event triggers: MESSAGE_INBOUND (and its redacted twin), MESSAGE_DELIVERY,
//! MESSAGE_SUBMIT, EVENT_INBOUND and EVENT_DELIVERY.

use serde::{Deserialize, Serialize};

use crate::contact_types::ChannelIdentity;
use crate::events::common::{ConversationDirection, DeliveryStatus, ProcessingMode, Reason};
use crate::events::contact_message::ContactMessage;
use crate::raw_json::RawJson;
use crate::timestamp::Timestamp;

/// MESSAGE_INBOUND (`message`) and MESSAGE_INBOUND_SMART_CONVERSATION_REDACTION
/// (`message_redaction`): a message from a contact.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InboundMessage {
    /// Message id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Always `TO_APP` for inbound messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<ConversationDirection>,
    /// The content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_message: Option<ContactMessage>,
    /// Who sent it, on which channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_identity: Option<ChannelIdentity>,
    /// The conversation (empty in DISPATCH mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// The contact (empty in DISPATCH mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// When the API accepted the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_time: Option<Timestamp>,
    /// The address the contact wrote to (number, short code, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_id: Option<String>,
    /// CONVERSATION or DISPATCH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_mode: Option<ProcessingMode>,
    /// Whether the message was injected through the API rather than received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injected: Option<bool>,
}

impl InboundMessage {
    /// The text of a text message, `None` for other kinds.
    pub fn text(&self) -> Option<&str> {
        self.contact_message.as_ref().and_then(ContactMessage::text)
    }
}

/// MESSAGE_DELIVERY: delivery state of an app message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageDeliveryReport {
    /// The app message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// The delivery state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DeliveryStatus>,
    /// The recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_identity: Option<ChannelIdentity>,
    /// The contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Metadata of the app message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// CONVERSATION or DISPATCH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_mode: Option<ProcessingMode>,
}

/// MESSAGE_SUBMIT: an app message was submitted to a channel.
///
/// `submitted_message` is the app message as sent (any of the many app message kinds, with
/// channel overrides); it is kept verbatim because this crate receives callbacks and does not
/// model outgoing messages.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageSubmitNotification {
    /// The app message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// The recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_identity: Option<ChannelIdentity>,
    /// The contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The app message as submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_message: Option<RawJson>,
    /// Metadata of the app message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// CONVERSATION or DISPATCH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_mode: Option<ProcessingMode>,
}

/// EVENT_INBOUND: an event from a contact (composing, reaction, shortlink, ...).
///
/// The event bodies (`contact_event`, `contact_message_event`) are small keyed objects whose
/// set grows with every channel feature; they are kept verbatim.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InboundEvent {
    /// Event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Always `TO_APP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<ConversationDirection>,
    /// A contact event such as `{"composing_event": {}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_event: Option<RawJson>,
    /// An event about a message, such as `{"reaction_event": {...}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_message_event: Option<RawJson>,
    /// Who sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_identity: Option<ChannelIdentity>,
    /// The contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// When the API accepted the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_time: Option<Timestamp>,
    /// CONVERSATION or DISPATCH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_mode: Option<ProcessingMode>,
}

/// EVENT_DELIVERY: delivery state of an app event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventDeliveryReport {
    /// The app event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The delivery state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DeliveryStatus>,
    /// The recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_identity: Option<ChannelIdentity>,
    /// The contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// CONVERSATION or DISPATCH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_mode: Option<ProcessingMode>,
}
