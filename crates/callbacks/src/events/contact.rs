//! Contact triggers: CONTACT_CREATE, CONTACT_UPDATE, CONTACT_DELETE, CONTACT_MERGE,
//! CONTACT_IDENTITIES_DUPLICATION, OPT_IN, OPT_OUT and CAPABILITY.
//!
//! Where the seed documents and the official contract disagree, both shapes are accepted and
//! normalized to one Rust shape, which serializes in the official shape.

use serde::{Deserialize, Serialize};

use crate::contact_types::{Contact, ConversationChannel};
use crate::events::common::{ProcessingMode, Reason};
use crate::serde_util::null_as_empty;
pub use sinch_contacts_model::{CapabilityStatus, OptInStatus, OptOutStatus};

/// CONTACT_CREATE and CONTACT_UPDATE: the contact as it is after the change.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContactNotification {
    /// The contact.
    pub contact: Contact,
}

/// CONTACT_DELETE: the deleted contact.
///
/// The official contract sends the full contact (`{"contact": {...}}`); the seed documents send
/// only `{"contact_id": "..."}`, which becomes a contact holding only its `id`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct ContactDeleteNotification {
    /// The deleted contact (only `id` set when the callback carried just the id).
    pub contact: Contact,
}

impl ContactDeleteNotification {
    /// The id of the deleted contact, if the callback named one.
    pub fn contact_id(&self) -> Option<&str> {
        self.contact.id.as_deref()
    }
}

/// CONTACT_DELETE as sent, in either shape.
#[derive(Deserialize)]
struct ContactDeleteWire {
    #[serde(default)]
    contact: Option<Contact>,
    #[serde(default)]
    contact_id: Option<String>,
}

impl ContactDeleteNotification {
    /// The notification from its wire shape; the text says which member is missing.
    fn from_wire(wire: ContactDeleteWire) -> Result<Self, &'static str> {
        let contact = contact_or_id(wire.contact, wire.contact_id)
            .ok_or("expected `contact` or `contact_id` in contact_delete_notification")?;
        Ok(Self { contact })
    }
}

impl<'de> Deserialize<'de> for ContactDeleteNotification {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::from_wire(ContactDeleteWire::deserialize(deserializer)?)
            .map_err(serde::de::Error::custom)
    }
}

/// A full contact, or one holding only the given id; the full contact borrows the id when it
/// has none of its own.
fn contact_or_id(contact: Option<Contact>, id: Option<String>) -> Option<Contact> {
    let sent = contact.is_some();
    let mut contact = contact.unwrap_or_default();
    complete_contact(&mut contact, sent, id).then_some(contact)
}

/// Completes the contact a notification names: when the full contact was sent (`sent`,
/// already read into `contact`), it takes `id` if it has no id of its own; otherwise it
/// becomes a contact holding only `id`. `false` when neither was sent.
pub(crate) fn complete_contact(contact: &mut Contact, sent: bool, id: Option<String>) -> bool {
    if sent {
        if contact.id.is_none() {
            contact.id = id;
        }
        true
    } else if let Some(id) = id {
        *contact = Contact::default();
        contact.id = Some(id);
        true
    } else {
        false
    }
}

/// CONTACT_MERGE: the contact that survived and the one that was removed.
///
/// The official contract sends `deleted_contact` as a full contact; the seed documents send
/// `deleted_contact_id`, which becomes a contact holding only its `id`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct ContactMergeNotification {
    /// The contact that remains (the merge destination), as it is after the merge.
    pub preserved_contact: Contact,
    /// The contact that was removed (only `id` set when the callback carried just the id).
    pub deleted_contact: Contact,
}

impl ContactMergeNotification {
    /// The id of the removed contact, if the callback named one.
    pub fn deleted_contact_id(&self) -> Option<&str> {
        self.deleted_contact.id.as_deref()
    }
}

/// CONTACT_MERGE as sent, in either shape.
#[derive(Deserialize)]
struct ContactMergeWire {
    #[serde(default)]
    preserved_contact: Option<Contact>,
    #[serde(default)]
    deleted_contact: Option<Contact>,
    #[serde(default)]
    deleted_contact_id: Option<String>,
}

impl ContactMergeNotification {
    /// The notification from its wire shape; the text says which member is missing.
    fn from_wire(wire: ContactMergeWire) -> Result<Self, &'static str> {
        let preserved_contact = wire
            .preserved_contact
            .ok_or("expected `preserved_contact` in contact_merge_notification")?;
        let deleted_contact = contact_or_id(wire.deleted_contact, wire.deleted_contact_id).ok_or(
            "expected `deleted_contact` or `deleted_contact_id` in contact_merge_notification",
        )?;
        Ok(Self {
            preserved_contact,
            deleted_contact,
        })
    }
}

impl<'de> Deserialize<'de> for ContactMergeNotification {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::from_wire(ContactMergeWire::deserialize(deserializer)?)
            .map_err(serde::de::Error::custom)
    }
}

/// CONTACT_IDENTITIES_DUPLICATION: channel identities found on more than one contact.
///
/// Accepted under `duplicated_contact_identities_notification` (official) or
/// `duplicated_identities_notification` (seed documents), with the list under
/// `duplicated_identities` (official) or `duplicated_channel_identities` (seed documents).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DuplicationNotification {
    /// The duplicated identities.
    #[serde(
        default,
        alias = "duplicated_channel_identities",
        deserialize_with = "null_as_empty"
    )]
    pub duplicated_identities: Vec<DuplicatedIdentity>,
}

/// One identity found on several contacts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DuplicatedIdentity {
    /// The channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ConversationChannel>,
    /// The identity value (seed documents only; the official contract omits it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// The app (seed documents only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The contacts that share the identity.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub contact_ids: Vec<String>,
}

/// Why an opt-in or opt-out failed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorDetails {
    /// What went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// OPT_IN and OPT_OUT: the result of an opt-in or opt-out for one identity on one channel.
///
/// `S` is [`OptInStatus`] or [`OptOutStatus`]; see [`OptInNotification`] and
/// [`OptOutNotification`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "S: Serialize", deserialize = "S: Deserialize<'de>"))]
#[non_exhaustive]
pub struct OptNotification<S> {
    /// The registration request, usable to de-duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The contact (empty in DISPATCH mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ConversationChannel>,
    /// The identity on that channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// The outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<S>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_details: Option<ErrorDetails>,
    /// CONVERSATION or DISPATCH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_mode: Option<ProcessingMode>,
}

impl<S> Default for OptNotification<S> {
    fn default() -> Self {
        Self {
            request_id: None,
            contact_id: None,
            channel: None,
            identity: None,
            status: None,
            error_details: None,
            processing_mode: None,
        }
    }
}

/// OPT_IN notification.
pub type OptInNotification = OptNotification<OptInStatus>;
/// OPT_OUT notification.
pub type OptOutNotification = OptNotification<OptOutStatus>;

impl OptInNotification {
    /// Whether the opt-in succeeded (the only status that changes consent).
    pub fn succeeded(&self) -> bool {
        self.status == Some(OptInStatus::OptInSucceeded)
    }
}

impl OptOutNotification {
    /// Whether the opt-out succeeded (the only status that changes consent).
    pub fn succeeded(&self) -> bool {
        self.status == Some(OptOutStatus::OptOutSucceeded)
    }
}

/// CAPABILITY: the result of a capability query for one channel.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CapabilityNotification {
    /// The query's request id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    /// The channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<ConversationChannel>,
    /// The identity on that channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// The capability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability_status: Option<CapabilityStatus>,
    /// Channel-specific capability names (set for PARTIAL).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_empty"
    )]
    pub channel_capabilities: Vec<String>,
    /// Why the capability is limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}
