//! Single-pass readers for the model's [`Contact`] and [`ChannelIdentity`] (whose generated
//! `Deserialize` keeps unknown members as raw JSON) and the contact notifications that
//! normalize two wire shapes.

use std::collections::BTreeMap;

use sinch_contacts_model::{ConversationChannel, RawJson};

use crate::contact_types::{ChannelIdentity, Contact};
use crate::events::contact::{ContactDeleteWire, ContactMergeWire};
use crate::events::conversation::ConversationWire;
use crate::events::{
    ContactDeleteNotification, ContactMergeNotification, ConversationNotification,
};
use crate::fast::cursor::{Cursor, Fast, GiveUp};
use crate::fast::read::FastRead;

/// Sets `slot` once; a second time gives up (the field was named twice).
fn once<T>(slot: &mut Option<T>, value: T) -> Fast<()> {
    if slot.is_some() {
        return Err(GiveUp);
    }
    *slot = Some(value);
    Ok(())
}

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
    #[inline]
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        let mut contact = Contact::default();
        Self::read_in_place(&mut contact, cursor)?;
        Ok(contact)
    }

    #[inline]
    fn read_some_in_place(slot: &mut Option<Self>, cursor: &mut Cursor<'a>) -> Fast<()> {
        Self::read_in_place(slot.insert(Contact::default()), cursor)
    }

    /// `contact` holds the default (empty) contact.
    fn read_in_place(contact: &mut Self, cursor: &mut Cursor<'a>) -> Fast<()> {
        let mut seen = 0u8;
        let mut first = |bit: u8| -> Fast<()> {
            if seen & (1 << bit) != 0 {
                return Err(GiveUp);
            }
            seen |= 1 << bit;
            Ok(())
        };
        if cursor.open_object()? {
            loop {
                let name = cursor.member_name()?;
                match name {
                    "id" => {
                        first(0)?;
                        contact.id = FastRead::read(cursor)?;
                    }
                    "channel_identities" => {
                        first(1)?;
                        contact.channel_identities = FastRead::read(cursor)?;
                    }
                    "channel_priority" => {
                        first(2)?;
                        contact.channel_priority = FastRead::read(cursor)?;
                    }
                    "display_name" => {
                        first(3)?;
                        contact.display_name = FastRead::read(cursor)?;
                    }
                    "email" => {
                        first(4)?;
                        contact.email = FastRead::read(cursor)?;
                    }
                    "external_id" => {
                        first(5)?;
                        contact.external_id = FastRead::read(cursor)?;
                    }
                    "language" => {
                        first(6)?;
                        contact.language = FastRead::read(cursor)?;
                    }
                    "metadata" => {
                        first(7)?;
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
                    "channel" => once(&mut channel, FastRead::read(cursor)?)?,
                    "identity" => once(&mut identity, FastRead::read(cursor)?)?,
                    "app_id" => once(&mut app_id, FastRead::read(cursor)?)?,
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
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        Self::from_wire(ContactDeleteWire::read(cursor)?).map_err(|_| GiveUp)
    }
}

impl<'a> FastRead<'a> for ContactMergeNotification {
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        Self::from_wire(ContactMergeWire::read(cursor)?).map_err(|_| GiveUp)
    }
}

impl<'a> FastRead<'a> for ConversationNotification {
    fn read(cursor: &mut Cursor<'a>) -> Fast<Self> {
        Self::from_wire(ConversationWire::read(cursor)?).map_err(|_| GiveUp)
    }
}
