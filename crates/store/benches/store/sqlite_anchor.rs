//! The SQLite anchor: the store's SQL, run with rusqlite on one connection with the store's
//! durability (WAL, `synchronous = FULL`), rows known in advance: no queue, no effect to
//! compute, no thread hop. What the database itself allows.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::workload::{Item, Row};

/// A file with the store's schema (made by the store itself), opened like the store's writer.
pub fn open(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    conn.execute_batch("PRAGMA synchronous = FULL").unwrap();
    conn
}

/// Applies `items` in transactions of `per_transaction`.
pub fn apply(conn: &mut Connection, items: &[Item], per_transaction: usize) {
    for chunk in items.chunks(per_transaction) {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        for item in chunk {
            let known = tx
                .prepare_cached("SELECT 1 FROM deliveries WHERE id = ?1")
                .unwrap()
                .exists([item.id.as_str()])
                .unwrap();
            assert!(!known);
            match &item.row {
                Row::Consent { identity, at } => {
                    let _: Option<String> = tx
                        .prepare_cached(
                            "SELECT consent, changed_at, source FROM consents \
                             WHERE channel = ?1 AND identity = ?2",
                        )
                        .unwrap()
                        .query_row(params!["SMS", identity], |row| row.get(0))
                        .optional()
                        .unwrap();
                    tx.prepare_cached(
                        "INSERT INTO consents (channel, identity, consent, changed_at, source) \
                         VALUES (?1, ?2, ?3, ?4, ?5) \
                         ON CONFLICT (channel, identity) DO UPDATE SET consent = excluded.consent, \
                         changed_at = excluded.changed_at, source = excluded.source",
                    )
                    .unwrap()
                    .execute(params!["SMS", identity, "opted_out", at, "keyword"])
                    .unwrap();
                }
                Row::Contact { id, json, at } => {
                    let _: Option<String> = tx
                        .prepare_cached(
                            "SELECT state, contact_json, as_of, removed_at, merged_into \
                             FROM contacts WHERE id = ?1",
                        )
                        .unwrap()
                        .query_row([id], |row| row.get(0))
                        .optional()
                        .unwrap();
                    tx.prepare_cached(
                        "INSERT INTO contacts (id, state, contact_json, as_of, removed_at, merged_into) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                         ON CONFLICT (id) DO UPDATE SET state = excluded.state, \
                         contact_json = excluded.contact_json, as_of = excluded.as_of, \
                         removed_at = excluded.removed_at, merged_into = excluded.merged_into",
                    )
                    .unwrap()
                    .execute(params![id, "live", json, at, None::<String>, None::<String>])
                    .unwrap();
                }
            }
            tx.prepare_cached(
                "INSERT INTO deliveries (id, trigger_name, applied_at) VALUES (?1, ?2, ?3)",
            )
            .unwrap()
            .execute(params![item.id.as_str(), item.trigger, 1_700_000_000_i64])
            .unwrap();
        }
        tx.commit().unwrap();
    }
}
