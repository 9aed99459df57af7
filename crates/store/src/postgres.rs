//! [`PostgresStore`]: the shared backend, for several receivers on one PostgreSQL database.

use std::str::FromStr;
use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::sql::sql_ops;

sql_ops!(sqlx::Postgres);

use sinch_contacts_callbacks::store::{CallbackStore, IdentityStream};

/// The schema, one entry per version, applied in order on open.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("migrations/postgres_v1.sql"))];

/// The advisory lock held while migrating, so receivers starting together migrate once.
const MIGRATION_LOCK: i64 = 0x5349_4e43_4853_0001;

/// A [`CallbackStore`] on PostgreSQL, shared by any number of receivers.
///
/// Each delivery is one transaction. Before reading, it takes transaction-scoped advisory
/// locks on the rows the callback may touch (the delivery id, the channel identity, the
/// contact ids, the duplication list), in ascending order so that two transactions never
/// wait on each other in a cycle; so receivers racing on one delivery apply it once, and two
/// deliveries about the same contact apply one after the other, never losing an update.
///
/// ```no_run
/// # async fn run() -> Result<(), sinch_contacts_callbacks::store::StoreError> {
/// use sinch_contacts_store::PostgresStore;
///
/// let store = PostgresStore::connect("postgres://receiver@127.0.0.1:5432/callbacks").await?;
/// # let _ = store; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    rules: ConsentRules,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user[:password]@host:port/database`) and applies pending
    /// migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|error| db_error("reading the PostgreSQL URL", error))?;
        Self::connect_with(options, 8).await
    }

    /// Connects with these options and at most `max_connections` connections (e.g. with
    /// `.options([("search_path", "my_schema")])` to keep the tables in a schema of their own).
    pub async fn connect_with(
        options: PgConnectOptions,
        max_connections: u32,
    ) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|error| db_error("connecting to PostgreSQL", error))?;
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
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The schema version of the database.
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

    /// Starts a transaction holding the advisory locks of these deliveries' rows.
    async fn begin_locked(
        &self,
        deliveries: &[(&DeliveryId, &Callback)],
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
        let mut locks: Vec<i64> = deliveries
            .iter()
            .flat_map(|(delivery, callback)| lock_keys(delivery, callback))
            .collect();
        locks.sort_unstable();
        locks.dedup();
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(|error| db_error("starting a transaction", error))?;
        for lock in locks {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(lock)
                .execute(&mut *tx)
                .await
                .map_err(|error| db_error("locking rows", error))?;
        }
        Ok(tx)
    }

    async fn connection(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, StoreError> {
        self.pool
            .acquire()
            .await
            .map_err(|error| db_error("getting a connection", error))
    }
}

/// The advisory lock keys of one delivery: its id and every row its callback may touch.
fn lock_keys(delivery: &DeliveryId, callback: &Callback) -> Vec<i64> {
    let keys = StateKeys::of(callback);
    let mut names = vec![format!("delivery\u{0}{delivery}")];
    if let Some(key) = &keys.identity {
        names.push(format!(
            "consent\u{0}{}\u{0}{}",
            key.channel.as_str(),
            key.identity
        ));
    }
    names.extend(
        keys.contact_ids
            .iter()
            .map(|id| format!("contact\u{0}{id}")),
    );
    if !keys.duplications.is_empty() {
        names.push("duplications".to_owned());
    }
    names.iter().map(|name| lock_key(name)).collect()
}

fn lock_key(name: &str) -> i64 {
    let digest = Sha256::digest(name.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
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
        let mut tx = self.begin_locked(&[(delivery, callback)]).await?;
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
        let pairs: Vec<(&DeliveryId, &Callback)> = deliveries
            .iter()
            .map(|(delivery, callback)| (delivery, callback))
            .collect();
        let mut tx = self.begin_locked(&pairs).await?;
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
        // REPEATABLE READ: every table read from the same snapshot.
        let mut tx = self
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
