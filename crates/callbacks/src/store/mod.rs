//! Durable callback state: the [`CallbackStore`] interface, the behaviour every store shares
//! ([`compute_effect`]) and the in-memory implementation ([`MemoryStore`]).
//!
//! A store keeps the three kinds of state this crate derives from callbacks: the suppression
//! list (consent per channel identity), the contact mirror (contacts, removals and merge
//! aliases, duplication reports) and a ledger of the deliveries already applied. Applying a
//! delivery is atomic: its effect and its ledger entry are kept together or not at all, so a
//! delivery applied twice changes the state once. SQL backends live in the
//! `sinch-contacts-store` crate.

mod delivery;
mod effect;
mod error;
mod memory;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;

pub use delivery::DeliveryId;
pub use effect::{ConsentRules, ContactState, Effect, StateKeys, StateSlice, compute_effect};
pub use error::{StoreError, StoreErrorKind};
pub use memory::MemoryStore;

use crate::contact_types::{Contact, ConversationChannel};
use crate::events::Callback;
use crate::mirror::{DuplicationRecord, MirrorChange};
use crate::optout::{Consent, ConsentRecord, IdentityKey, SuppressionOutcome};

/// What applying one delivery did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Applied {
    /// The delivery was new; its effect is committed.
    Fresh {
        /// What the suppression list did.
        suppression: SuppressionOutcome,
        /// What the mirror did.
        mirror: MirrorChange,
    },
    /// The ledger already held this delivery; nothing changed.
    AlreadyApplied,
}

/// A stream of the identities opted out on one channel (see
/// [`CallbackStore::suppressed_identities`]).
pub type IdentityStream<'a> = Pin<Box<dyn Stream<Item = Result<String, StoreError>> + Send + 'a>>;

/// The whole state of a store, in a canonical order (for comparing stores, exporting, testing).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct StateDump {
    /// Every consent record.
    pub consents: BTreeMap<IdentityKey, ConsentRecord>,
    /// Every contact id's state.
    pub contacts: BTreeMap<String, ContactState>,
    /// Duplication reports, in the order they were first recorded.
    pub duplications: Vec<DuplicationRecord>,
    /// The ids of the deliveries applied.
    pub deliveries: BTreeSet<DeliveryId>,
}

/// Storage for callback state. Implementations: [`MemoryStore`] here; SQLite and PostgreSQL in
/// the `sinch-contacts-store` crate. All of them compute effects with [`compute_effect`] (or
/// the in-memory types it is built on), so they agree on every sequence of deliveries.
pub trait CallbackStore: Send + Sync + 'static {
    /// Applies one delivery: its effect and its ledger entry are committed together, or
    /// nothing is (on `Err`). A delivery already in the ledger changes nothing
    /// ([`Applied::AlreadyApplied`]), also when two receivers race on it.
    fn apply(
        &self,
        delivery: &DeliveryId,
        callback: &Callback,
    ) -> impl Future<Output = Result<Applied, StoreError>> + Send;

    /// Applies several deliveries in order, all in one transaction (all or nothing).
    fn apply_batch(
        &self,
        deliveries: &[(DeliveryId, Callback)],
    ) -> impl Future<Output = Result<Vec<Applied>, StoreError>> + Send;

    /// The consent record of an identity.
    fn consent(
        &self,
        key: &IdentityKey,
    ) -> impl Future<Output = Result<Option<ConsentRecord>, StoreError>> + Send;

    /// Whether `identity` on `channel` opted out (must not be messaged).
    fn is_suppressed(
        &self,
        channel: &ConversationChannel,
        identity: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        let key = IdentityKey::new(channel.clone(), identity);
        async move {
            Ok(self
                .consent(&key)
                .await?
                .is_some_and(|record| record.consent == Consent::OptedOut))
        }
    }

    /// Every identity opted out on `channel`, streamed in ascending order (for a sender to
    /// filter a campaign's audience without loading the list at once).
    fn suppressed_identities<'a>(&'a self, channel: &ConversationChannel) -> IdentityStream<'a>;

    /// What the mirror holds for a contact id.
    fn contact_state(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<ContactState>, StoreError>> + Send;

    /// The live contact `id` resolves to, following merges (as
    /// [`ContactMirror::resolve`](crate::mirror::ContactMirror::resolve)); `None` when it
    /// ends in a deleted or unknown contact, or in a cycle.
    fn resolve(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<Contact>, StoreError>> + Send {
        let start = id.to_owned();
        async move {
            let mut current = start;
            let mut seen = BTreeSet::new();
            loop {
                if !seen.insert(current.clone()) {
                    return Ok(None);
                }
                match self.contact_state(&current).await? {
                    Some(ContactState::Live(entry)) => return Ok(Some(entry.contact)),
                    Some(ContactState::Removed(removal)) => match removal.merged_into {
                        Some(next) => current = next,
                        None => return Ok(None),
                    },
                    None => return Ok(None),
                }
            }
        }
    }

    /// Whether the ledger holds this delivery.
    fn is_applied(
        &self,
        delivery: &DeliveryId,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The whole state (reads everything: for tests, exports and small deployments).
    fn dump(&self) -> impl Future<Output = Result<StateDump, StoreError>> + Send;
}
