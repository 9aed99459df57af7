//! Injected inbound messages: what a contact writing to the app looks like, delivered as a
//! MESSAGE_INBOUND callback (for example an SMS `STOP`).

use serde::{Deserialize, Serialize};
use serde_json::json;
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactLanguage, ConversationChannel, WebhookTrigger,
};

use crate::config::Config;
use crate::state::{State, duplication_notification};
use crate::time::rfc3339;
use crate::webhooks::Notification;

/// A text message a contact sends to the app.
///
/// ```
/// use sinch_contacts_emulator::InboundMessage;
/// use sinch_contacts_model::ConversationChannel;
///
/// let stop = InboundMessage::text(ConversationChannel::Sms, "+46700000001", "STOP");
/// assert_eq!(stop.text, "STOP");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundMessage {
    /// The channel it arrives on.
    pub channel: ConversationChannel,
    /// The sender's identity on that channel (a phone number for SMS).
    pub identity: String,
    /// The message text.
    pub text: String,
    /// The app id of the identity, for app-scoped channels (Messenger, Instagram, LINE, WeChat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The number or handle the contact wrote to (`sender_id` of the callback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_id: Option<String>,
}

impl InboundMessage {
    /// A text from `identity` on `channel`.
    pub fn text(
        channel: ConversationChannel,
        identity: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        Self {
            channel,
            identity: identity.into(),
            text: text.into(),
            app_id: None,
            sender_id: None,
        }
    }
}

impl Default for InboundMessage {
    fn default() -> Self {
        Self::text(ConversationChannel::Sms, "", "")
    }
}

/// What an injected message became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Injected {
    /// The message id of the MESSAGE_INBOUND callback.
    pub message_id: String,
    /// The contact it came from.
    pub contact_id: String,
    /// Whether that contact was created for it (no contact had the identity).
    pub contact_created: bool,
}

/// Finds the sender's contact (the oldest with the identity) or creates one, and produces the
/// callbacks: CONTACT_CREATE when created, MESSAGE_INBOUND, and
/// CONTACT_IDENTITIES_DUPLICATION when several contacts hold the identity.
pub(crate) fn inject(
    state: &mut State,
    config: &Config,
    message: &InboundMessage,
) -> (Injected, Vec<Notification>) {
    let mut notifications = Vec::new();
    let holders = state
        .store
        .ids_with_identity(message.channel.as_str(), &message.identity);
    let (contact_id, contact_created) = match holders.first() {
        Some(id) => (id.clone(), false),
        None => {
            let mut contact = Contact::default();
            let mut identity =
                ChannelIdentity::new(message.channel.clone(), message.identity.clone());
            identity.app_id.clone_from(&message.app_id);
            contact.channel_identities = vec![identity];
            contact.language = Some(ContactLanguage::Unspecified);
            let (created, caused) = state.insert_new(contact);
            notifications.extend(caused);
            (created.id.unwrap_or_default(), true)
        }
    };
    if holders.len() > 1
        && let Some(contact) = state.store.get(&contact_id)
    {
        let duplicates = state.duplications_of(contact);
        if !duplicates.is_empty() {
            notifications.push(duplication_notification(&duplicates));
        }
    }
    let message_id = state.ids.next_id();
    let now = rfc3339(std::time::SystemTime::now());
    notifications.push(Notification::new(
        WebhookTrigger::MessageInbound,
        json!({
            "id": message_id,
            "direction": "TO_APP",
            "contact_message": { "text_message": { "text": message.text } },
            "channel_identity": {
                "channel": message.channel,
                "identity": message.identity,
                "app_id": message.app_id.clone().unwrap_or_else(|| config.app_id.clone()),
            },
            "conversation_id": format!("conversation-{contact_id}"),
            "contact_id": contact_id,
            "metadata": "",
            "accept_time": now,
            "sender_id": message.sender_id.clone().unwrap_or_default(),
            "processing_mode": "CONVERSATION",
            "injected": false,
        }),
    ));
    (
        Injected {
            message_id,
            contact_id,
            contact_created,
        },
        notifications,
    )
}
