//! The SQL both backends run, written once: the statements are the same text on SQLite and
//! PostgreSQL (`$n` parameters, `ON CONFLICT` upserts), only the connection type differs.

use sinch_contacts_callbacks::store::{StoreError, StoreErrorKind};

/// Maps a driver error to a [`StoreError`] for `context`.
pub(crate) fn db_error(context: &str, error: sqlx::Error) -> StoreError {
    let kind = match &error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_) => StoreErrorKind::Unavailable,
        sqlx::Error::Database(database) => match database.code().as_deref() {
            // SQLite busy/locked; PostgreSQL serialization failure, deadlock, lock timeout,
            // shutdown.
            Some("5" | "6" | "517" | "40001" | "40P01" | "55P03" | "57P01") => {
                StoreErrorKind::Unavailable
            }
            _ => StoreErrorKind::Database,
        },
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => StoreErrorKind::Corrupt,
        _ => StoreErrorKind::Database,
    };
    StoreError::new(kind, context, error)
}

/// Defines, in the calling module, the functions reading and writing the state over one
/// connection of `$db`.
macro_rules! sql_ops {
    ($db:ty) => {
        use sinch_contacts_callbacks::Callback;
        use sinch_contacts_callbacks::mirror::DuplicationRecord;
        use sinch_contacts_callbacks::optout::{ConsentRecord, IdentityKey};
        use sinch_contacts_callbacks::store::{
            Applied, ConsentRules, ContactState, DeliveryId, Effect, StateDump, StateKeys,
            StateSlice, StoreError, compute_effect,
        };
        use sinch_contacts_callbacks::ConversationChannel;

        use crate::rows;
        use crate::sql::db_error;

        type Conn = <$db as sqlx::Database>::Connection;

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
            row.map(|(consent, changed_at, source)| {
                rows::consent_record(&consent, changed_at, &source)
            })
            .transpose()
        }

        pub(crate) async fn read_contact(
            conn: &mut Conn,
            id: &str,
        ) -> Result<Option<ContactState>, StoreError> {
            type Row = (String, Option<String>, Option<String>, Option<String>, Option<String>);
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
            let found: Option<i64> = sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM deliveries WHERE id = $1")
                .bind(delivery.as_str())
                .fetch_optional(&mut *conn)
                .await
                .map_err(|error| db_error("reading the ledger", error))?;
            Ok(found.is_some())
        }

        async fn load_slice(conn: &mut Conn, keys: &StateKeys) -> Result<StateSlice, StoreError> {
            let mut slice = StateSlice::new();
            if let Some(key) = &keys.identity {
                slice.consent = read_consent(conn, key).await?;
            }
            for id in &keys.contact_ids {
                if let Some(state) = read_contact(conn, id).await? {
                    slice.contacts.push((id.clone(), state));
                }
            }
            for duplicate in &keys.duplications {
                let json = rows::duplication_key(duplicate)?;
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM duplications WHERE key_json = $1")
                        .bind(json)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(|error| db_error("reading duplications", error))?;
                if found.is_some() {
                    slice.recorded_duplications.push(duplicate.clone());
                }
            }
            Ok(slice)
        }

        async fn write_effect(conn: &mut Conn, effect: &Effect) -> Result<(), StoreError> {
            if let Some((key, record)) = &effect.consent {
                sqlx::query(
                    "INSERT INTO consents (channel, identity, consent, changed_at, source) \
                     VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (channel, identity) DO UPDATE SET consent = excluded.consent, \
                     changed_at = excluded.changed_at, source = excluded.source",
                )
                .bind(key.channel.as_str())
                .bind(key.identity.as_str())
                .bind(rows::consent_text(record.consent)?)
                .bind(rows::time_text(record.changed_at))
                .bind(rows::source_text(record.source)?)
                .execute(&mut *conn)
                .await
                .map_err(|error| db_error("writing a consent", error))?;
            }
            for (id, state) in &effect.contacts {
                let row = rows::contact_row(state)?;
                sqlx::query(
                    "INSERT INTO contacts (id, state, contact_json, as_of, removed_at, merged_into) \
                     VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (id) DO UPDATE SET state = excluded.state, \
                     contact_json = excluded.contact_json, as_of = excluded.as_of, \
                     removed_at = excluded.removed_at, merged_into = excluded.merged_into",
                )
                .bind(id.as_str())
                .bind(row.state)
                .bind(row.contact_json)
                .bind(row.as_of)
                .bind(row.removed_at)
                .bind(row.merged_into)
                .execute(&mut *conn)
                .await
                .map_err(|error| db_error("writing a contact", error))?;
            }
            for record in &effect.new_duplications {
                sqlx::query(
                    "INSERT INTO duplications (key_json, reported_at) VALUES ($1, $2) \
                     ON CONFLICT (key_json) DO NOTHING",
                )
                .bind(rows::duplication_key(&record.duplicate)?)
                .bind(rows::time_text(record.reported_at))
                .execute(&mut *conn)
                .await
                .map_err(|error| db_error("writing a duplication", error))?;
            }
            Ok(())
        }

        /// Applies one delivery inside the caller's transaction.
        pub(crate) async fn apply_in(
            conn: &mut Conn,
            rules: &ConsentRules,
            delivery: &DeliveryId,
            callback: &Callback,
        ) -> Result<Applied, StoreError> {
            if is_applied_in(conn, delivery).await? {
                return Ok(Applied::AlreadyApplied);
            }
            let keys = StateKeys::of(callback);
            let slice = load_slice(conn, &keys).await?;
            let effect = compute_effect(rules, &keys, &slice, callback);
            write_effect(conn, &effect).await?;
            sqlx::query("INSERT INTO deliveries (id, trigger_name, applied_at) VALUES ($1, $2, $3)")
                .bind(delivery.as_str())
                .bind(callback.trigger().as_str())
                .bind(rows::unix_now())
                .execute(&mut *conn)
                .await
                .map_err(|error| db_error("writing the ledger", error))?;
            Ok(Applied::Fresh {
                suppression: effect.suppression,
                mirror: effect.mirror,
            })
        }

        pub(crate) async fn dump_in(conn: &mut Conn) -> Result<StateDump, StoreError> {
            let mut dump = StateDump::default();
            let consents: Vec<(String, String, String, Option<String>, String)> = sqlx::query_as(
                "SELECT channel, identity, consent, changed_at, source FROM consents",
            )
            .fetch_all(&mut *conn)
            .await
            .map_err(|error| db_error("reading consents", error))?;
            for (channel, identity, consent, changed_at, source) in consents {
                dump.consents.insert(
                    IdentityKey::new(ConversationChannel::from(channel.as_str()), identity),
                    rows::consent_record(&consent, changed_at, &source)?,
                );
            }
            type ContactRowTuple =
                (String, String, Option<String>, Option<String>, Option<String>, Option<String>);
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
            pool: &'a sqlx::Pool<$db>,
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
    };
}

pub(crate) use sql_ops;
