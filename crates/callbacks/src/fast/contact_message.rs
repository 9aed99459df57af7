//! Single-pass reader for a [`ContactMessage`]: one content kind plus an optional
//! `reply_to`, with the same rules as its `Deserialize` (a second content kind is refused, an
//! unknown member is kept only while no content kind has been seen).

use crate::events::{ContactMessage, ContactMessageContent};
use crate::fast::cursor::{Cursor, Fast, GiveUp};
use crate::fast::read::FastRead;
use crate::raw_json::RawJson;

impl<'a> FastRead<'a> for ContactMessage {
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        let mut message = ContactMessage::default();
        let names = cursor.names();
        if cursor.open_object()? {
            loop {
                let name = cursor.member_name()?;
                cursor.add_name(names, name)?;
                let content = match name {
                    "reply_to" => {
                        message.reply_to = FastRead::read(cursor)?;
                        None
                    }
                    "text_message" => Some(ContactMessageContent::Text(FastRead::read(cursor)?)),
                    "media_message" => Some(ContactMessageContent::Media(FastRead::read(cursor)?)),
                    "location_message" => {
                        Some(ContactMessageContent::Location(FastRead::read(cursor)?))
                    }
                    "choice_response_message" => Some(ContactMessageContent::ChoiceResponse(
                        FastRead::read(cursor)?,
                    )),
                    "media_card_message" => {
                        Some(ContactMessageContent::MediaCard(FastRead::read(cursor)?))
                    }
                    "fallback_message" => {
                        Some(ContactMessageContent::Fallback(FastRead::read(cursor)?))
                    }
                    "product_response_message" => Some(ContactMessageContent::ProductResponse(
                        FastRead::read(cursor)?,
                    )),
                    "channel_specific_message" => Some(ContactMessageContent::ChannelSpecific(
                        FastRead::read(cursor)?,
                    )),
                    _ if matches!(message.content, ContactMessageContent::Empty) => {
                        Some(ContactMessageContent::Unrecognized {
                            key: name.to_owned(),
                            value: RawJson::read(cursor)?,
                        })
                    }
                    _ => {
                        cursor.skip_value()?;
                        None
                    }
                };
                if let Some(content) = content {
                    match message.content {
                        ContactMessageContent::Empty
                        | ContactMessageContent::Unrecognized { .. } => {
                            message.content = content;
                        }
                        // A second content kind: refused.
                        _ => return Err(GiveUp),
                    }
                }
                if !cursor.next_member()? {
                    break;
                }
            }
            cursor.end_names(names);
            cursor.close_object();
        }
        Ok(message)
    }
}
