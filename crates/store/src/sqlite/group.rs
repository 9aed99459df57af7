//! The SQLite writer: one connection on a thread of its own, applying each group in one
//! `BEGIN IMMEDIATE` transaction with point reads and per-row upserts (cached statements).

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use sinch_contacts_callbacks::store::{Applied, ConsentRules, StoreError};

use super::connection::{Role, open, sqlite_error};
use crate::plan::{GroupKeys, Loaded, Unit, Writes, plan};
use crate::rows;
use crate::writer::GroupBackend;

/// The writer's connection and what it needs to reopen it.
pub(crate) struct SqliteWriter {
    conn: Option<Connection>,
    path: PathBuf,
    busy_timeout: Duration,
    rules: ConsentRules,
}

impl SqliteWriter {
    pub(crate) fn new(
        conn: Connection,
        path: PathBuf,
        busy_timeout: Duration,
        rules: ConsentRules,
    ) -> Self {
        Self {
            conn: Some(conn),
            path,
            busy_timeout,
            rules,
        }
    }

    fn connection(&mut self) -> Result<&mut Connection, StoreError> {
        if self.conn.is_none() {
            self.conn = Some(open(&self.path, Role::Writer, false, self.busy_timeout)?);
        }
        Ok(self.conn.as_mut().expect("just opened"))
    }
}

impl GroupBackend for SqliteWriter {
    fn apply_group(&mut self, group: &[&Unit]) -> Result<Vec<Vec<Applied>>, StoreError> {
        let rules = self.rules.clone();
        let outcome = self
            .connection()
            .and_then(|conn| apply_in_transaction(conn, &rules, group));
        if outcome.is_err() {
            // A failed transaction is rolled back when dropped; a connection still inside one
            // (the rollback itself failed) is closed, and the next group opens a new one.
            if let Some(conn) = &self.conn
                && !conn.is_autocommit()
                && conn.execute_batch("ROLLBACK").is_err()
            {
                self.conn = None;
            }
        }
        outcome
    }
}

fn apply_in_transaction(
    conn: &mut Connection,
    rules: &ConsentRules,
    group: &[&Unit],
) -> Result<Vec<Vec<Applied>>, StoreError> {
    let keys = GroupKeys::of(group)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|error| sqlite_error("starting a transaction", error))?;
    let loaded = load(&tx, &keys)?;
    let planned = plan(rules, group, &keys, loaded);
    write(&tx, &planned.writes)?;
    tx.commit()
        .map_err(|error| sqlite_error("committing deliveries", error))?;
    Ok(planned.results)
}

/// Reads the rows of `keys`, inside the group's transaction.
fn load(tx: &Transaction<'_>, keys: &GroupKeys) -> Result<Loaded, StoreError> {
    let mut loaded = Loaded::default();
    let read = |error| sqlite_error("reading the state", error);
    let mut ledger = tx
        .prepare_cached("SELECT 1 FROM deliveries WHERE id = ?1")
        .map_err(read)?;
    for id in &keys.deliveries {
        if ledger.exists([id]).map_err(read)? {
            loaded.applied.insert(id.clone());
        }
    }
    let mut consent = tx
        .prepare_cached(
            "SELECT consent, changed_at, source FROM consents WHERE channel = ?1 AND identity = ?2",
        )
        .map_err(read)?;
    for key in &keys.identities {
        let row: Option<(String, Option<String>, String)> = consent
            .query_row(params![key.channel.as_str(), key.identity], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .optional()
            .map_err(read)?;
        if let Some((consent, changed_at, source)) = row {
            loaded.consents.insert(
                key.clone(),
                rows::consent_record(&consent, changed_at, &source)?,
            );
        }
    }
    let mut contact = tx
        .prepare_cached(
            "SELECT state, contact_json, as_of, removed_at, merged_into FROM contacts WHERE id = ?1",
        )
        .map_err(read)?;
    for id in &keys.contact_ids {
        let row: Option<ContactColumns> = contact
            .query_row([id], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            })
            .optional()
            .map_err(read)?;
        if let Some((state, json, as_of, removed_at, merged_into)) = row {
            loaded.contacts.insert(
                id.clone(),
                rows::contact_state(id, &state, json, as_of, removed_at, merged_into)?,
            );
        }
    }
    let mut duplication = tx
        .prepare_cached("SELECT 1 FROM duplications WHERE key_json = ?1")
        .map_err(read)?;
    for json in &keys.duplications {
        if duplication.exists([json]).map_err(read)? {
            loaded.duplications.insert(json.clone());
        }
    }
    Ok(loaded)
}

type ContactColumns = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Writes the rows of `writes` and the ledger entries, inside the group's transaction.
fn write(tx: &Transaction<'_>, writes: &Writes) -> Result<(), StoreError> {
    if !writes.consents.is_empty() {
        let mut upsert = tx
            .prepare_cached(
                "INSERT INTO consents (channel, identity, consent, changed_at, source) \
                 VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (channel, identity) DO UPDATE SET consent = excluded.consent, \
                 changed_at = excluded.changed_at, source = excluded.source",
            )
            .map_err(|error| sqlite_error("writing a consent", error))?;
        for (key, record) in &writes.consents {
            upsert
                .execute(params![
                    key.channel.as_str(),
                    key.identity,
                    rows::consent_text(record.consent)?,
                    rows::time_text(record.changed_at),
                    rows::source_text(record.source)?,
                ])
                .map_err(|error| sqlite_error("writing a consent", error))?;
        }
    }
    if !writes.contacts.is_empty() {
        let mut upsert = tx
            .prepare_cached(
                "INSERT INTO contacts (id, state, contact_json, as_of, removed_at, merged_into) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state, \
                 contact_json = excluded.contact_json, as_of = excluded.as_of, \
                 removed_at = excluded.removed_at, merged_into = excluded.merged_into",
            )
            .map_err(|error| sqlite_error("writing a contact", error))?;
        for (id, state) in &writes.contacts {
            let row = rows::contact_row(state)?;
            upsert
                .execute(params![
                    id,
                    row.state,
                    row.contact_json,
                    row.as_of,
                    row.removed_at,
                    row.merged_into
                ])
                .map_err(|error| sqlite_error("writing a contact", error))?;
        }
    }
    if !writes.duplications.is_empty() {
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO duplications (key_json, reported_at) VALUES (?1, ?2) \
                 ON CONFLICT (key_json) DO NOTHING",
            )
            .map_err(|error| sqlite_error("writing a duplication", error))?;
        for (json, record) in &writes.duplications {
            insert
                .execute(params![json, rows::time_text(record.reported_at)])
                .map_err(|error| sqlite_error("writing a duplication", error))?;
        }
    }
    let mut ledger = tx
        .prepare_cached("INSERT INTO deliveries (id, trigger_name, applied_at) VALUES (?1, ?2, ?3)")
        .map_err(|error| sqlite_error("writing the ledger", error))?;
    let now = rows::unix_now();
    for (id, trigger) in &writes.ledger {
        ledger
            .execute(params![id, trigger, now])
            .map_err(|error| sqlite_error("writing the ledger", error))?;
    }
    Ok(())
}
