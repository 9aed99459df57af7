//! [`PostgresStore`]: the shared backend, for several receivers on one PostgreSQL database.

mod group;
mod reads;
pub mod sql;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use sinch_contacts_callbacks::optout::{ConsentRecord, IdentityKey};
use sinch_contacts_callbacks::store::{
    Applied, CallbackStore, ContactState, DeliveryId, IdentityStream, StateDump, StoreError,
};
use sinch_contacts_callbacks::{Callback, ConversationChannel};

use crate::options::StoreOptions;
use crate::stats::WriterStats;
use crate::writer::Writer;
use group::PgWriter;
use reads::{db_error, dump_in, is_applied_in, read_consent, read_contact, suppressed_stream};

/// The schema, one entry per version, applied in order on open.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/postgres_v1.sql"))];

/// The advisory lock held while migrating, so receivers starting together migrate once.
const MIGRATION_LOCK: i64 = 0x5349_4e43_4853_0001;

/// A [`CallbackStore`] on PostgreSQL, shared by any number of receivers.
///
/// Every write goes through one bounded queue to this store's writers (one by default, each
/// with a connection of its own), which commit what is queued as one transaction (group
/// commit) and answer each caller after the commit. Before reading, a group takes
/// transaction-scoped advisory locks on every row its callbacks may touch (the delivery ids,
/// the channel identities, the contact ids, the duplication list) in ascending order, all in
/// one statement, so that two transactions never wait on each other in a cycle: receivers
/// racing on one delivery apply it once, and two deliveries about the same contact apply one
/// after the other, never losing an update. Reads go through a pool of their own.
///
/// ```no_run
/// # async fn run() -> Result<(), sinch_contacts_callbacks::store::StoreError> {
/// use sinch_contacts_store::PostgresStore;
///
/// let store = PostgresStore::connect("postgres://receiver@127.0.0.1:5432/callbacks").await?;
/// # store.close().await; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PostgresStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pool: PgPool,
    writer: Writer,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user[:password]@host:port/database`) and applies pending
    /// migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|error| db_error("reading the PostgreSQL URL", error))?;
        Self::connect_with(options, StoreOptions::default()).await
    }

    /// Connects with these connection options (e.g. with
    /// `.options([("search_path", "my_schema")])` to keep the tables in a schema of their own)
    /// and store options.
    pub async fn connect_with(
        connect: PgConnectOptions,
        options: StoreOptions,
    ) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(options.read_connections_value())
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(connect.clone())
            .await
            .map_err(|error| db_error("connecting to PostgreSQL", error))?;
        migrate(&pool).await?;
        let writers = (0..options.writers_value())
            .map(|_| PgWriter::new(connect.clone(), options.rules_value().clone()))
            .collect::<Result<Vec<_>, _>>()?;
        let writer = Writer::start("sinch-pg-writer", writers, &options)?;
        Ok(Self {
            inner: Arc::new(Inner { pool, writer }),
        })
    }

    /// The read pool (for queries of your own).
    pub fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    /// The schema version of the database.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_version")
            .fetch_one(&self.inner.pool)
            .await
            .map_err(|error| db_error("reading the schema version", error))
    }

    /// What the writers did so far, and how full their queue is.
    pub fn stats(&self) -> WriterStats {
        self.inner.writer.stats()
    }

    /// Whether the server answers now (for a readiness check).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.inner.pool)
            .await
            .map(drop)
            .map_err(|error| db_error("pinging PostgreSQL", error))
    }

    /// Stops taking deliveries, commits every delivery already queued, and closes every
    /// connection. `apply` fails with
    /// [`StoreErrorKind::Unavailable`](sinch_contacts_callbacks::store::StoreErrorKind)
    /// afterwards.
    pub async fn close(&self) {
        self.inner.writer.close().await;
        self.inner.pool.close().await;
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.inner.writer.is_closed()
    }

    /// The mirror's live contacts (neither deleted nor merged away), ordered by id, as their
    /// last callback left them, streamed from a server-side query (never all in memory). A row
    /// that does not decode yields a
    /// [`StoreErrorKind::Corrupt`](sinch_contacts_callbacks::store::StoreErrorKind) error.
    pub fn live_contacts(&self) -> crate::ContactStream<'_> {
        reads::live_contacts_stream(&self.inner.pool)
    }

    async fn connection(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
        self.inner
            .pool
            .acquire()
            .await
            .map_err(|error| db_error("getting a connection", error))
    }
}

async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let schema = |error| crate::schema_error(error);
    let mut tx = pool.begin().await.map_err(schema)?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(schema)?;
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
        .execute(&mut *tx)
        .await
        .map_err(schema)?;
    let current: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_version")
            .fetch_one(&mut *tx)
            .await
            .map_err(schema)?;
    crate::check_version(current, MIGRATIONS)?;
    for (version, script) in MIGRATIONS.iter().filter(|(version, _)| *version > current) {
        sqlx::raw_sql(script)
            .execute(&mut *tx)
            .await
            .map_err(schema)?;
        sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
            .bind(version)
            .execute(&mut *tx)
            .await
            .map_err(schema)?;
    }
    tx.commit().await.map_err(schema)
}

impl CallbackStore for PostgresStore {
    async fn apply(
        &self,
        delivery: &DeliveryId,
        callback: &Callback,
    ) -> Result<Applied, StoreError> {
        self.inner.writer.apply(delivery, callback).await
    }

    async fn apply_batch(
        &self,
        deliveries: &[(DeliveryId, Callback)],
    ) -> Result<Vec<Applied>, StoreError> {
        self.inner.writer.apply_batch(deliveries).await
    }

    async fn consent(&self, key: &IdentityKey) -> Result<Option<ConsentRecord>, StoreError> {
        read_consent(&mut *self.connection().await?, key).await
    }

    fn suppressed_identities<'a>(&'a self, channel: &ConversationChannel) -> IdentityStream<'a> {
        suppressed_stream(&self.inner.pool, channel)
    }

    async fn contact_state(&self, id: &str) -> Result<Option<ContactState>, StoreError> {
        read_contact(&mut *self.connection().await?, id).await
    }

    async fn is_applied(&self, delivery: &DeliveryId) -> Result<bool, StoreError> {
        is_applied_in(&mut *self.connection().await?, delivery).await
    }

    async fn dump(&self) -> Result<StateDump, StoreError> {
        // REPEATABLE READ: every table read from the same snapshot.
        let mut tx = self
            .inner
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(|error| db_error("starting a read", error))?;
        let dump = dump_in(&mut tx).await?;
        tx.commit()
            .await
            .map_err(|error| db_error("ending a read", error))?;
        Ok(dump)
    }
}
