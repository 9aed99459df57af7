//! The PostgreSQL anchor: a set-based batch of the same writes with sqlx, rows known in
//! advance: `BEGIN`, one data-modifying statement (the store's multi-row upserts and ledger
//! insert), `COMMIT`. No locks, no reads, no effect to compute: what the server itself allows.

use std::collections::BTreeMap;

use sqlx::{Connection as _, PgConnection};

use crate::workload::{Item, Row};

/// The store's write statement, without the duplication reports (the workload has none).
const WRITE: &str = "\
    WITH consent_rows AS ( \
      INSERT INTO consents (channel, identity, consent, changed_at, source) \
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) \
      ON CONFLICT (channel, identity) DO UPDATE SET consent = excluded.consent, \
        changed_at = excluded.changed_at, source = excluded.source \
    ), contact_rows AS ( \
      INSERT INTO contacts (id, state, contact_json, as_of, removed_at, merged_into) \
      SELECT * FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], \
                           $11::text[]) \
      ON CONFLICT (id) DO UPDATE SET state = excluded.state, \
        contact_json = excluded.contact_json, as_of = excluded.as_of, \
        removed_at = excluded.removed_at, merged_into = excluded.merged_into \
    ) \
    INSERT INTO deliveries (id, trigger_name, applied_at) \
    SELECT id, trigger_name, $14 FROM unnest($12::text[], $13::text[]) AS l(id, trigger_name)";

/// Applies `items` in transactions of `per_transaction`.
pub async fn apply(conn: &mut PgConnection, items: &[Item], per_transaction: usize) {
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
        let consent_times: Vec<&str> = consents.values().copied().collect();
        let contact_ids: Vec<&str> = contacts.keys().copied().collect();
        let contact_json: Vec<&str> = contacts.values().map(|(json, _)| *json).collect();
        let contact_times: Vec<&str> = contacts.values().map(|(_, at)| *at).collect();
        let nulls: Vec<Option<String>> = vec![None; contacts.len()];
        let mut tx = conn.begin().await.unwrap();
        sqlx::query(WRITE)
            .bind(vec!["SMS"; consents.len()])
            .bind(consent_identities)
            .bind(vec!["opted_out"; consents.len()])
            .bind(consent_times)
            .bind(vec!["keyword"; consents.len()])
            .bind(contact_ids)
            .bind(vec!["live"; contacts.len()])
            .bind(contact_json)
            .bind(contact_times)
            .bind(nulls.clone())
            .bind(nulls)
            .bind(
                chunk
                    .iter()
                    .map(|item| item.id.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(chunk.iter().map(|item| item.trigger).collect::<Vec<_>>())
            .bind(1_700_000_000_i64)
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
}
