#![doc = include_str!("../README.md")]
//!
//! # How it works
//!
//! Both backends implement [`CallbackStore`]. Writes go through a bounded queue to the store's
//! writer threads, which commit what is queued together (group commit) and answer each caller
//! only after the commit; a caller that goes away never leaves a transaction half done, and a
//! full queue is refused at once ([`StoreErrorKind::Overloaded`]). The effect is computed by the
//! callbacks crate's shared rules
//! ([`compute_effect`](sinch_contacts_callbacks::store::compute_effect)); the backends only load
//! and persist rows. Schema migrations are versioned and applied on open.
//!
//! See the project's `docs/store.md` for the schema, the transaction boundary and the
//! guarantees.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod any;
mod options;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod plan;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod rows;
mod stats;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod writer;

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub mod postgres;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub mod sqlite;

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use sqlite::SqliteStore;

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "sqlite", feature = "postgres"))))]
pub use any::{AnyStore, is_postgres_url};

/// The live contacts of a mirror, one at a time (see [`SqliteStore::live_contacts`]): what a
/// sync reads instead of listing the API.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub type ContactStream<'a> = std::pin::Pin<
    Box<
        dyn futures_core::Stream<Item = Result<sinch_contacts_callbacks::Contact, StoreError>>
            + Send
            + 'a,
    >,
>;
pub use options::{
    DEFAULT_BUSY_TIMEOUT, DEFAULT_GATHER, DEFAULT_MAX_GROUP, DEFAULT_QUEUE_CAPACITY,
    DEFAULT_READ_CONNECTIONS, StoreOptions,
};
pub use stats::{LATENCY_BUCKETS, LatencyHistogram, WriterStats};

pub use sinch_contacts_callbacks::store::{
    Applied, CallbackStore, ConsentRules, DeliveryId, MemoryStore, StoreError, StoreErrorKind,
};

#[cfg(feature = "postgres")]
fn schema_error(error: sqlx::Error) -> StoreError {
    StoreError::new(StoreErrorKind::Schema, "migrating the schema", error)
}

/// Refuses a database whose schema is newer than this version of the crate knows.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn check_version(current: i64, migrations: &[(i64, &str)]) -> Result<(), StoreError> {
    let known = migrations.last().map_or(0, |(version, _)| *version);
    if current > known {
        return Err(StoreError::new(
            StoreErrorKind::Schema,
            "opening the store",
            format!("the schema is at version {current}, this crate knows up to {known}"),
        ));
    }
    Ok(())
}
