//! [`SqliteStore`]: the embedded backend, one SQLite file in WAL mode, written by one writer
//! thread with group commit.

mod connection;
mod group;
mod reads;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sinch_contacts_callbacks::optout::{ConsentRecord, IdentityKey};
use sinch_contacts_callbacks::store::{
    Applied, CallbackStore, ContactState, DeliveryId, IdentityStream, StateDump, StoreError,
    StoreErrorKind,
};
use sinch_contacts_callbacks::{Callback, ConversationChannel};

use crate::ContactStream;
use crate::options::{DEFAULT_BUSY_TIMEOUT, StoreOptions};
use crate::stats::WriterStats;
use crate::writer::Writer;
use connection::{Role, migrate, open};
use group::SqliteWriter;
use reads::Readers;

/// A [`CallbackStore`] in one SQLite file: WAL journal, `synchronous = FULL` (a committed
/// delivery survives a crash of the process and of the machine), no server.
///
/// Every write goes through one bounded queue to one writer thread, which commits what is
/// queued as one transaction (group commit) and answers each caller after the commit; reads
/// run on read-only connections beside it. Several processes may open the same file; their
/// writers take turns through SQLite's lock (`BEGIN IMMEDIATE`, waiting up to
/// [`DEFAULT_BUSY_TIMEOUT`]). Clones share the writer and the readers.
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
/// store.close().await;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    writer: Writer,
    readers: Arc<Readers>,
}

impl SqliteStore {
    /// Opens (creating it if missing) the store at `path` and applies pending migrations.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, StoreOptions::default()).await
    }

    /// Opens the store at a `sqlite:` URL (`sqlite://callbacks.db`, `sqlite:callbacks.db`; a
    /// query part such as `?mode=rwc` is ignored).
    pub async fn open_url(url: &str) -> Result<Self, StoreError> {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                StoreError::new(
                    StoreErrorKind::Database,
                    "reading the SQLite URL",
                    "it does not start with sqlite:",
                )
            })?;
        let path = path.split_once('?').map_or(path, |(path, _)| path);
        Self::open(path).await
    }

    /// Opens (creating it if missing) the store at `path` with these options.
    pub async fn open_with(
        path: impl AsRef<Path>,
        options: StoreOptions,
    ) -> Result<Self, StoreError> {
        let path = path.as_ref().to_owned();
        let text = path.to_string_lossy();
        if text == ":memory:" || text.starts_with("file::memory:") || text.contains("mode=memory") {
            return Err(StoreError::new(
                StoreErrorKind::Database,
                "opening the SQLite database",
                "an in-memory SQLite database is not shared between the writer and the \
                 readers; use MemoryStore, or a file",
            ));
        }
        let opened = path.clone();
        let conn = tokio::task::spawn_blocking(move || {
            let mut conn = open(&opened, Role::Writer, true, DEFAULT_BUSY_TIMEOUT)?;
            migrate(&mut conn)?;
            Ok::<_, StoreError>(conn)
        })
        .await
        .map_err(|error| {
            StoreError::new(
                StoreErrorKind::Unavailable,
                "opening the SQLite database",
                error,
            )
        })??;
        let backend = SqliteWriter::new(
            conn,
            path.clone(),
            DEFAULT_BUSY_TIMEOUT,
            options.rules_value().clone(),
        );
        // One writer: SQLite lets one connection write at a time.
        let writer = Writer::start("sinch-sqlite-writer", vec![backend], &options)?;
        let readers = Arc::new(Readers::new(
            path.clone(),
            DEFAULT_BUSY_TIMEOUT,
            options.read_connections_value(),
        ));
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                writer,
                readers,
            }),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The schema version of the file.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        self.inner.readers.run(connection::schema_version).await
    }

    /// What the writer did so far, and how full its queue is.
    pub fn stats(&self) -> WriterStats {
        self.inner.writer.stats()
    }

    /// Whether the file can be read now (for a readiness check).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.schema_version().await.map(drop)
    }

    /// Stops taking deliveries, commits every delivery already queued, and closes the
    /// connections. `apply` fails with [`StoreErrorKind::Unavailable`] afterwards.
    pub async fn close(&self) {
        self.inner.writer.close().await;
        self.inner.readers.close();
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.inner.writer.is_closed()
    }

    /// The mirror's live contacts (neither deleted nor merged away), ordered by id, as their
    /// last callback left them, streamed from one read (a snapshot: deliveries committed while
    /// it runs are not seen) and read ahead a few hundred at a time, never all in memory. A row
    /// that does not decode ends the stream with a [`StoreErrorKind::Corrupt`] error.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), sinch_contacts_callbacks::store::StoreError> {
    /// use futures_util::TryStreamExt as _;
    /// use sinch_contacts_store::SqliteStore;
    ///
    /// let store = SqliteStore::open("callbacks.db").await?;
    /// let contacts: Vec<_> = store.live_contacts().try_collect().await?;
    /// println!("{} contacts mirrored", contacts.len());
    /// # Ok(()) }
    /// ```
    pub fn live_contacts(&self) -> ContactStream<'static> {
        self.inner.readers.live_contacts()
    }
}

impl CallbackStore for SqliteStore {
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
        let key = key.clone();
        self.inner
            .readers
            .run(move |conn| reads::consent(conn, &key))
            .await
    }

    fn suppressed_identities<'a>(&'a self, channel: &ConversationChannel) -> IdentityStream<'a> {
        self.inner.readers.suppressed(channel)
    }

    async fn contact_state(&self, id: &str) -> Result<Option<ContactState>, StoreError> {
        let id = id.to_owned();
        self.inner
            .readers
            .run(move |conn| reads::contact(conn, &id))
            .await
    }

    async fn is_applied(&self, delivery: &DeliveryId) -> Result<bool, StoreError> {
        let delivery = delivery.clone();
        self.inner
            .readers
            .run(move |conn| reads::is_applied(conn, &delivery))
            .await
    }

    async fn dump(&self) -> Result<StateDump, StoreError> {
        self.inner.readers.run(reads::dump).await
    }
}
