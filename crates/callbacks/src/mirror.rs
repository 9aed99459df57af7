//! [`ContactMirror`]: a local copy of the project's contacts, kept from contact callbacks.

use std::collections::HashMap;

use crate::contact_types::Contact;
use crate::events::{Callback, DuplicatedIdentity, Event};
use crate::timestamp::Timestamp;

/// A mirrored contact and the `accepted_time` of the callback it came from.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MirroredContact {
    /// The contact as last seen.
    pub contact: Contact,
    /// `accepted_time` of the callback that set it.
    pub as_of: Option<Timestamp>,
}

impl MirroredContact {
    /// A mirrored contact (e.g. read back from a store).
    pub fn new(contact: Contact, as_of: Option<Timestamp>) -> Self {
        Self { contact, as_of }
    }
}

/// A contact that no longer exists.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Removal {
    /// `accepted_time` of the delete or merge.
    pub at: Option<Timestamp>,
    /// The contact it was merged into, for merges.
    pub merged_into: Option<String>,
}

impl Removal {
    /// A removal (e.g. read back from a store).
    pub fn new(at: Option<Timestamp>, merged_into: Option<String>) -> Self {
        Self { at, merged_into }
    }
}

/// A duplicated identity reported by CONTACT_IDENTITIES_DUPLICATION, to be resolved (for
/// example by merging the contacts).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DuplicationRecord {
    /// The duplicated identity and the contacts sharing it.
    pub duplicate: DuplicatedIdentity,
    /// `accepted_time` of the first report.
    pub reported_at: Option<Timestamp>,
}

impl DuplicationRecord {
    /// A duplication record (e.g. read back from a store).
    pub fn new(duplicate: DuplicatedIdentity, reported_at: Option<Timestamp>) -> Self {
        Self {
            duplicate,
            reported_at,
        }
    }
}

/// What [`ContactMirror::apply`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MirrorChange {
    /// A contact was added.
    Inserted(String),
    /// A mirrored contact was replaced by a newer state.
    Updated(String),
    /// The callback matched what the mirror holds (e.g. a redelivery).
    Unchanged,
    /// The callback is older than what the mirror holds for the contact, or concerns a
    /// contact already deleted or merged away; ignored.
    Stale(String),
    /// A contact was deleted.
    Deleted(String),
    /// A contact was merged into another.
    Merged {
        /// The contact that remains.
        preserved: String,
        /// The contact that was removed.
        deleted: String,
    },
    /// New duplicated identities were recorded (the number of new records).
    DuplicationsRecorded(usize),
    /// The callback is not about contacts, or names no contact id.
    NotApplicable,
}

/// A local copy of contacts kept from CONTACT_CREATE, CONTACT_UPDATE, CONTACT_DELETE,
/// CONTACT_MERGE and CONTACT_IDENTITIES_DUPLICATION callbacks.
///
/// Rules:
/// - Idempotent: applying a callback again changes nothing ([`MirrorChange::Unchanged`]).
/// - Order-tolerant: a create or update whose `accepted_time` is older than the state held for
///   the contact is ignored ([`MirrorChange::Stale`]); equal or missing times apply in arrival
///   order.
/// - Deletes and merges are final: a later-arriving create or update of a removed id is
///   ignored, whatever its time (the API never reuses ids).
/// - After a merge the deleted id resolves to the preserved contact ([`ContactMirror::resolve`]);
///   chains of merges are followed, even when they arrive out of order.
/// - Duplication reports are kept as a list of identities to resolve, without duplicates.
///
/// ```
/// use sinch_contacts_callbacks::{mirror::ContactMirror, parse_unverified};
///
/// let merge = br#"{"app_id":"a","project_id":"p","accepted_time":"2024-06-15T17:00:00Z",
///   "contact_merge_notification":{"deleted_contact_id":"old",
///     "preserved_contact":{"id":"kept","display_name":"Ada"}}}"#;
/// let mut mirror = ContactMirror::new();
/// mirror.apply(&parse_unverified(merge).unwrap());
/// assert_eq!(mirror.resolve("old").unwrap().display_name.as_deref(), Some("Ada"));
/// assert!(mirror.get("old").is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct ContactMirror {
    contacts: HashMap<String, MirroredContact>,
    removed: HashMap<String, Removal>,
    duplications: Vec<DuplicationRecord>,
}

impl ContactMirror {
    /// An empty mirror.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of live contacts.
    pub fn len(&self) -> usize {
        self.contacts.len()
    }

    /// Whether no contact is mirrored.
    pub fn is_empty(&self) -> bool {
        self.contacts.is_empty()
    }

    /// The live contact with this id.
    pub fn get(&self, id: &str) -> Option<&Contact> {
        self.contacts.get(id).map(|entry| &entry.contact)
    }

    /// The live contact with this id, with the time of its state.
    pub fn entry(&self, id: &str) -> Option<&MirroredContact> {
        self.contacts.get(id)
    }

    /// Follows merges from `id` to the id that now holds its data (`id` itself when it was
    /// never merged). `None` when the chain ends in a deleted contact.
    pub fn resolve_id<'a>(&'a self, id: &'a str) -> Option<&'a str> {
        let mut current = id;
        // Each step moves to another removed id; more steps than removals means a cycle.
        for _ in 0..=self.removed.len() {
            match self.removed.get(current) {
                None => return Some(current),
                Some(Removal {
                    merged_into: Some(next),
                    ..
                }) => current = next,
                Some(_) => return None,
            }
        }
        None
    }

    /// The live contact `id` resolves to (following merges).
    pub fn resolve(&self, id: &str) -> Option<&Contact> {
        self.resolve_id(id).and_then(|id| self.get(id))
    }

    /// Whether `id` was deleted or merged away.
    pub fn removal(&self, id: &str) -> Option<&Removal> {
        self.removed.get(id)
    }

    /// Live contacts, in no particular order.
    pub fn contacts(&self) -> impl Iterator<Item = &Contact> {
        self.contacts.values().map(|entry| &entry.contact)
    }

    /// Duplicated identities reported so far.
    pub fn duplications(&self) -> &[DuplicationRecord] {
        &self.duplications
    }

    /// Channel identities that several mirrored contacts carry, found locally with the model
    /// crate's [`sinch_contacts_model::find_duplicated_identities`] (sorted by channel, identity
    /// and app). Complements the API's duplication callbacks, e.g. after an import.
    pub fn local_duplicates(&self) -> Vec<sinch_contacts_model::DuplicatedIdentity> {
        let mut contacts: Vec<Contact> = self.contacts().cloned().collect();
        contacts.sort_by(|a, b| a.id.cmp(&b.id));
        sinch_contacts_model::find_duplicated_identities(&contacts)
    }

    /// Every removed id with its removal, in no particular order.
    pub fn removals(&self) -> impl Iterator<Item = (&str, &Removal)> {
        self.removed
            .iter()
            .map(|(id, removal)| (id.as_str(), removal))
    }

    /// Every live contact with the time of its state, by id, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &MirroredContact)> {
        self.contacts.iter().map(|(id, entry)| (id.as_str(), entry))
    }

    /// Seeds a live contact (used to rebuild the part of a mirror a store holds).
    pub(crate) fn seed_live(&mut self, id: String, entry: MirroredContact) {
        self.removed.remove(&id);
        self.contacts.insert(id, entry);
    }

    /// Seeds a removed id.
    pub(crate) fn seed_removed(&mut self, id: String, removal: Removal) {
        self.contacts.remove(&id);
        self.removed.insert(id, removal);
    }

    /// Seeds a duplication record.
    pub(crate) fn seed_duplication(&mut self, record: DuplicationRecord) {
        self.duplications.push(record);
    }

    /// Forgets the duplication reports (after resolving them).
    pub fn clear_duplications(&mut self) {
        self.duplications.clear();
    }

    /// Applies one callback (see the type docs for the rules).
    pub fn apply(&mut self, callback: &Callback) -> MirrorChange {
        let at = callback.accepted_time;
        match &callback.event {
            Event::ContactCreate(notification) | Event::ContactUpdate(notification) => {
                self.upsert(&notification.contact, at)
            }
            Event::ContactDelete(notification) => match notification.contact_id() {
                Some(id) => self.remove(id, at, None),
                None => MirrorChange::NotApplicable,
            },
            Event::ContactMerge(notification) => {
                let (Some(preserved), Some(deleted)) = (
                    notification.preserved_contact.id.as_deref(),
                    notification.deleted_contact_id(),
                ) else {
                    return MirrorChange::NotApplicable;
                };
                if preserved == deleted {
                    return MirrorChange::NotApplicable;
                }
                let upserted = self.upsert(&notification.preserved_contact, at);
                let removed = self.remove(deleted, at, Some(preserved));
                match (upserted, removed) {
                    (_, MirrorChange::Deleted(_) | MirrorChange::Merged { .. })
                    | (MirrorChange::Inserted(_) | MirrorChange::Updated(_), _) => {
                        MirrorChange::Merged {
                            preserved: preserved.to_owned(),
                            deleted: deleted.to_owned(),
                        }
                    }
                    _ => MirrorChange::Unchanged,
                }
            }
            Event::ContactIdentitiesDuplication(notification) => {
                let mut added = 0;
                for duplicate in &notification.duplicated_identities {
                    if !self.duplications.iter().any(|r| &r.duplicate == duplicate) {
                        self.duplications.push(DuplicationRecord {
                            duplicate: duplicate.clone(),
                            reported_at: at,
                        });
                        added += 1;
                    }
                }
                if added == 0 {
                    MirrorChange::Unchanged
                } else {
                    MirrorChange::DuplicationsRecorded(added)
                }
            }
            _ => MirrorChange::NotApplicable,
        }
    }

    fn upsert(&mut self, contact: &Contact, at: Option<Timestamp>) -> MirrorChange {
        let Some(id) = contact.id.as_deref() else {
            return MirrorChange::NotApplicable;
        };
        if self.removed.contains_key(id) {
            return MirrorChange::Stale(id.to_owned());
        }
        match self.contacts.get_mut(id) {
            Some(entry) => {
                if let (Some(held), Some(at)) = (entry.as_of, at)
                    && at < held
                {
                    return MirrorChange::Stale(id.to_owned());
                }
                entry.as_of = later(entry.as_of, at);
                if &entry.contact == contact {
                    MirrorChange::Unchanged
                } else {
                    entry.contact = contact.clone();
                    MirrorChange::Updated(id.to_owned())
                }
            }
            None => {
                self.contacts.insert(
                    id.to_owned(),
                    MirroredContact {
                        contact: contact.clone(),
                        as_of: at,
                    },
                );
                MirrorChange::Inserted(id.to_owned())
            }
        }
    }

    fn remove(
        &mut self,
        id: &str,
        at: Option<Timestamp>,
        merged_into: Option<&str>,
    ) -> MirrorChange {
        self.contacts.remove(id);
        match self.removed.get_mut(id) {
            Some(removal) => {
                // A merge report after a plain delete of the same id still records the alias.
                if removal.merged_into.is_none() && merged_into.is_some() {
                    removal.merged_into = merged_into.map(str::to_owned);
                    return MirrorChange::Merged {
                        preserved: merged_into.unwrap_or_default().to_owned(),
                        deleted: id.to_owned(),
                    };
                }
                MirrorChange::Unchanged
            }
            None => {
                self.removed.insert(
                    id.to_owned(),
                    Removal {
                        at,
                        merged_into: merged_into.map(str::to_owned),
                    },
                );
                match merged_into {
                    Some(preserved) => MirrorChange::Merged {
                        preserved: preserved.to_owned(),
                        deleted: id.to_owned(),
                    },
                    None => MirrorChange::Deleted(id.to_owned()),
                }
            }
        }
    }
}

fn later(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => b.or(a),
    }
}
