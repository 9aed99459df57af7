//! The PostgreSQL anchors, with sqlx on one connection, the rows known in advance, no queue and
//! no effect to compute:
//!
//! - **same SQL**: the statements the store's writer sends for a group
//!   (`sinch_contacts_store::postgres::sql`): `BEGIN` and one advisory lock per row, the read of
//!   every row, the write of every row and of the ledger entries, `COMMIT`;
//! - **writes only**: a set-based batch of the same writes: `BEGIN`, the write, `COMMIT`.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use sinch_contacts_store::postgres::sql::{READ, WRITE, begin_and_lock};
use sqlx::PgConnection;

use crate::workload::{Item, Row};

/// Which statements an anchor sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statements {
    /// The store's locks, read, write and commit.
    SameSql,
    /// The write alone.
    WritesOnly,
}

fn lock_of(name: &str) -> i64 {
    let mut hasher = DefaultHasher::new();
    name.hash(&mut hasher);
    i64::from_ne_bytes(hasher.finish().to_ne_bytes())
}

/// Applies `items` in transactions of `per_transaction`.
pub async fn apply(
    conn: &mut PgConnection,
    items: &[Item],
    per_transaction: usize,
    statements: Statements,
) {
    for chunk in items.chunks(per_transaction) {
        // Once per row, the last write winning, as a multi-row upsert requires.
        let mut consents = BTreeMap::new();
        let mut contacts = BTreeMap::new();
        for item in chunk {
            match &item.row {
                Row::Consent { identity, at } => {
                    consents.insert(identity.as_str(), at.as_str());
                }
                Row::Contact { id, json, at } => {
                    contacts.insert(id.as_str(), (json.as_str(), at.as_str()));
                }
            }
        }
        let consent_identities: Vec<&str> = consents.keys().copied().collect();
        let contact_ids: Vec<&str> = contacts.keys().copied().collect();
        if statements == Statements::SameSql {
            let mut locks: Vec<i64> = consent_identities
                .iter()
                .map(|identity| lock_of(&format!("consent\u{0}SMS\u{0}{identity}")))
                .chain(
                    contact_ids
                        .iter()
                        .map(|id| lock_of(&format!("contact\u{0}{id}"))),
                )
                .collect();
            locks.sort_unstable();
            locks.dedup();
            sqlx::raw_sql(&begin_and_lock(&locks))
                .execute(&mut *conn)
                .await
                .unwrap();
            sqlx::query(READ)
                .bind(Vec::<&str>::new())
                .bind(vec!["SMS"; consents.len()])
                .bind(&consent_identities)
                .bind(&contact_ids)
                .bind(Vec::<&str>::new())
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        } else {
            sqlx::raw_sql("BEGIN").execute(&mut *conn).await.unwrap();
        }
        let nulls: Vec<Option<String>> = vec![None; contacts.len()];
        sqlx::query(WRITE)
            .bind(vec!["SMS"; consents.len()])
            .bind(&consent_identities)
            .bind(vec!["opted_out"; consents.len()])
            .bind(consents.values().copied().collect::<Vec<_>>())
            .bind(vec!["keyword"; consents.len()])
            .bind(&contact_ids)
            .bind(vec!["live"; contacts.len()])
            .bind(contacts.values().map(|(json, _)| *json).collect::<Vec<_>>())
            .bind(contacts.values().map(|(_, at)| *at).collect::<Vec<_>>())
            .bind(nulls.clone())
            .bind(nulls)
            .bind(Vec::<&str>::new())
            .bind(Vec::<Option<String>>::new())
            .bind(
                chunk
                    .iter()
                    .map(|item| item.id.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(chunk.iter().map(|item| item.trigger).collect::<Vec<_>>())
            .bind(1_700_000_000_i64)
            .execute(&mut *conn)
            .await
            .unwrap();
        sqlx::raw_sql("COMMIT").execute(&mut *conn).await.unwrap();
    }
}
