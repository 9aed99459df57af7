//! Contact types used by callbacks.
//!
//! Local stand-ins with the same names, fields and serde behaviour as the model crate's wire types
//! (`Contact`, `ChannelIdentity`, `ConversationChannel`); replaced by re-exports once the model
//! crate provides them.

use serde::{Deserialize, Serialize};

use crate::open_enum::open_enum;

open_enum! {
    /// A Conversation API channel.
    pub enum ConversationChannel {
        /// WhatsApp.
        Whatsapp = "WHATSAPP",
        /// RCS.
        Rcs = "RCS",
        /// SMS.
        Sms = "SMS",
        /// Facebook Messenger.
        Messenger = "MESSENGER",
        /// Viber Bot.
        Viber = "VIBER",
        /// Viber Business Messages.
        Viberbm = "VIBERBM",
        /// MMS.
        Mms = "MMS",
        /// Instagram.
        Instagram = "INSTAGRAM",
        /// Telegram.
        Telegram = "TELEGRAM",
        /// KakaoTalk.
        Kakaotalk = "KAKAOTALK",
        /// KakaoTalk chat.
        Kakaotalkchat = "KAKAOTALKCHAT",
        /// LINE.
        Line = "LINE",
        /// WeChat.
        Wechat = "WECHAT",
        /// Apple Messages for Business.
        Applebc = "APPLEBC",
        /// No channel given.
        ChannelUnspecified = "CHANNEL_UNSPECIFIED",
    }
}

/// How a contact is reached on one channel.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelIdentity {
    /// The channel.
    pub channel: ConversationChannel,
    /// The address on that channel (phone number, PSID, ...).
    pub identity: String,
    /// The app, for app-scoped channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Fields this crate does not know, kept verbatim.
    #[serde(flatten)]
    pub additional_properties: serde_json::Map<String, serde_json::Value>,
}

impl Default for ConversationChannel {
    fn default() -> Self {
        Self::ChannelUnspecified
    }
}

impl ChannelIdentity {
    /// An identity on a channel, without app.
    pub fn new(channel: ConversationChannel, identity: impl Into<String>) -> Self {
        Self {
            channel,
            identity: identity.into(),
            app_id: None,
            additional_properties: serde_json::Map::new(),
        }
    }
}

/// A contact.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Contact {
    /// Server-assigned id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Channel identities.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_empty"
    )]
    pub channel_identities: Vec<ChannelIdentity>,
    /// Channel priority.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_empty"
    )]
    pub channel_priority: Vec<ConversationChannel>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// External id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Language (kept as its wire string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
    /// Fields this crate does not know, kept verbatim.
    #[serde(flatten)]
    pub additional_properties: serde_json::Map<String, serde_json::Value>,
}

fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}
