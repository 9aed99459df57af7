//! The statements a PostgreSQL writer runs for a group, public so that tools can measure or
//! reproduce exactly what the store sends (the store's benchmark runs them without the store,
//! as its anchor).
//!
//! A group is: [`begin_and_lock`] (one simple query), [`READ`], then [`WRITE`] when the group
//! changes anything, then `COMMIT`.

/// `BEGIN` and the advisory locks of `locks`, in the order given (ascending, for the
/// store), as one simple query (the keys are integers, never text from a body).
///
/// ```
/// use sinch_contacts_store::postgres::sql::begin_and_lock;
///
/// assert_eq!(
///     begin_and_lock(&[-3, 7]),
///     "BEGIN; SELECT pg_advisory_xact_lock(k) FROM unnest('{-3,7}'::int8[]) AS k"
/// );
/// ```
pub fn begin_and_lock(locks: &[i64]) -> String {
    let mut sql = String::from("BEGIN; SELECT pg_advisory_xact_lock(k) FROM unnest('{");
    for (index, lock) in locks.iter().enumerate() {
        if index > 0 {
            sql.push(',');
        }
        sql.push_str(&lock.to_string());
    }
    sql.push_str("}'::int8[]) AS k");
    sql
}

/// One read of every row a group needs, each key one probe of its table's unique index.
///
/// Parameters: `$1` delivery ids whose ledger entries to read (`text[]`, empty on the first
/// attempt), `$2`/`$3` channels and identities of the consents (`text[]` each, in pairs), `$4`
/// contact ids, `$5` duplication keys (JSON text). Rows: a kind (`0` ledger, `1` consent, `2`
/// contact, `3` duplication) and six text columns.
pub const READ: &str = "\
    SELECT 0 AS kind, d.id AS a, NULL::text AS b, NULL::text AS c, NULL::text AS d, \
           NULL::text AS e, NULL::text AS f \
      FROM unnest($1::text[]) AS k(id) \
      CROSS JOIN LATERAL (SELECT id FROM deliveries WHERE deliveries.id = k.id LIMIT 1) AS d \
    UNION ALL \
    SELECT 1, c.channel, c.identity, c.consent, c.changed_at, c.source, NULL \
      FROM unnest($2::text[], $3::text[]) AS k(channel, identity) \
      CROSS JOIN LATERAL (SELECT * FROM consents \
                           WHERE consents.channel = k.channel AND consents.identity = k.identity \
                           LIMIT 1) AS c \
    UNION ALL \
    SELECT 2, c.id, c.state, c.contact_json, c.as_of, c.removed_at, c.merged_into \
      FROM unnest($4::text[]) AS k(id) \
      CROSS JOIN LATERAL (SELECT * FROM contacts WHERE contacts.id = k.id LIMIT 1) AS c \
    UNION ALL \
    SELECT 3, u.key_json, NULL, NULL, NULL, NULL, NULL \
      FROM unnest($5::text[]) AS k(key_json) \
      CROSS JOIN LATERAL (SELECT key_json FROM duplications \
                           WHERE duplications.key_json = k.key_json LIMIT 1) AS u";

/// Every row a group changes and its ledger entries, in one data-modifying statement.
///
/// Parameters: `$1`–`$5` consents (channel, identity, consent, changed_at, source), `$6`–`$11`
/// contacts (id, state, contact_json, as_of, removed_at, merged_into), `$12`–`$13` new
/// duplications (key JSON, reported_at), `$14`–`$15` ledger entries (delivery id, trigger), `$16`
/// the ledger's `applied_at` (Unix seconds); every array `text[]`, one element per row.
pub const WRITE: &str = "\
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
    ), duplication_rows AS ( \
      INSERT INTO duplications (key_json, reported_at) \
      SELECT key_json, reported_at \
        FROM unnest($12::text[], $13::text[]) WITH ORDINALITY AS t(key_json, reported_at, n) \
       ORDER BY n \
      ON CONFLICT (key_json) DO NOTHING \
    ) \
    INSERT INTO deliveries (id, trigger_name, applied_at) \
    SELECT id, trigger_name, $16 FROM unnest($14::text[], $15::text[]) AS l(id, trigger_name) \
     ORDER BY id";
