//! Conversation and channel triggers: CONVERSATION_START/STOP/DELETE, CHANNEL_EVENT,
//! UNSUPPORTED, SMART_CONVERSATION and RECORD_NOTIFICATION.

use serde::{Deserialize, Serialize};

use crate::contact_types::{ChannelIdentity, ConversationChannel};
use crate::events::common::{ProcessingMode, Reason};
use crate::raw_json::RawJson;
use crate::timestamp::Timestamp;
pub use sinch_contacts_model::RecordStatus;

/// A conversation between an app and a contact.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Conversation {
    /// Conversation id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// Whether it is the contact's active conversation in the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The channel last used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_channel: Option<ConversationChannel>,
    /// When the last message was received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_received: Option<Timestamp>,
    /// Metadata text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// Metadata as a JSON object, kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_json: Option<RawJson>,
    /// Correlation id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// CONVERSATION_START, CONVERSATION_STOP and CONVERSATION_DELETE.
///
/// The official contract sends `{"conversation": {...}}`; the seed documents send
/// `{"conversation_id": "..."}` for deletes, which becomes a conversation holding only its id.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct ConversationNotification {
    /// The conversation.
    pub conversation: Conversation,
}

/// A conversation notification as sent, in either shape.
#[derive(Deserialize)]
struct ConversationWire {
    #[serde(default)]
    conversation: Option<Conversation>,
    #[serde(default)]
    conversation_id: Option<String>,
}

impl ConversationNotification {
    /// The notification from its wire shape; the text says which member is missing.
    fn from_wire(wire: ConversationWire) -> Result<Self, &'static str> {
        let sent = wire.conversation.is_some();
        let mut conversation = wire.conversation.unwrap_or_default();
        if !complete_conversation(&mut conversation, sent, wire.conversation_id) {
            return Err(
                "expected `conversation` or `conversation_id` in a conversation notification",
            );
        }
        Ok(Self { conversation })
    }
}

/// Completes the conversation a notification names: when the full conversation was sent
/// (`sent`, already read into `conversation`), it takes `id` if it has no id of its own;
/// otherwise it becomes a conversation holding only `id`. `false` when neither was sent.
pub(crate) fn complete_conversation(
    conversation: &mut Conversation,
    sent: bool,
    id: Option<String>,
) -> bool {
    if sent {
        if conversation.id.is_none() {
            conversation.id = id;
        }
        true
    } else if let Some(id) = id {
        *conversation = Conversation {
            id: Some(id),
            ..Conversation::default()
        };
        true
    } else {
        false
    }
}

impl<'de> Deserialize<'de> for ConversationNotification {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::from_wire(ConversationWire::deserialize(deserializer)?)
            .map_err(serde::de::Error::custom)
    }
}

/// CHANNEL_EVENT (`channel_event_notification`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelEventNotification {
    /// The event.
    #[serde(default)]
    pub channel_event: ChannelEvent,
}

/// An event about a channel (for example a WhatsApp quality-rating change).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelEvent {
    /// The channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ConversationChannel>,
    /// The event type, e.g. `WHATS_APP_QUALITY_RATING_CHANGED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Event-specific data, kept verbatim (its shape depends on `event_type`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_data: Option<RawJson>,
}

/// UNSUPPORTED (`unsupported_callback`): a channel callback the API cannot map.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnsupportedCallback {
    /// The channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ConversationChannel>,
    /// The channel's payload, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// CONVERSATION or DISPATCH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_mode: Option<ProcessingMode>,
    /// Callback id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// Who sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_identity: Option<ChannelIdentity>,
}

/// SMART_CONVERSATION (`smart_conversation_notification`): analysis of a message.
///
/// `analysis_results` (`ml_sentiment_result`, `ml_nlu_result`, `ml_image_recognition_result`,
/// `ml_pii_result`, `ml_offensive_analysis_result`) is kept verbatim: each result kind is a
/// deep, model-specific structure that this crate only forwards.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SmartConversationNotification {
    /// The contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The channel identity, as text (a string here, unlike other triggers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_identity: Option<String>,
    /// The channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ConversationChannel>,
    /// The analysed message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// The analysis results, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis_results: Option<RawJson>,
}

/// RECORD_NOTIFICATION (`record_notification`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordNotification {
    /// The recorded entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// The record state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_status: Option<RecordStatus>,
    /// The channel identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_identity: Option<ChannelIdentity>,
    /// The contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// CONVERSATION or DISPATCH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_mode: Option<ProcessingMode>,
}
