//! [`AnyStore`]: the backend a location names, chosen at run time (a file or `sqlite:` URL, or
//! a `postgres://` URL), for tools and services configured by one setting.

use std::path::Path;

use sinch_contacts_callbacks::optout::{ConsentRecord, IdentityKey};
use sinch_contacts_callbacks::store::{
    Applied, CallbackStore, ContactState, DeliveryId, IdentityStream, StateDump, StoreError,
    StoreErrorKind,
};
use sinch_contacts_callbacks::{Callback, ConversationChannel};

use crate::options::StoreOptions;
use crate::stats::WriterStats;

#[cfg(feature = "postgres")]
use crate::PostgresStore;
#[cfg(feature = "sqlite")]
use crate::SqliteStore;

/// A store whose backend was chosen from a location at run time.
///
/// ```no_run
/// # async fn run() -> Result<(), sinch_contacts_callbacks::store::StoreError> {
/// use sinch_contacts_store::{AnyStore, StoreOptions};
///
/// // A file path or `sqlite:` URL opens SQLite; `postgres://` or `postgresql://` PostgreSQL.
/// let location = std::env::var("CALLBACK_STATE").unwrap_or("callbacks.db".to_owned());
/// let store = AnyStore::open(&location, StoreOptions::default()).await?;
/// println!("state in {}", store.describe());
/// store.close().await;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AnyStore {
    /// A SQLite file.
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteStore),
    /// A PostgreSQL database.
    #[cfg(feature = "postgres")]
    Postgres(PostgresStore),
}

/// Whether `location` names a PostgreSQL database (`postgres://` or `postgresql://`).
pub fn is_postgres_url(location: &str) -> bool {
    let lower = location.get(..13).unwrap_or(location).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

impl AnyStore {
    /// Opens the store `location` names: a `postgres://` or `postgresql://` URL connects to
    /// PostgreSQL; a `sqlite:` URL or any other text is a SQLite file (created if missing).
    pub async fn open(location: &str, options: StoreOptions) -> Result<Self, StoreError> {
        if is_postgres_url(location) {
            return Self::open_postgres(location, options).await;
        }
        Self::open_sqlite(location, options).await
    }

    #[cfg(feature = "postgres")]
    async fn open_postgres(url: &str, options: StoreOptions) -> Result<Self, StoreError> {
        use std::str::FromStr as _;
        let connect = sqlx::postgres::PgConnectOptions::from_str(url).map_err(|error| {
            StoreError::new(
                StoreErrorKind::Database,
                "reading the PostgreSQL URL",
                error,
            )
        })?;
        Ok(Self::Postgres(
            PostgresStore::connect_with(connect, options).await?,
        ))
    }

    #[cfg(not(feature = "postgres"))]
    async fn open_postgres(_url: &str, _options: StoreOptions) -> Result<Self, StoreError> {
        Err(StoreError::new(
            StoreErrorKind::Database,
            "opening a PostgreSQL store",
            "this build has no PostgreSQL support (feature `postgres`)",
        ))
    }

    #[cfg(feature = "sqlite")]
    async fn open_sqlite(location: &str, options: StoreOptions) -> Result<Self, StoreError> {
        let path = location
            .strip_prefix("sqlite://")
            .or_else(|| location.strip_prefix("sqlite:"))
            .map_or(location, |path| {
                path.split_once('?').map_or(path, |(path, _)| path)
            });
        Ok(Self::Sqlite(SqliteStore::open_with(path, options).await?))
    }

    #[cfg(not(feature = "sqlite"))]
    async fn open_sqlite(_location: &str, _options: StoreOptions) -> Result<Self, StoreError> {
        Err(StoreError::new(
            StoreErrorKind::Database,
            "opening a SQLite store",
            "this build has no SQLite support (feature `sqlite`)",
        ))
    }

    /// Where the state is, for messages: the file's path, or the PostgreSQL server and database
    /// (never the password).
    pub fn describe(&self) -> String {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(store) => format!("the SQLite file {}", store.path().display()),
            #[cfg(feature = "postgres")]
            Self::Postgres(store) => {
                let options = store.pool().connect_options();
                format!(
                    "PostgreSQL at {}:{}/{}",
                    options.get_host(),
                    options.get_port(),
                    options.get_database().unwrap_or("")
                )
            }
        }
    }

    /// The SQLite file, when the store is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(store) => Some(store.path()),
            #[cfg(feature = "postgres")]
            Self::Postgres(_) => None,
        }
    }

    /// What the writers did so far, and how full their queue is.
    pub fn stats(&self) -> WriterStats {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(store) => store.stats(),
            #[cfg(feature = "postgres")]
            Self::Postgres(store) => store.stats(),
        }
    }

    /// Whether the database answers now (for a readiness check).
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(store) => store.ping().await,
            #[cfg(feature = "postgres")]
            Self::Postgres(store) => store.ping().await,
        }
    }

    /// Stops taking deliveries, commits every delivery already queued, and closes the
    /// connections.
    pub async fn close(&self) {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(store) => store.close().await,
            #[cfg(feature = "postgres")]
            Self::Postgres(store) => store.close().await,
        }
    }

    /// The mirror's live contacts, ordered by id (see [`SqliteStore::live_contacts`]).
    pub fn live_contacts(&self) -> crate::ContactStream<'_> {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(store) => store.live_contacts(),
            #[cfg(feature = "postgres")]
            Self::Postgres(store) => store.live_contacts(),
        }
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(store) => store.is_closed(),
            #[cfg(feature = "postgres")]
            Self::Postgres(store) => store.is_closed(),
        }
    }
}

/// Calls `$method` on whichever backend `$store` holds.
macro_rules! on_backend {
    ($store:expr, $inner:ident => $call:expr) => {
        match $store {
            #[cfg(feature = "sqlite")]
            AnyStore::Sqlite($inner) => $call,
            #[cfg(feature = "postgres")]
            AnyStore::Postgres($inner) => $call,
        }
    };
}

impl CallbackStore for AnyStore {
    async fn apply(
        &self,
        delivery: &DeliveryId,
        callback: &Callback,
    ) -> Result<Applied, StoreError> {
        on_backend!(self, store => store.apply(delivery, callback).await)
    }

    async fn apply_batch(
        &self,
        deliveries: &[(DeliveryId, Callback)],
    ) -> Result<Vec<Applied>, StoreError> {
        on_backend!(self, store => store.apply_batch(deliveries).await)
    }

    async fn consent(&self, key: &IdentityKey) -> Result<Option<ConsentRecord>, StoreError> {
        on_backend!(self, store => store.consent(key).await)
    }

    fn suppressed_identities<'a>(&'a self, channel: &ConversationChannel) -> IdentityStream<'a> {
        on_backend!(self, store => store.suppressed_identities(channel))
    }

    async fn contact_state(&self, id: &str) -> Result<Option<ContactState>, StoreError> {
        on_backend!(self, store => store.contact_state(id).await)
    }

    async fn is_applied(&self, delivery: &DeliveryId) -> Result<bool, StoreError> {
        on_backend!(self, store => store.is_applied(delivery).await)
    }

    async fn dump(&self) -> Result<StateDump, StoreError> {
        on_backend!(self, store => store.dump().await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_are_told_from_files_whatever_their_case() {
        for url in [
            "postgres://u@h/db",
            "postgresql://u@h:5/db",
            "POSTGRES://u@h/db",
            "PostgreSQL://u@h/db",
        ] {
            assert!(is_postgres_url(url), "{url}");
        }
        for file in [
            "state.db",
            "sqlite://state.db",
            "postgres.db",
            "./postgres://x",
            "",
            "pg",
        ] {
            assert!(!is_postgres_url(file), "{file}");
        }
    }
}
