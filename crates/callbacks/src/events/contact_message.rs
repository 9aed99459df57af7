//! The `contact_message` of MESSAGE_INBOUND: exactly one content kind plus an optional
//! `reply_to`.

use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::events::common::Reason;
use crate::raw_json::RawJson;
use crate::serde_util::{Key, null_as_empty};

/// A message sent by a contact.
///
/// ```
/// use sinch_contacts_callbacks::{ContactMessage, ContactMessageContent};
///
/// let message: ContactMessage = serde_json::from_str(
///     r#"{"text_message": {"text": "STOP"}, "reply_to": {"message_id": "m1"}}"#,
/// ).unwrap();
/// assert_eq!(message.text(), Some("STOP"));
/// assert_eq!(message.reply_to.unwrap().message_id.as_deref(), Some("m1"));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ContactMessage {
    /// The content.
    pub content: ContactMessageContent,
    /// The app message this one replies to.
    pub reply_to: Option<ReplyTo>,
}

impl ContactMessage {
    /// The text of a text message, `None` for other kinds.
    pub fn text(&self) -> Option<&str> {
        match &self.content {
            ContactMessageContent::Text(text) => Some(&text.text),
            _ => None,
        }
    }
}

/// The content kinds of a contact message.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum ContactMessageContent {
    /// `text_message`.
    Text(TextMessage),
    /// `media_message`.
    Media(MediaMessage),
    /// `location_message`.
    Location(LocationMessage),
    /// `choice_response_message`.
    ChoiceResponse(ChoiceResponseMessage),
    /// `media_card_message`.
    MediaCard(MediaCardMessage),
    /// `fallback_message`.
    Fallback(FallbackMessage),
    /// `product_response_message`.
    ProductResponse(ProductResponseMessage),
    /// `channel_specific_message`.
    ChannelSpecific(ChannelSpecificContactMessage),
    /// A content kind this crate does not know, kept verbatim.
    Unrecognized {
        /// Its key.
        key: String,
        /// Its value.
        value: RawJson,
    },
    /// No content key at all.
    #[default]
    Empty,
}

impl ContactMessageContent {
    /// The JSON key of the content, `None` for [`ContactMessageContent::Empty`].
    pub fn key(&self) -> Option<&str> {
        Some(match self {
            Self::Text(_) => "text_message",
            Self::Media(_) => "media_message",
            Self::Location(_) => "location_message",
            Self::ChoiceResponse(_) => "choice_response_message",
            Self::MediaCard(_) => "media_card_message",
            Self::Fallback(_) => "fallback_message",
            Self::ProductResponse(_) => "product_response_message",
            Self::ChannelSpecific(_) => "channel_specific_message",
            Self::Unrecognized { key, .. } => key,
            Self::Empty => return None,
        })
    }
}

/// The app message a contact message replies to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReplyTo {
    /// Id of the app message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

/// A text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TextMessage {
    /// The text.
    #[serde(default)]
    pub text: String,
}

impl TextMessage {
    /// A text message.
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: text.into() }
    }
}

/// A media file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MediaMessage {
    /// URL of the media.
    #[serde(default)]
    pub url: String,
    /// URL of a thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    /// File name to show instead of the URL's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename_override: Option<String>,
}

/// A location.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LocationMessage {
    /// Where.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Coordinates>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Latitude and longitude in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Coordinates {
    /// Latitude.
    #[serde(default)]
    pub latitude: f64,
    /// Longitude.
    #[serde(default)]
    pub longitude: f64,
}

/// The contact picked a choice of an app choice message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChoiceResponseMessage {
    /// The app message holding the choices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The postback data of the picked choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postback_data: Option<String>,
}

/// A media card.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MediaCardMessage {
    /// URL of the media.
    #[serde(default)]
    pub url: String,
    /// Caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// A channel message the API could not map to another kind.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FallbackMessage {
    /// The channel's raw message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_message: Option<String>,
    /// Why it fell back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

/// The contact answered with products from a catalog.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProductResponseMessage {
    /// The products.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_empty"
    )]
    pub products: Vec<ProductItem>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_id: Option<String>,
}

/// One product of a product response.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProductItem {
    /// Product id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Marketplace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<String>,
    /// Quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    /// Unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_price: Option<f64>,
    /// Currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// A channel-specific message (for example a WhatsApp flow reply). The message body differs
/// per channel and type, so it is kept verbatim.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelSpecificContactMessage {
    /// The message type, e.g. `nfm_reply`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<String>,
    /// The message body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<RawJson>,
}

impl<'de> Deserialize<'de> for ContactMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ContactMessageVisitor)
    }
}

struct ContactMessageVisitor;

impl<'de> Visitor<'de> for ContactMessageVisitor {
    type Value = ContactMessage;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a contact message object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ContactMessage, A::Error> {
        use serde::de::Error;
        let mut message = ContactMessage::default();
        let mut seen_reply_to = false;
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let content = match key.as_ref() {
                "reply_to" => {
                    if seen_reply_to {
                        return Err(A::Error::duplicate_field("reply_to"));
                    }
                    seen_reply_to = true;
                    message.reply_to = map.next_value()?;
                    continue;
                }
                "text_message" => ContactMessageContent::Text(map.next_value()?),
                "media_message" => ContactMessageContent::Media(map.next_value()?),
                "location_message" => ContactMessageContent::Location(map.next_value()?),
                "choice_response_message" => {
                    ContactMessageContent::ChoiceResponse(map.next_value()?)
                }
                "media_card_message" => ContactMessageContent::MediaCard(map.next_value()?),
                "fallback_message" => ContactMessageContent::Fallback(map.next_value()?),
                "product_response_message" => {
                    ContactMessageContent::ProductResponse(map.next_value()?)
                }
                "channel_specific_message" => {
                    ContactMessageContent::ChannelSpecific(map.next_value()?)
                }
                _ => {
                    if matches!(message.content, ContactMessageContent::Empty) {
                        ContactMessageContent::Unrecognized {
                            key: key.into_owned(),
                            value: map.next_value()?,
                        }
                    } else {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                }
            };
            match &message.content {
                ContactMessageContent::Empty | ContactMessageContent::Unrecognized { .. } => {
                    message.content = content;
                }
                existing => {
                    return Err(A::Error::custom(format_args!(
                        "a contact message holds one content kind, found `{}` and `{}`",
                        existing.key().unwrap_or_default(),
                        content.key().unwrap_or_default()
                    )));
                }
            }
        }
        Ok(message)
    }
}

impl Serialize for ContactMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match &self.content {
            ContactMessageContent::Text(v) => map.serialize_entry("text_message", v)?,
            ContactMessageContent::Media(v) => map.serialize_entry("media_message", v)?,
            ContactMessageContent::Location(v) => map.serialize_entry("location_message", v)?,
            ContactMessageContent::ChoiceResponse(v) => {
                map.serialize_entry("choice_response_message", v)?
            }
            ContactMessageContent::MediaCard(v) => map.serialize_entry("media_card_message", v)?,
            ContactMessageContent::Fallback(v) => map.serialize_entry("fallback_message", v)?,
            ContactMessageContent::ProductResponse(v) => {
                map.serialize_entry("product_response_message", v)?
            }
            ContactMessageContent::ChannelSpecific(v) => {
                map.serialize_entry("channel_specific_message", v)?
            }
            ContactMessageContent::Unrecognized { key, value } => {
                map.serialize_entry(key, value)?
            }
            ContactMessageContent::Empty => {}
        }
        if let Some(reply_to) = &self.reply_to {
            map.serialize_entry("reply_to", reply_to)?;
        }
        map.end()
    }
}
