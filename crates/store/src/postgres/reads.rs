//! Reads outside the writer: one row, the ledger, the whole state, and the stream of
//! suppressed identities, over the read pool.

use sinch_contacts_callbacks::ConversationChannel;
use sinch_contacts_callbacks::mirror::DuplicationRecord;
use sinch_contacts_callbacks::optout::{ConsentRecord, IdentityKey};
use sinch_contacts_callbacks::store::{
    ContactState, DeliveryId, StateDump, StoreError, StoreErrorKind,
};

use crate::rows;

/// Maps a driver error to a [`StoreError`] for `context`.
pub(crate) fn db_error(context: &str, error: sqlx::Error) -> StoreError {
    let kind = match &error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_) => StoreErrorKind::Unavailable,
        sqlx::Error::Database(database) => match database.code().as_deref() {
            // Serialization failure, deadlock, lock timeout, shutdown, too many connections.
            Some("40001" | "40P01" | "55P03" | "57P01" | "57P02" | "57P03" | "53300") => {
                StoreErrorKind::Unavailable
            }
            _ => StoreErrorKind::Database,
        },
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => StoreErrorKind::Corrupt,
        _ => StoreErrorKind::Database,
    };
    StoreError::new(kind, context, error)
}

type Conn = sqlx::PgConnection;

pub(crate) async fn read_consent(
    conn: &mut Conn,
    key: &IdentityKey,
) -> Result<Option<ConsentRecord>, StoreError> {
    let row: Option<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT consent, changed_at, source FROM consents \
         WHERE channel = $1 AND identity = $2",
    )
    .bind(key.channel.as_str())
    .bind(key.identity.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(|error| db_error("reading a consent", error))?;
    row.map(|(consent, changed_at, source)| rows::consent_record(&consent, changed_at, &source))
        .transpose()
}

pub(crate) async fn read_contact(
    conn: &mut Conn,
    id: &str,
) -> Result<Option<ContactState>, StoreError> {
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT state, contact_json, as_of, removed_at, merged_into FROM contacts \
         WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(|error| db_error("reading a contact", error))?;
    row.map(|(state, json, as_of, removed_at, merged_into)| {
        rows::contact_state(id, &state, json, as_of, removed_at, merged_into)
    })
    .transpose()
}

pub(crate) async fn is_applied_in(
    conn: &mut Conn,
    delivery: &DeliveryId,
) -> Result<bool, StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM deliveries WHERE id = $1")
            .bind(delivery.as_str())
            .fetch_optional(&mut *conn)
            .await
            .map_err(|error| db_error("reading the ledger", error))?;
    Ok(found.is_some())
}

pub(crate) async fn dump_in(conn: &mut Conn) -> Result<StateDump, StoreError> {
    let mut dump = StateDump::default();
    let consents: Vec<(String, String, String, Option<String>, String)> =
        sqlx::query_as("SELECT channel, identity, consent, changed_at, source FROM consents")
            .fetch_all(&mut *conn)
            .await
            .map_err(|error| db_error("reading consents", error))?;
    for (channel, identity, consent, changed_at, source) in consents {
        dump.consents.insert(
            IdentityKey::new(ConversationChannel::from(channel.as_str()), identity),
            rows::consent_record(&consent, changed_at, &source)?,
        );
    }
    type ContactRowTuple = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let contacts: Vec<ContactRowTuple> = sqlx::query_as(
        "SELECT id, state, contact_json, as_of, removed_at, merged_into FROM contacts",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(|error| db_error("reading contacts", error))?;
    for (id, state, json, as_of, removed_at, merged_into) in contacts {
        let state = rows::contact_state(&id, &state, json, as_of, removed_at, merged_into)?;
        dump.contacts.insert(id, state);
    }
    let duplications: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT key_json, reported_at FROM duplications ORDER BY seq")
            .fetch_all(&mut *conn)
            .await
            .map_err(|error| db_error("reading duplications", error))?;
    for (json, reported_at) in duplications {
        dump.duplications.push(DuplicationRecord::new(
            rows::duplication_of(&json)?,
            rows::time_of(reported_at, "reported_at")?,
        ));
    }
    let deliveries: Vec<String> = sqlx::query_scalar("SELECT id FROM deliveries")
        .fetch_all(&mut *conn)
        .await
        .map_err(|error| db_error("reading the ledger", error))?;
    dump.deliveries = deliveries.into_iter().map(DeliveryId::from_key).collect();
    Ok(dump)
}

/// The opted-out identities of a channel, streamed from the pool.
pub(crate) fn suppressed_stream<'a>(
    pool: &'a sqlx::PgPool,
    channel: &ConversationChannel,
) -> sinch_contacts_callbacks::store::IdentityStream<'a> {
    use futures_util::StreamExt as _;
    let stream = sqlx::query_scalar::<_, String>(
        "SELECT identity FROM consents WHERE channel = $1 AND consent = 'opted_out' \
         ORDER BY identity",
    )
    .bind(channel.as_str().to_owned())
    .fetch(pool)
    .map(|item| item.map_err(|error| db_error("streaming suppressed identities", error)));
    Box::pin(stream)
}

/// The live contacts of the mirror, by id, streamed from the pool.
pub(crate) fn live_contacts_stream(pool: &sqlx::PgPool) -> crate::ContactStream<'_> {
    use futures_util::StreamExt as _;
    let stream = sqlx::query_as::<_, (String, Option<String>)>(
        "SELECT id, contact_json FROM contacts WHERE state = 'live' ORDER BY id",
    )
    .fetch(pool)
    .map(|row| {
        let (id, json) = row.map_err(|error| db_error("streaming the mirror's contacts", error))?;
        match json {
            Some(json) => rows::live_contact(&id, &json),
            None => Err(rows::corrupt(
                format!("reading contact {id}"),
                "live without contact_json",
            )),
        }
    });
    Box::pin(stream)
}
