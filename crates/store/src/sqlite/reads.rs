//! Reads: read-only connections kept for reuse, each read run on Tokio's blocking threads
//! (WAL lets them read while the writer writes).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use sinch_contacts_callbacks::mirror::DuplicationRecord;
use sinch_contacts_callbacks::optout::{ConsentRecord, IdentityKey};
use sinch_contacts_callbacks::store::{
    ContactState, DeliveryId, IdentityStream, StateDump, StoreError, StoreErrorKind,
};
use sinch_contacts_callbacks::{Contact, ConversationChannel};

use super::connection::{Role, open, sqlite_error};
use crate::ContactStream;
use crate::rows;

/// How many identities a suppressed-identities stream reads ahead.
const STREAM_AHEAD: usize = 256;

/// The read connections of one store.
#[derive(Debug)]
pub(crate) struct Readers {
    path: PathBuf,
    busy_timeout: Duration,
    keep_idle: usize,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    pub(crate) fn new(path: PathBuf, busy_timeout: Duration, keep_idle: u32) -> Self {
        Self {
            path,
            busy_timeout,
            keep_idle: usize::try_from(keep_idle).unwrap_or(usize::MAX),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `work` on a read connection, on a blocking thread. The read runs to its end even
    /// if the caller stops waiting, and the connection is kept only outside any transaction.
    pub(crate) async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let readers = self.clone();
        tokio::task::spawn_blocking(move || {
            let conn = readers.take()?;
            let result = work(&conn);
            readers.put_back(conn);
            result
        })
        .await
        .map_err(|error| StoreError::new(StoreErrorKind::Unavailable, "reading the state", error))?
    }

    fn take(&self) -> Result<Connection, StoreError> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(conn) => Ok(conn),
            None => open(&self.path, Role::Reader, false, self.busy_timeout),
        }
    }

    fn put_back(&self, conn: Connection) {
        if !conn.is_autocommit() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.keep_idle {
            idle.push(conn);
        }
    }

    /// Closes the idle connections.
    pub(crate) fn close(&self) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The opted-out identities of `channel`, read ahead on a blocking thread from one read
    /// transaction (one WAL snapshot).
    pub(crate) fn suppressed(
        self: &Arc<Self>,
        channel: &ConversationChannel,
    ) -> IdentityStream<'static> {
        let (sender, receiver) = tokio::sync::mpsc::channel(STREAM_AHEAD);
        let readers = self.clone();
        let channel = channel.as_str().to_owned();
        tokio::task::spawn_blocking(move || {
            let conn = match readers.take() {
                Ok(conn) => conn,
                Err(error) => {
                    let _ = sender.blocking_send(Err(error));
                    return;
                }
            };
            let streamed = stream_suppressed(&conn, &channel, &sender);
            if let Err(error) = streamed {
                let _ = sender.blocking_send(Err(error));
            }
            readers.put_back(conn);
        });
        Box::pin(futures_util::stream::unfold(
            receiver,
            |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
        ))
    }
}

impl Readers {
    /// The live contacts of the mirror, by id, read ahead on a blocking thread from one
    /// statement (one WAL snapshot).
    pub(crate) fn live_contacts(self: &Arc<Self>) -> ContactStream<'static> {
        let (sender, receiver) = tokio::sync::mpsc::channel(STREAM_AHEAD);
        let readers = self.clone();
        tokio::task::spawn_blocking(move || {
            let conn = match readers.take() {
                Ok(conn) => conn,
                Err(error) => {
                    let _ = sender.blocking_send(Err(error));
                    return;
                }
            };
            if let Err(error) = stream_live_contacts(&conn, &sender) {
                let _ = sender.blocking_send(Err(error));
            }
            readers.put_back(conn);
        });
        Box::pin(futures_util::stream::unfold(
            receiver,
            |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
        ))
    }
}

/// Sends every live contact; stops early when the stream was dropped.
fn stream_live_contacts(
    conn: &Connection,
    sender: &tokio::sync::mpsc::Sender<Result<Contact, StoreError>>,
) -> Result<(), StoreError> {
    let read = |error| sqlite_error("streaming the mirror's contacts", error);
    let mut statement = conn
        .prepare_cached("SELECT id, contact_json FROM contacts WHERE state = 'live' ORDER BY id")
        .map_err(read)?;
    let mut contacts = statement.query([]).map_err(read)?;
    while let Some(row) = contacts.next().map_err(read)? {
        let id: String = row.get(0).map_err(read)?;
        let json: Option<String> = row.get(1).map_err(read)?;
        let contact = json.as_deref().map_or_else(
            || {
                Err(rows::corrupt(
                    format!("reading contact {id}"),
                    "live without contact_json",
                ))
            },
            |json| rows::live_contact(&id, json),
        );
        let failed = contact.is_err();
        if sender.blocking_send(contact).is_err() || failed {
            break;
        }
    }
    Ok(())
}

type Sender = tokio::sync::mpsc::Sender<Result<String, StoreError>>;

/// Sends every opted-out identity of `channel`; stops early when the stream was dropped.
fn stream_suppressed(conn: &Connection, channel: &str, sender: &Sender) -> Result<(), StoreError> {
    let read = |error| sqlite_error("streaming suppressed identities", error);
    let mut statement = conn
        .prepare_cached(
            "SELECT identity FROM consents WHERE channel = ?1 AND consent = 'opted_out' \
             ORDER BY identity",
        )
        .map_err(read)?;
    let mut identities = statement.query([channel]).map_err(read)?;
    while let Some(row) = identities.next().map_err(read)? {
        let identity: String = row.get(0).map_err(read)?;
        if sender.blocking_send(Ok(identity)).is_err() {
            break;
        }
    }
    Ok(())
}

/// The consent record of `key`.
pub(crate) fn consent(
    conn: &Connection,
    key: &IdentityKey,
) -> Result<Option<ConsentRecord>, StoreError> {
    let read = |error| sqlite_error("reading a consent", error);
    let row: Option<(String, Option<String>, String)> = conn
        .prepare_cached(
            "SELECT consent, changed_at, source FROM consents WHERE channel = ?1 AND identity = ?2",
        )
        .map_err(read)?
        .query_row(params![key.channel.as_str(), key.identity], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()
        .map_err(read)?;
    row.map(|(consent, changed_at, source)| rows::consent_record(&consent, changed_at, &source))
        .transpose()
}

/// The state of contact `id`.
pub(crate) fn contact(conn: &Connection, id: &str) -> Result<Option<ContactState>, StoreError> {
    let read = |error| sqlite_error("reading a contact", error);
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT state, contact_json, as_of, removed_at, merged_into FROM contacts WHERE id = ?1",
        )
        .map_err(read)?
        .query_row([id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
        })
        .optional()
        .map_err(read)?;
    row.map(|(state, json, as_of, removed_at, merged_into)| {
        rows::contact_state(id, &state, json, as_of, removed_at, merged_into)
    })
    .transpose()
}

/// Whether the ledger holds `delivery`.
pub(crate) fn is_applied(conn: &Connection, delivery: &DeliveryId) -> Result<bool, StoreError> {
    conn.prepare_cached("SELECT 1 FROM deliveries WHERE id = ?1")
        .and_then(|mut statement| statement.exists([delivery.as_str()]))
        .map_err(|error| sqlite_error("reading the ledger", error))
}

/// The whole state, from one read transaction.
pub(crate) fn dump(conn: &Connection) -> Result<StateDump, StoreError> {
    conn.execute_batch("BEGIN")
        .map_err(|error| sqlite_error("starting a read", error))?;
    let dump = dump_in(conn);
    let ended = conn
        .execute_batch("COMMIT")
        .map_err(|error| sqlite_error("ending a read", error));
    let dump = dump?;
    ended?;
    Ok(dump)
}

fn dump_in(conn: &Connection) -> Result<StateDump, StoreError> {
    let mut dump = StateDump::default();
    let read = |what: &'static str| move |error| sqlite_error(what, error);

    let mut consents = conn
        .prepare("SELECT channel, identity, consent, changed_at, source FROM consents")
        .map_err(read("reading consents"))?;
    let mut rows_of = consents.query([]).map_err(read("reading consents"))?;
    while let Some(row) = rows_of.next().map_err(read("reading consents"))? {
        let channel: String = row.get(0).map_err(read("reading consents"))?;
        let identity: String = row.get(1).map_err(read("reading consents"))?;
        let consent: String = row.get(2).map_err(read("reading consents"))?;
        let changed_at: Option<String> = row.get(3).map_err(read("reading consents"))?;
        let source: String = row.get(4).map_err(read("reading consents"))?;
        dump.consents.insert(
            IdentityKey::new(ConversationChannel::from(channel.as_str()), identity),
            rows::consent_record(&consent, changed_at, &source)?,
        );
    }

    let mut contacts = conn
        .prepare("SELECT id, state, contact_json, as_of, removed_at, merged_into FROM contacts")
        .map_err(read("reading contacts"))?;
    let mut rows_of = contacts.query([]).map_err(read("reading contacts"))?;
    while let Some(row) = rows_of.next().map_err(read("reading contacts"))? {
        let id: String = row.get(0).map_err(read("reading contacts"))?;
        let state: String = row.get(1).map_err(read("reading contacts"))?;
        let state = rows::contact_state(
            &id,
            &state,
            row.get(2).map_err(read("reading contacts"))?,
            row.get(3).map_err(read("reading contacts"))?,
            row.get(4).map_err(read("reading contacts"))?,
            row.get(5).map_err(read("reading contacts"))?,
        )?;
        dump.contacts.insert(id, state);
    }

    let mut duplications = conn
        .prepare("SELECT key_json, reported_at FROM duplications ORDER BY seq")
        .map_err(read("reading duplications"))?;
    let mut rows_of = duplications
        .query([])
        .map_err(read("reading duplications"))?;
    while let Some(row) = rows_of.next().map_err(read("reading duplications"))? {
        let json: String = row.get(0).map_err(read("reading duplications"))?;
        let reported_at: Option<String> = row.get(1).map_err(read("reading duplications"))?;
        dump.duplications.push(DuplicationRecord::new(
            rows::duplication_of(&json)?,
            rows::time_of(reported_at, "reported_at")?,
        ));
    }

    let mut deliveries = conn
        .prepare("SELECT id FROM deliveries")
        .map_err(read("reading the ledger"))?;
    let mut rows_of = deliveries.query([]).map_err(read("reading the ledger"))?;
    while let Some(row) = rows_of.next().map_err(read("reading the ledger"))? {
        let id: String = row.get(0).map_err(read("reading the ledger"))?;
        dump.deliveries.insert(DeliveryId::from_key(id));
    }
    Ok(dump)
}
