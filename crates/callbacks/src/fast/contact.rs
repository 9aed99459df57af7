//! Single-pass readers for the model's [`Contact`] and [`ChannelIdentity`] (whose generated
//! `Deserialize` keeps unknown members as raw JSON) and the contact notifications that
//! normalize two wire shapes.

use std::collections::BTreeMap;

use sinch_contacts_model::{ConversationChannel, RawJson};

use crate::contact_types::{ChannelIdentity, Contact};
use crate::events::contact::complete_contact;
use crate::events::conversation::complete_conversation;
use crate::events::{
    ContactDeleteNotification, ContactMergeNotification, ConversationNotification,
};
use crate::fast::cursor::{Cursor, Fast, GiveUp};
use crate::fast::members::{Seen, set_once};
use crate::fast::read::{FastRead, in_place_defaults, read_sent_in_place};

/// An unknown member, kept as the generated code keeps it. The name set of the caller already
/// refused a second occurrence of the same name.
fn keep_unknown<'a>(
    cursor: &mut Cursor<'a>,
    name: &'a str,
    unknown: &mut BTreeMap<String, RawJson>,
) -> Fast<()> {
    let value = FastRead::read(cursor)?;
    if unknown.insert(name.to_owned(), value).is_some() {
        return Err(GiveUp);
    }
    Ok(())
}

impl<'a> FastRead<'a> for Contact {
    in_place_defaults!('a, Contact);

    /// `contact` holds the default (empty) contact.
    fn read_in_place(contact: &mut Self, cursor: &mut Cursor<'a>) -> Fast<()> {
        let mut seen = Seen::default();
        if cursor.open_object()? {
            loop {
                let name = cursor.member_name()?;
                match name {
                    "id" => {
                        seen.first(0)?;
                        contact.id = FastRead::read(cursor)?;
                    }
                    "channel_identities" => {
                        seen.first(1)?;
                        contact.channel_identities = FastRead::read(cursor)?;
                    }
                    "channel_priority" => {
                        seen.first(2)?;
                        contact.channel_priority = FastRead::read(cursor)?;
                    }
                    "display_name" => {
                        seen.first(3)?;
                        contact.display_name = FastRead::read(cursor)?;
                    }
                    "email" => {
                        seen.first(4)?;
                        contact.email = FastRead::read(cursor)?;
                    }
                    "external_id" => {
                        seen.first(5)?;
                        contact.external_id = FastRead::read(cursor)?;
                    }
                    "language" => {
                        seen.first(6)?;
                        contact.language = FastRead::read(cursor)?;
                    }
                    "metadata" => {
                        seen.first(7)?;
                        contact.metadata = FastRead::read(cursor)?;
                    }
                    _ => keep_unknown(cursor, name, &mut contact.additional_properties)?,
                }
                if !cursor.next_member()? {
                    break;
                }
            }
            cursor.close_object();
        }
        Ok(())
    }
}

impl<'a> FastRead<'a> for ChannelIdentity {
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        let mut channel: Option<ConversationChannel> = None;
        let mut identity: Option<String> = None;
        let mut app_id: Option<Option<String>> = None;
        let mut unknown = BTreeMap::new();
        if cursor.open_object()? {
            loop {
                let name = cursor.member_name()?;
                match name {
                    "channel" => set_once(&mut channel, FastRead::read(cursor)?)?,
                    "identity" => set_once(&mut identity, FastRead::read(cursor)?)?,
                    "app_id" => set_once(&mut app_id, FastRead::read(cursor)?)?,
                    _ => keep_unknown(cursor, name, &mut unknown)?,
                }
                if !cursor.next_member()? {
                    break;
                }
            }
            cursor.close_object();
        }
        // Both are required: absent, the reference path reports which.
        let mut channel_identity =
            ChannelIdentity::new(channel.ok_or(GiveUp)?, identity.ok_or(GiveUp)?);
        channel_identity.app_id = app_id.flatten();
        channel_identity.additional_properties = unknown;
        Ok(channel_identity)
    }
}

impl<'a> FastRead<'a> for ContactDeleteNotification {
    in_place_defaults!('a, ContactDeleteNotification);

    /// `notification` holds the default value. Both wire shapes, with the rule of
    /// [`complete_contact`].
    fn read_in_place(notification: &mut Self, cursor: &mut Cursor<'a>) -> Fast<()> {
        let (mut seen, mut sent, mut id) = (Seen::default(), false, None);
        let others = cursor.names();
        if cursor.open_object()? {
            loop {
                let name = cursor.member_name()?;
                match name {
                    "contact" => {
                        seen.first(0)?;
                        sent = read_sent_in_place(&mut notification.contact, cursor)?;
                    }
                    "contact_id" => {
                        seen.first(1)?;
                        id = FastRead::read(cursor)?;
                    }
                    _ => {
                        cursor.add_name(others, name)?;
                        cursor.skip_value()?;
                    }
                }
                if !cursor.next_member()? {
                    break;
                }
            }
            cursor.end_names(others);
            cursor.close_object();
        }
        complete_contact(&mut notification.contact, sent, id)
            .then_some(())
            .ok_or(GiveUp)
    }
}

impl<'a> FastRead<'a> for ContactMergeNotification {
    in_place_defaults!('a, ContactMergeNotification);

    /// `notification` holds the default value. Both wire shapes: `preserved_contact` is
    /// required, the deleted contact follows the rule of [`complete_contact`].
    fn read_in_place(notification: &mut Self, cursor: &mut Cursor<'a>) -> Fast<()> {
        let (mut seen, mut preserved, mut deleted, mut deleted_id) =
            (Seen::default(), false, false, None);
        let others = cursor.names();
        if cursor.open_object()? {
            loop {
                let name = cursor.member_name()?;
                match name {
                    "preserved_contact" => {
                        seen.first(0)?;
                        preserved =
                            read_sent_in_place(&mut notification.preserved_contact, cursor)?;
                    }
                    "deleted_contact" => {
                        seen.first(1)?;
                        deleted = read_sent_in_place(&mut notification.deleted_contact, cursor)?;
                    }
                    "deleted_contact_id" => {
                        seen.first(2)?;
                        deleted_id = FastRead::read(cursor)?;
                    }
                    _ => {
                        cursor.add_name(others, name)?;
                        cursor.skip_value()?;
                    }
                }
                if !cursor.next_member()? {
                    break;
                }
            }
            cursor.end_names(others);
            cursor.close_object();
        }
        (preserved && complete_contact(&mut notification.deleted_contact, deleted, deleted_id))
            .then_some(())
            .ok_or(GiveUp)
    }
}

impl<'a> FastRead<'a> for ConversationNotification {
    in_place_defaults!('a, ConversationNotification);

    /// `notification` holds the default value. Both wire shapes, with the rule of
    /// [`complete_conversation`].
    fn read_in_place(notification: &mut Self, cursor: &mut Cursor<'a>) -> Fast<()> {
        let (mut seen, mut sent, mut id) = (Seen::default(), false, None);
        let others = cursor.names();
        if cursor.open_object()? {
            loop {
                let name = cursor.member_name()?;
                match name {
                    "conversation" => {
                        seen.first(0)?;
                        sent = read_sent_in_place(&mut notification.conversation, cursor)?;
                    }
                    "conversation_id" => {
                        seen.first(1)?;
                        id = FastRead::read(cursor)?;
                    }
                    _ => {
                        cursor.add_name(others, name)?;
                        cursor.skip_value()?;
                    }
                }
                if !cursor.next_member()? {
                    break;
                }
            }
            cursor.end_names(others);
            cursor.close_object();
        }
        complete_conversation(&mut notification.conversation, sent, id)
            .then_some(())
            .ok_or(GiveUp)
    }
}
