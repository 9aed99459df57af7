//! What a plan holds.

use serde_json::Value;

use crate::{ChannelIdentity, ContactCreateRequest, ContactField, ContactPatch};

/// The changes that make Sinch's contacts equal to the source (within its columns), and what
/// was left alone.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct SyncPlan {
    /// Contacts to create, one per row whose key Sinch does not have, in row order.
    pub creates: Vec<ContactCreateRequest>,
    /// Contacts to update, in row order.
    pub updates: Vec<Update>,
    /// Contacts to delete (only with [`crate::PlanOptions::delete_missing`]), in the order of the
    /// current contacts.
    pub deletes: Vec<Delete>,
    /// What was left alone until the user decides.
    pub conflicts: Vec<Conflict>,
    /// Rows already equal to their contact.
    pub unchanged: usize,
}

impl SyncPlan {
    /// Whether the plan writes nothing (conflicts may remain).
    pub fn is_empty(&self) -> bool {
        self.creates.is_empty() && self.updates.is_empty() && self.deletes.is_empty()
    }
}

/// An update of one contact.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Update {
    /// The contact to update.
    pub contact_id: String,
    /// Its key.
    pub external_id: String,
    /// The fields that differ and nothing else, so its derived mask is minimal.
    pub patch: ContactPatch,
    /// The same fields with their old and new values, in schema order.
    pub changes: Vec<FieldChange>,
}

/// One field an update changes.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FieldChange {
    /// The field.
    pub field: ContactField,
    /// Its value in Sinch, as JSON (`null` when empty).
    pub old: Value,
    /// Its value in the source, as JSON (`null` when empty).
    pub new: Value,
}

/// A deletion of a contact whose key the source no longer has.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delete {
    /// The contact to delete.
    pub contact_id: String,
    /// Its key, absent from the source.
    pub external_id: String,
}

/// Something the plan leaves alone because a person has to decide.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Conflict {
    /// Several Sinch contacts carry one `external_id`: none of them is updated or deleted, and
    /// the row with that key (if any) is not applied.
    SharedExternalId {
        /// The key.
        external_id: String,
        /// The contacts that carry it, in the order given.
        contact_ids: Vec<String>,
    },
    /// A channel identity of a row is held by another Sinch contact (one that keeps it after
    /// the plan): the row is not applied.
    IdentityHeld {
        /// The row's index in the source.
        row: usize,
        /// The row's key.
        external_id: String,
        /// The identity.
        identity: ChannelIdentity,
        /// The contact that holds it.
        holder_id: String,
        /// That contact's key, if it has one.
        holder_external_id: Option<String>,
    },
}
