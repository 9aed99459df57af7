//! [`StoreError`]: why a store could not read or apply.

use std::error::Error as StdError;

/// What kind of failure a [`StoreError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The database could not be reached or did not answer (connection, I/O, lock timeout).
    /// Retrying later may succeed.
    Unavailable,
    /// A stored row could not be read back (e.g. a contact whose JSON does not parse).
    Corrupt,
    /// The schema could not be created or migrated, or is newer than this version knows.
    Schema,
    /// Any other failure of the database.
    Database,
    /// The store's queue of writes is full: nothing was queued or written. Retry after a short
    /// wait (the webhook endpoint answers 503 with `Retry-After`).
    Overloaded,
}

/// A store failure: nothing of the operation was committed.
#[derive(Debug, thiserror::Error)]
#[error("{context}: {source}")]
pub struct StoreError {
    kind: StoreErrorKind,
    context: String,
    #[source]
    source: Box<dyn StdError + Send + Sync>,
}

impl StoreError {
    /// An error of `kind` while doing `context`, caused by `source`.
    pub fn new(
        kind: StoreErrorKind,
        context: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self {
            kind,
            context: context.into(),
            source: source.into(),
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }

    /// What the store was doing.
    pub fn context(&self) -> &str {
        &self.context
    }
}
