//! [`SqliteStore`]: the embedded backend, one SQLite file in WAL mode.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::sql::sql_ops;

sql_ops!(sqlx::Sqlite);

use sinch_contacts_callbacks::store::{CallbackStore, IdentityStream};

/// The schema, one entry per version, applied in order on open.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("migrations/sqlite_v1.sql"))];

/// How long a writer waits for another one's lock before failing with
/// [`StoreErrorKind::Unavailable`](sinch_contacts_callbacks::store::StoreErrorKind).
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A [`CallbackStore`] in one SQLite file: WAL journal, `synchronous = FULL` (a committed
/// delivery survives a crash of the process and of the machine), a busy timeout, no server.
/// Several processes may open the same file; writes are serialized by SQLite's lock
/// (`BEGIN IMMEDIATE`).
///
/// ```no_run
/// # async fn run() -> Result<(), sinch_contacts_callbacks::store::StoreError> {
/// use sinch_contacts_callbacks::store::CallbackStore;
/// use sinch_contacts_callbacks::ConversationChannel;
/// use sinch_contacts_store::SqliteStore;
///
/// let store = SqliteStore::open("callbacks.db").await?;
/// if store.is_suppressed(&ConversationChannel::Sms, "46700000001").await? {
///     println!("opted out");
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    rules: ConsentRules,
}

impl SqliteStore {
    /// Opens (creating it if missing) the store at `path` and applies pending migrations.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path.as_ref())
            .create_if_missing(true);
        Self::open_with(options).await
    }

    /// Opens the store at a `sqlite:` URL (e.g. `sqlite://callbacks.db`).
    pub async fn open_url(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|error| db_error("reading the SQLite URL", error))?
            .create_if_missing(true);
        Self::open_with(options).await
    }

    /// Opens with these connection options; WAL, `synchronous = FULL` and the busy timeout
    /// ([`DEFAULT_BUSY_TIMEOUT`]) are set on top of them.
    pub async fn open_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        let options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(DEFAULT_BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(DEFAULT_BUSY_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|error| db_error("opening the SQLite database", error))?;
        migrate(&pool).await?;
        Ok(Self {
            pool,
            rules: ConsentRules::default(),
        })
    }

    /// Uses these consent rules (keywords, text channels) for the deliveries applied from now.
    pub fn with_rules(mut self, rules: ConsentRules) -> Self {
        self.rules = rules;
        self
    }

    /// The connection pool (for queries of your own).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The schema version of the file.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version")
            .fetch_one(&self.pool)
            .await
            .map_err(|error| db_error("reading the schema version", error))
    }

    /// Closes every connection (waits for the ones in use).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|error| db_error("starting a transaction", error))
    }

    async fn connection(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>, StoreError> {
        self.pool
            .acquire()
            .await
            .map_err(|error| db_error("getting a connection", error))
    }
}

async fn migrate(pool: &SqlitePool) -> Result<(), StoreError> {
    let schema = |error| crate::schema_error(error);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(schema)?;
    sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
        .execute(&mut *tx)
        .await
        .map_err(schema)?;
    let current: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version")
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

impl CallbackStore for SqliteStore {
    async fn apply(
        &self,
        delivery: &DeliveryId,
        callback: &Callback,
    ) -> Result<Applied, StoreError> {
        let mut tx = self.begin().await?;
        let applied = apply_in(&mut tx, &self.rules, delivery, callback).await?;
        tx.commit()
            .await
            .map_err(|error| db_error("committing a delivery", error))?;
        Ok(applied)
    }

    async fn apply_batch(
        &self,
        deliveries: &[(DeliveryId, Callback)],
    ) -> Result<Vec<Applied>, StoreError> {
        let mut tx = self.begin().await?;
        let mut results = Vec::with_capacity(deliveries.len());
        for (delivery, callback) in deliveries {
            results.push(apply_in(&mut tx, &self.rules, delivery, callback).await?);
        }
        tx.commit()
            .await
            .map_err(|error| db_error("committing a batch", error))?;
        Ok(results)
    }

    async fn consent(&self, key: &IdentityKey) -> Result<Option<ConsentRecord>, StoreError> {
        read_consent(&mut *self.connection().await?, key).await
    }

    fn suppressed_identities<'a>(&'a self, channel: &ConversationChannel) -> IdentityStream<'a> {
        suppressed_stream(&self.pool, channel)
    }

    async fn contact_state(&self, id: &str) -> Result<Option<ContactState>, StoreError> {
        read_contact(&mut *self.connection().await?, id).await
    }

    async fn is_applied(&self, delivery: &DeliveryId) -> Result<bool, StoreError> {
        is_applied_in(&mut *self.connection().await?, delivery).await
    }

    async fn dump(&self) -> Result<StateDump, StoreError> {
        // One read transaction, so the dump is a consistent snapshot.
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|error| db_error("starting a read", error))?;
        let dump = dump_in(&mut tx).await?;
        tx.commit()
            .await
            .map_err(|error| db_error("ending a read", error))?;
        Ok(dump)
    }
}
