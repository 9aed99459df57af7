//! The behaviour every store shares: which rows a callback reads, and what it writes.
//!
//! A store loads the rows named by [`StateKeys::of`] into a [`StateSlice`], calls
//! [`compute_effect`], and persists the [`Effect`] (with its ledger entry) in one transaction.
//! The effect is computed by the in-memory [`SuppressionList`] and [`ContactMirror`] seeded with
//! the slice, so every backend follows the same rules as memory.

use crate::contact_types::ConversationChannel;
use crate::events::{Callback, DuplicatedIdentity, Event};
use crate::mirror::{ContactMirror, DuplicationRecord, MirrorChange, MirroredContact, Removal};
use crate::optout::{
    ConsentRecord, IdentityKey, KeywordClassifier, SuppressionList, SuppressionOutcome,
};

/// The consent rules of a store: the keyword classifier and the channels whose inbound texts
/// are classified (as [`SuppressionList::new`] and [`SuppressionList::with_text_channels`]).
#[derive(Debug, Clone, Default)]
pub struct ConsentRules {
    template: SuppressionList,
}

impl ConsentRules {
    /// Rules classifying inbound texts on SMS, MMS, RCS and WhatsApp with `classifier`.
    pub fn new(classifier: KeywordClassifier) -> Self {
        Self {
            template: SuppressionList::new(classifier),
        }
    }

    /// Replaces the channels whose inbound texts are classified.
    pub fn with_text_channels(
        self,
        channels: impl IntoIterator<Item = ConversationChannel>,
    ) -> Self {
        Self {
            template: self.template.with_text_channels(channels),
        }
    }

    /// An empty suppression list following these rules.
    pub fn empty_list(&self) -> SuppressionList {
        self.template.rules_only()
    }
}

/// The state of one contact id in a mirror.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ContactState {
    /// A live contact.
    Live(MirroredContact),
    /// Deleted or merged away (final: the API never reuses ids).
    Removed(Removal),
}

/// The rows a callback may read or write.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct StateKeys {
    /// The channel identity whose consent the callback may change.
    pub identity: Option<IdentityKey>,
    /// The contact ids it may change (sorted, without repeats).
    pub contact_ids: Vec<String>,
    /// The duplicated identities it reports.
    pub duplications: Vec<DuplicatedIdentity>,
}

impl StateKeys {
    /// The rows `callback` may touch.
    pub fn of(callback: &Callback) -> Self {
        let mut keys = StateKeys::default();
        match &callback.event {
            Event::MessageInbound(message) => {
                if let Some(identity) = &message.channel_identity {
                    keys.identity = Some(IdentityKey::new(
                        identity.channel.clone(),
                        identity.identity.clone(),
                    ));
                }
            }
            Event::OptIn(notification) => {
                keys.identity = opt_key(
                    notification.channel.as_ref(),
                    notification.identity.as_deref(),
                );
            }
            Event::OptOut(notification) => {
                keys.identity = opt_key(
                    notification.channel.as_ref(),
                    notification.identity.as_deref(),
                );
            }
            Event::ContactCreate(notification) | Event::ContactUpdate(notification) => {
                keys.contact_ids.extend(notification.contact.id.clone());
            }
            Event::ContactDelete(notification) => {
                keys.contact_ids
                    .extend(notification.contact_id().map(str::to_owned));
            }
            Event::ContactMerge(notification) => {
                keys.contact_ids
                    .extend(notification.preserved_contact.id.clone());
                keys.contact_ids
                    .extend(notification.deleted_contact_id().map(str::to_owned));
            }
            Event::ContactIdentitiesDuplication(notification) => {
                keys.duplications = notification.duplicated_identities.clone();
            }
            _ => {}
        }
        keys.contact_ids.sort();
        keys.contact_ids.dedup();
        keys
    }

    /// Whether the callback touches no state (only its ledger entry is written).
    pub fn is_empty(&self) -> bool {
        self.identity.is_none() && self.contact_ids.is_empty() && self.duplications.is_empty()
    }
}

fn opt_key(channel: Option<&ConversationChannel>, identity: Option<&str>) -> Option<IdentityKey> {
    match (channel, identity) {
        (Some(channel), Some(identity)) => Some(IdentityKey::new(channel.clone(), identity)),
        _ => None,
    }
}

/// What a store holds for the [`StateKeys`] of a callback, before applying it.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct StateSlice {
    /// The consent record of [`StateKeys::identity`], if the store has one.
    pub consent: Option<ConsentRecord>,
    /// The state of each of [`StateKeys::contact_ids`] the store knows.
    pub contacts: Vec<(String, ContactState)>,
    /// Those of [`StateKeys::duplications`] already recorded.
    pub recorded_duplications: Vec<DuplicatedIdentity>,
}

impl StateSlice {
    /// An empty slice (the store holds none of the rows).
    pub fn new() -> Self {
        Self::default()
    }
}

/// The rows to write for one callback, and what it did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Effect {
    /// The consent record to write (insert or replace), when it changed.
    pub consent: Option<(IdentityKey, ConsentRecord)>,
    /// The contact rows to write (insert or replace), when they changed.
    pub contacts: Vec<(String, ContactState)>,
    /// Duplication records to add.
    pub new_duplications: Vec<DuplicationRecord>,
    /// What the suppression list did.
    pub suppression: SuppressionOutcome,
    /// What the mirror did.
    pub mirror: MirrorChange,
}

impl Effect {
    /// Whether nothing is to be written besides the ledger entry.
    pub fn writes_nothing(&self) -> bool {
        self.consent.is_none() && self.contacts.is_empty() && self.new_duplications.is_empty()
    }
}

/// Computes what `callback` changes in the rows `slice` holds for `keys` (which must be
/// [`StateKeys::of`] this callback), with the in-memory rules.
pub fn compute_effect(
    rules: &ConsentRules,
    keys: &StateKeys,
    slice: &StateSlice,
    callback: &Callback,
) -> Effect {
    let mut list = rules.empty_list();
    if let (Some(key), Some(record)) = (&keys.identity, &slice.consent) {
        list.seed(key.clone(), record.clone());
    }
    let suppression = list.apply(callback);
    let consent = keys.identity.as_ref().and_then(|key| {
        let after = list.record_of(key)?;
        (Some(after) != slice.consent.as_ref()).then(|| (key.clone(), after.clone()))
    });

    let mut mirror = ContactMirror::new();
    for (id, state) in &slice.contacts {
        match state {
            ContactState::Live(entry) => mirror.seed_live(id.clone(), entry.clone()),
            ContactState::Removed(removal) => mirror.seed_removed(id.clone(), removal.clone()),
        }
    }
    for duplicate in &slice.recorded_duplications {
        mirror.seed_duplication(DuplicationRecord::new(duplicate.clone(), None));
    }
    let seeded_duplications = mirror.duplications().len();
    let change = mirror.apply(callback);
    let mut contacts = Vec::new();
    for id in &keys.contact_ids {
        let after = match (mirror.entry(id), mirror.removal(id)) {
            (Some(entry), _) => ContactState::Live(entry.clone()),
            (None, Some(removal)) => ContactState::Removed(removal.clone()),
            (None, None) => continue,
        };
        let before = slice
            .contacts
            .iter()
            .find(|(known, _)| known == id)
            .map(|(_, s)| s);
        if before != Some(&after) {
            contacts.push((id.clone(), after));
        }
    }
    let new_duplications = mirror.duplications()[seeded_duplications..].to_vec();
    Effect {
        consent,
        contacts,
        new_duplications,
        suppression,
        mirror: change,
    }
}
