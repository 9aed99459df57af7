//! [`MemoryStore`]: the in-memory [`CallbackStore`], the reference for the SQL backends.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{
    Applied, CallbackStore, ConsentRules, ContactState, DeliveryId, IdentityStream, StateDump,
    StoreError, StoreErrorKind,
};
use crate::contact_types::ConversationChannel;
use crate::events::Callback;
use crate::mirror::ContactMirror;
use crate::optout::{Consent, ConsentRecord, IdentityKey, SuppressionList};

/// A [`CallbackStore`] in memory: a [`SuppressionList`], a [`ContactMirror`] and a set of
/// applied deliveries behind one lock. Lost on restart; use it for tests and single-process
/// tools, or as the reference the SQL backends are compared with.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<MemoryState>,
}

#[derive(Debug, Default)]
struct MemoryState {
    suppression: SuppressionList,
    mirror: ContactMirror,
    ledger: HashSet<DeliveryId>,
}

impl MemoryStore {
    /// An empty store with the default consent rules.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store with these consent rules.
    pub fn with_rules(rules: &ConsentRules) -> Self {
        Self {
            state: Mutex::new(MemoryState {
                suppression: rules.empty_list(),
                ..MemoryState::default()
            }),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, MemoryState>, StoreError> {
        self.state.lock().map_err(|_: PoisonError<_>| {
            StoreError::new(
                StoreErrorKind::Unavailable,
                "locking the memory store",
                "a thread panicked while holding the lock",
            )
        })
    }

    fn apply_locked(
        state: &mut MemoryState,
        delivery: &DeliveryId,
        callback: &Callback,
    ) -> Applied {
        if state.ledger.contains(delivery) {
            return Applied::AlreadyApplied;
        }
        let suppression = state.suppression.apply(callback);
        let mirror = state.mirror.apply(callback);
        state.ledger.insert(delivery.clone());
        Applied::Fresh {
            suppression,
            mirror,
        }
    }
}

impl CallbackStore for MemoryStore {
    async fn apply(
        &self,
        delivery: &DeliveryId,
        callback: &Callback,
    ) -> Result<Applied, StoreError> {
        let mut state = self.lock()?;
        Ok(Self::apply_locked(&mut state, delivery, callback))
    }

    async fn apply_batch(
        &self,
        deliveries: &[(DeliveryId, Callback)],
    ) -> Result<Vec<Applied>, StoreError> {
        let mut state = self.lock()?;
        Ok(deliveries
            .iter()
            .map(|(delivery, callback)| Self::apply_locked(&mut state, delivery, callback))
            .collect())
    }

    async fn consent(&self, key: &IdentityKey) -> Result<Option<ConsentRecord>, StoreError> {
        Ok(self.lock()?.suppression.record_of(key).cloned())
    }

    fn suppressed_identities<'a>(&'a self, channel: &ConversationChannel) -> IdentityStream<'a> {
        let items: Vec<Result<String, StoreError>> = match self.lock() {
            Ok(state) => {
                let mut identities: Vec<String> = state
                    .suppression
                    .records()
                    .filter(|(key, record)| {
                        &key.channel == channel && record.consent == Consent::OptedOut
                    })
                    .map(|(key, _)| key.identity.clone())
                    .collect();
                identities.sort();
                identities.into_iter().map(Ok).collect()
            }
            Err(error) => vec![Err(error)],
        };
        Box::pin(futures_util_lite::iter(items))
    }

    async fn contact_state(&self, id: &str) -> Result<Option<ContactState>, StoreError> {
        let state = self.lock()?;
        Ok(match (state.mirror.entry(id), state.mirror.removal(id)) {
            (Some(entry), _) => Some(ContactState::Live(entry.clone())),
            (None, Some(removal)) => Some(ContactState::Removed(removal.clone())),
            (None, None) => None,
        })
    }

    async fn is_applied(&self, delivery: &DeliveryId) -> Result<bool, StoreError> {
        Ok(self.lock()?.ledger.contains(delivery))
    }

    async fn dump(&self) -> Result<StateDump, StoreError> {
        let state = self.lock()?;
        let mut dump = StateDump::default();
        for (key, record) in state.suppression.records() {
            dump.consents.insert(key.clone(), record.clone());
        }
        for (id, entry) in state.mirror.entries() {
            dump.contacts
                .insert(id.to_owned(), ContactState::Live(entry.clone()));
        }
        for (id, removal) in state.mirror.removals() {
            dump.contacts
                .insert(id.to_owned(), ContactState::Removed(removal.clone()));
        }
        dump.duplications = state.mirror.duplications().to_vec();
        dump.deliveries = state.ledger.iter().cloned().collect();
        Ok(dump)
    }
}

/// A ready-made stream over a vector (the store holds no lock while it is consumed).
mod futures_util_lite {
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use futures_core::Stream;

    pub(super) fn iter<T: Unpin>(items: Vec<T>) -> Iter<T> {
        Iter {
            items: items.into_iter(),
        }
    }

    pub(super) struct Iter<T> {
        items: std::vec::IntoIter<T>,
    }

    impl<T: Unpin> Stream for Iter<T> {
        type Item = T;

        fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<T>> {
            Poll::Ready(self.items.next())
        }
    }
}
