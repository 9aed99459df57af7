//! Durable callback state for `sinch-contacts-callbacks`: the suppression list, the contact
//! mirror and the ledger of applied deliveries, on SQLite (feature `sqlite`, default: one file,
//! no server) or PostgreSQL (feature `postgres`: several receivers sharing one state).
//!
//! Both backends implement [`CallbackStore`]:
//! applying a delivery is one transaction holding its effect and its ledger entry, so a
//! redelivery (or two receivers racing on one delivery) changes the state once, and a crash
//! leaves all of it or none. The effect is computed by the callbacks crate's shared rules
//! ([`compute_effect`](sinch_contacts_callbacks::store::compute_effect)); the backends only
//! load and persist rows. Schema migrations are versioned and applied on open.
//!
//! See `docs/store.md` for the schema, the transaction boundary and the guarantees.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod rows;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub mod postgres;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub mod sqlite;

#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

pub use sinch_contacts_callbacks::store::{
    Applied, CallbackStore, ConsentRules, DeliveryId, MemoryStore, StoreError, StoreErrorKind,
};

#[cfg(any(feature = "sqlite", feature = "postgres"))]
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
