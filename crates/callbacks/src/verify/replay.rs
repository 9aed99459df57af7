//! [`ReplayGuard`]: remembers recently seen nonces, in bounded memory.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

/// Refuses a nonce seen before while its signature could still be accepted.
///
/// Each nonce is remembered until its signed timestamp leaves the tolerance window
/// (`timestamp + tolerance`); after that the timestamp check refuses a replay on its own.
/// Memory is bounded by `capacity`: when full, the entry closest to expiry is dropped first.
#[derive(Debug)]
pub struct ReplayGuard {
    capacity: usize,
    state: Mutex<ReplayState>,
}

#[derive(Debug, Default)]
struct ReplayState {
    expiry_by_nonce: HashMap<String, i64>,
    by_expiry: BTreeSet<(i64, String)>,
}

impl ReplayGuard {
    /// A guard remembering at most `capacity` nonces (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new(ReplayState::default()),
        }
    }

    /// How many nonces are remembered now.
    pub fn len(&self) -> usize {
        self.lock().expiry_by_nonce.len()
    }

    /// Whether no nonce is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ReplayState> {
        // A panic while holding the lock cannot leave the maps inconsistent in a way that
        // matters for safety (worst case one nonce is forgotten), so poisoning is ignored.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records `nonce` until `expires_at` (Unix seconds). Returns `false` when it is already
    /// remembered and not expired at `now`.
    pub(crate) fn check_and_remember(&self, nonce: &str, expires_at: i64, now: i64) -> bool {
        let mut state = self.lock();
        while let Some((expiry, _)) = state.by_expiry.first() {
            if *expiry >= now {
                break;
            }
            if let Some((_, old)) = state.by_expiry.pop_first() {
                state.expiry_by_nonce.remove(&old);
            }
        }
        if state.expiry_by_nonce.contains_key(nonce) {
            return false;
        }
        while state.expiry_by_nonce.len() >= self.capacity {
            match state.by_expiry.pop_first() {
                Some((_, old)) => {
                    state.expiry_by_nonce.remove(&old);
                }
                None => break,
            }
        }
        state.expiry_by_nonce.insert(nonce.to_owned(), expires_at);
        state.by_expiry.insert((expires_at, nonce.to_owned()));
        true
    }

    /// Forgets `nonce`, so a redelivery with it is accepted again (used when the handler
    /// failed and the sender is expected to retry).
    pub fn forget(&self, nonce: &str) {
        let mut state = self.lock();
        if let Some(expiry) = state.expiry_by_nonce.remove(nonce) {
            state.by_expiry.remove(&(expiry, nonce.to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_nonce_until_it_expires() {
        let guard = ReplayGuard::new(10);
        assert!(guard.check_and_remember("a", 100, 50));
        assert!(!guard.check_and_remember("a", 100, 99));
        assert!(!guard.check_and_remember("a", 100, 100));
        assert!(guard.check_and_remember("a", 200, 101));
        assert_eq!(guard.len(), 1);
    }

    #[test]
    fn stays_within_capacity_dropping_the_earliest_expiry() {
        let guard = ReplayGuard::new(2);
        assert!(guard.check_and_remember("a", 300, 0));
        assert!(guard.check_and_remember("b", 100, 0));
        assert!(guard.check_and_remember("c", 200, 0));
        assert_eq!(guard.len(), 2);
        assert!(guard.check_and_remember("b", 100, 0), "b was evicted");
        assert!(!guard.check_and_remember("a", 300, 0));
    }

    #[test]
    fn forget_allows_a_redelivery() {
        let guard = ReplayGuard::new(4);
        assert!(guard.check_and_remember("a", 100, 0));
        guard.forget("a");
        assert!(guard.is_empty());
        assert!(guard.check_and_remember("a", 100, 0));
    }
}
