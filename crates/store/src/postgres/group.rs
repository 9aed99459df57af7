//! The PostgreSQL writer: a connection of its own on a thread of its own, applying each group
//! set-based in four round trips, whatever its size:
//!
//! 1. `BEGIN` and the advisory lock of every row the group may touch, in ascending order, in
//!    one simple query;
//! 2. one read of every row the group needs (one unique-index probe per key);
//! 3. the effects, computed in order in memory ([`plan`]), written by one data-modifying CTE:
//!    multi-row upserts of consents and contacts, the new duplication reports and the ledger
//!    entries;
//! 4. `COMMIT`.
//!
//! The first attempt takes every delivery of the group as new and does not read the ledger:
//! redeliveries are rare, and the ledger's primary key refuses one (the insert fails, the
//! transaction is rolled back, nothing is kept). The group is then applied again reading the
//! ledger first, and the deliveries found there are [`Applied::AlreadyApplied`].

use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{Connection as _, Row as _};
use tokio::runtime::Runtime;

use sinch_contacts_callbacks::ConversationChannel;
use sinch_contacts_callbacks::optout::IdentityKey;
use sinch_contacts_callbacks::store::{Applied, ConsentRules, StoreError, StoreErrorKind};

use super::reads::db_error;
use crate::plan::{GroupKeys, Loaded, Unit, Writes, plan};
use crate::rows;
use crate::writer::GroupBackend;

use super::sql::{READ, WRITE, begin_and_lock};

/// One writer: its runtime (the connection's I/O is driven by it), its connection, opened on
/// first use and again after a failure that left it unusable.
pub(crate) struct PgWriter {
    runtime: Runtime,
    conn: Option<PgConnection>,
    options: PgConnectOptions,
    rules: ConsentRules,
}

impl PgWriter {
    pub(crate) fn new(options: PgConnectOptions, rules: ConsentRules) -> Result<Self, StoreError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| {
                StoreError::new(
                    StoreErrorKind::Unavailable,
                    "starting a writer's runtime",
                    error,
                )
            })?;
        Ok(Self {
            runtime,
            conn: None,
            options,
            rules,
        })
    }
}

impl GroupBackend for PgWriter {
    fn apply_group(&mut self, group: &[&Unit]) -> Result<Vec<Vec<Applied>>, StoreError> {
        let Self {
            runtime,
            conn,
            options,
            rules,
        } = self;
        runtime.block_on(async {
            if conn.is_none() {
                *conn = Some(
                    PgConnection::connect_with(options)
                        .await
                        .map_err(|error| db_error("connecting the writer", error))?,
                );
            }
            let Some(connection) = conn.as_mut() else {
                unreachable!("connected above");
            };
            let outcome = apply_in_transaction(connection, rules, group).await;
            if outcome.is_err()
                && sqlx::raw_sql("ROLLBACK")
                    .execute(&mut *connection)
                    .await
                    .is_err()
            {
                // Not known to be outside a transaction: closed, and opened again next time.
                *conn = None;
            }
            outcome
        })
    }
}

/// Whether the group's ledger entries are read before applying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ledger {
    /// Every delivery is taken as new; a redelivery makes the ledger insert fail.
    AssumeNew,
    /// The ledger is read with the rows.
    Read,
}

/// Why an attempt did not commit.
enum Failed {
    /// A delivery of the group is in the ledger (its insert met the primary key).
    Redelivered,
    /// Any other failure.
    Store(StoreError),
}

impl From<StoreError> for Failed {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

async fn apply_in_transaction(
    conn: &mut PgConnection,
    rules: &ConsentRules,
    group: &[&Unit],
) -> Result<Vec<Vec<Applied>>, StoreError> {
    let keys = GroupKeys::of(group)?;
    match attempt(conn, rules, group, &keys, Ledger::AssumeNew).await {
        Ok(results) => Ok(results),
        Err(Failed::Store(error)) => Err(error),
        Err(Failed::Redelivered) => {
            sqlx::raw_sql("ROLLBACK")
                .execute(&mut *conn)
                .await
                .map_err(|error| db_error("rolling back a redelivered group", error))?;
            match attempt(conn, rules, group, &keys, Ledger::Read).await {
                Ok(results) => Ok(results),
                Err(Failed::Store(error)) => Err(error),
                // Another receiver applied one of them since the read: the writer retries
                // each job alone.
                Err(Failed::Redelivered) => Err(StoreError::new(
                    StoreErrorKind::Unavailable,
                    "writing the ledger",
                    "a delivery of the group was applied by another receiver meanwhile",
                )),
            }
        }
    }
}

async fn attempt(
    conn: &mut PgConnection,
    rules: &ConsentRules,
    group: &[&Unit],
    keys: &GroupKeys,
    ledger: Ledger,
) -> Result<Vec<Vec<Applied>>, Failed> {
    sqlx::raw_sql(&begin_and_lock(&lock_keys(keys)))
        .execute(&mut *conn)
        .await
        .map_err(|error| db_error("starting a transaction and locking rows", error))?;
    let loaded = load(conn, keys, ledger).await?;
    let planned = plan(rules, group, keys, loaded);
    if !planned.writes.ledger.is_empty() {
        write(conn, &planned.writes).await?;
    }
    sqlx::raw_sql("COMMIT")
        .execute(&mut *conn)
        .await
        .map_err(|error| db_error("committing deliveries", error))?;
    Ok(planned.results)
}

/// The advisory lock keys of a group, ascending and without repeats: every row its callbacks
/// may touch.
///
/// Two transactions about the same contact or identity take turns on its lock, so neither
/// reads the row before the other's write is committed. The deliveries themselves need no
/// advisory lock: two receivers racing on one delivery both insert its ledger entry, the second
/// insert waits for the first transaction and then fails on the primary key, and that receiver
/// applies the delivery again reading the ledger, where it finds it. Ledger entries are inserted
/// in ascending id order, and only after every advisory lock is held, so no two transactions
/// wait on each other in a cycle.
pub(crate) fn lock_keys(keys: &GroupKeys) -> Vec<i64> {
    let mut locks: Vec<i64> = keys
        .identities
        .iter()
        .map(|key| {
            lock_key(&format!(
                "consent\u{0}{}\u{0}{}",
                key.channel.as_str(),
                key.identity
            ))
        })
        .chain(
            keys.contact_ids
                .iter()
                .map(|id| lock_key(&format!("contact\u{0}{id}"))),
        )
        .chain(
            keys.reports_duplications()
                .then(|| lock_key("duplications")),
        )
        .collect();
    locks.sort_unstable();
    locks.dedup();
    locks
}

/// Whether `error` is the ledger's primary key refusing an entry that is there already.
fn is_ledger_conflict(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(database) => {
            database.code().as_deref() == Some("23505")
                && database.constraint() == Some("deliveries_pkey")
        }
        _ => false,
    }
}

/// The first 8 bytes of SHA-256 of `name` (a collision only serializes two unrelated rows).
fn lock_key(name: &str) -> i64 {
    let digest = Sha256::digest(name.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// Reads every row of `keys`, and with [`Ledger::Read`] the group's ledger entries, in one
/// statement (after the locks: the read takes its snapshot then).
///
/// Each key is one probe of its table's unique index (a lateral subquery with `LIMIT 1`, which
/// the planner cannot turn into a join): with the generic plan of a prepared statement, or
/// statistics taken while a table was small, `(channel, identity) IN (unnest ...)` became a
/// scan of the whole table and `channel = ANY .. AND identity = ANY ..` a scan of the whole
/// channel, each growing with the table.
async fn load(
    conn: &mut PgConnection,
    keys: &GroupKeys,
    ledger: Ledger,
) -> Result<Loaded, StoreError> {
    let deliveries: Vec<&str> = match ledger {
        Ledger::Read => keys.deliveries.iter().map(String::as_str).collect(),
        Ledger::AssumeNew => Vec::new(),
    };
    let channels: Vec<&str> = keys
        .identities
        .iter()
        .map(|key| key.channel.as_str())
        .collect();
    let identities: Vec<&str> = keys
        .identities
        .iter()
        .map(|key| key.identity.as_str())
        .collect();
    let contact_ids: Vec<&str> = keys.contact_ids.iter().map(String::as_str).collect();
    let duplications: Vec<&str> = keys.duplications.iter().map(String::as_str).collect();
    let rows = sqlx::query(READ)
        .bind(deliveries)
        .bind(channels)
        .bind(identities)
        .bind(contact_ids)
        .bind(duplications)
        .fetch_all(&mut *conn)
        .await
        .map_err(|error| db_error("reading the state", error))?;
    let mut loaded = Loaded::default();
    let decode = |error| db_error("reading the state", error);
    for row in rows {
        let kind: i32 = row.try_get(0).map_err(decode)?;
        let a: String = row.try_get(1).map_err(decode)?;
        let b: Option<String> = row.try_get(2).map_err(decode)?;
        let c: Option<String> = row.try_get(3).map_err(decode)?;
        let d: Option<String> = row.try_get(4).map_err(decode)?;
        let e: Option<String> = row.try_get(5).map_err(decode)?;
        let f: Option<String> = row.try_get(6).map_err(decode)?;
        match kind {
            0 => {
                loaded.applied.insert(a);
            }
            1 => {
                let (Some(identity), Some(consent), Some(source)) = (b, c, e) else {
                    return Err(rows::corrupt("reading a consent", "a column is NULL"));
                };
                loaded.consents.insert(
                    IdentityKey::new(ConversationChannel::from(a.as_str()), identity),
                    rows::consent_record(&consent, d, &source)?,
                );
            }
            2 => {
                let Some(state) = b else {
                    return Err(rows::corrupt(
                        format!("reading contact {a}"),
                        "state is NULL",
                    ));
                };
                let state = rows::contact_state(&a, &state, c, d, e, f)?;
                loaded.contacts.insert(a, state);
            }
            _ => {
                loaded.duplications.insert(a);
            }
        }
    }
    Ok(loaded)
}

/// Writes every row of `writes` and the ledger entries in one statement; a ledger entry that
/// is there already is [`Failed::Redelivered`].
async fn write(conn: &mut PgConnection, writes: &Writes) -> Result<(), Failed> {
    let mut consent_channels = Vec::with_capacity(writes.consents.len());
    let mut consent_identities = Vec::with_capacity(writes.consents.len());
    let mut consent_values = Vec::with_capacity(writes.consents.len());
    let mut consent_times = Vec::with_capacity(writes.consents.len());
    let mut consent_sources = Vec::with_capacity(writes.consents.len());
    for (key, record) in &writes.consents {
        consent_channels.push(key.channel.as_str());
        consent_identities.push(key.identity.as_str());
        consent_values.push(rows::consent_text(record.consent)?);
        consent_times.push(rows::time_text(record.changed_at));
        consent_sources.push(rows::source_text(record.source)?);
    }
    let mut contact_ids = Vec::with_capacity(writes.contacts.len());
    let mut contact_states = Vec::with_capacity(writes.contacts.len());
    let mut contact_json = Vec::with_capacity(writes.contacts.len());
    let mut contact_as_of = Vec::with_capacity(writes.contacts.len());
    let mut contact_removed_at = Vec::with_capacity(writes.contacts.len());
    let mut contact_merged_into = Vec::with_capacity(writes.contacts.len());
    for (id, state) in &writes.contacts {
        let row = rows::contact_row(state)?;
        contact_ids.push(id.as_str());
        contact_states.push(row.state);
        contact_json.push(row.contact_json);
        contact_as_of.push(row.as_of);
        contact_removed_at.push(row.removed_at);
        contact_merged_into.push(row.merged_into);
    }
    let duplication_keys: Vec<&str> = writes
        .duplications
        .iter()
        .map(|(json, _)| json.as_str())
        .collect();
    let ledger_ids: Vec<&str> = writes.ledger.iter().map(|(id, _)| id.as_str()).collect();
    let ledger_triggers: Vec<&str> = writes
        .ledger
        .iter()
        .map(|(_, trigger)| trigger.as_str())
        .collect();
    let duplication_times: Vec<Option<String>> = writes
        .duplications
        .iter()
        .map(|(_, record)| rows::time_text(record.reported_at))
        .collect();
    sqlx::query(WRITE)
        .bind(consent_channels)
        .bind(consent_identities)
        .bind(consent_values)
        .bind(consent_times)
        .bind(consent_sources)
        .bind(contact_ids)
        .bind(contact_states)
        .bind(contact_json)
        .bind(contact_as_of)
        .bind(contact_removed_at)
        .bind(contact_merged_into)
        .bind(duplication_keys)
        .bind(duplication_times)
        .bind(ledger_ids)
        .bind(ledger_triggers)
        .bind(rows::unix_now())
        .execute(&mut *conn)
        .await
        .map_err(|error| {
            if is_ledger_conflict(&error) {
                Failed::Redelivered
            } else {
                Failed::Store(db_error("writing deliveries", error))
            }
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(
        body: &str,
    ) -> (
        sinch_contacts_callbacks::store::DeliveryId,
        sinch_contacts_callbacks::Callback,
    ) {
        (
            sinch_contacts_callbacks::store::DeliveryId::of_body(body.as_bytes()),
            sinch_contacts_callbacks::parse_unverified(body.as_bytes()).unwrap(),
        )
    }

    /// The first 8 bytes of a hex SHA-256 (computed with `sha256sum`) as a lock key.
    fn key(hex: u64) -> i64 {
        i64::from_be_bytes(hex.to_be_bytes())
    }

    #[test]
    fn a_group_locks_each_row_it_may_touch_once_in_ascending_order() {
        let unit = [
            delivery(
                r#"{"app_id":"a","project_id":"p","message":{"channel_identity":{"channel":"SMS","identity":"461"},"contact_message":{"text_message":{"text":"STOP"}}}}"#,
            ),
            delivery(
                r#"{"app_id":"a","project_id":"p","contact_merge_notification":{"deleted_contact_id":"c2","preserved_contact":{"id":"c1"}}}"#,
            ),
            delivery(
                r#"{"app_id":"a","project_id":"p","contact_update_notification":{"contact":{"id":"c1"}}}"#,
            ),
            delivery(
                r#"{"app_id":"a","project_id":"p","duplicated_contact_identities_notification":{"duplicated_identities":[{"channel":"SMS","identity":"9","contact_ids":["c1","c2"]}]}}"#,
            ),
            delivery(
                r#"{"app_id":"a","project_id":"p","capability_notification":{"contact_id":"c1","identity":"1","channel":"WHATSAPP","capability_status":"CAPABILITY_FULL"}}"#,
            ),
        ];
        let group: [&Unit; 1] = [&unit];
        let keys = GroupKeys::of(&group).unwrap();
        // Python's `hashlib.sha256(b'consent\x00SMS\x00461')`, and so on for each name.
        let mut expected = vec![
            key(0xe8f0_fb0c_0751_a85f), // consent SMS 461
            key(0x1ae4_e86b_dad7_70f9), // contact c1 (named twice, locked once)
            key(0xba99_7283_a57e_6296), // contact c2
            key(0x374c_74b4_ac4c_b597), // duplications
        ];
        expected.sort_unstable();
        assert_eq!(lock_keys(&keys), expected);
    }

    #[test]
    fn a_lock_key_is_the_first_eight_bytes_of_the_names_sha256() {
        // Python's `hashlib.sha256(b'duplications')` and `hashlib.sha256(b'delivery\x00abc')`.
        assert_eq!(lock_key("duplications"), 0x374c_74b4_ac4c_b597);
        assert_eq!(
            lock_key("delivery\u{0}abc"),
            i64::from_be_bytes(0xf3b5_0d1a_60dc_3b44_u64.to_be_bytes())
        );
    }
}
