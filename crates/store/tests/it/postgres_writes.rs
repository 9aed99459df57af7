//! PostgreSQL's writer against the server: a write refused for another reason than the
//! ledger's key is reported as itself and leaves nothing behind, and a delivery about a contact
//! waits while another transaction holds that contact's lock (the lock key computed apart).

use sinch_contacts_callbacks::store::{CallbackStore, StoreErrorKind};
use sqlx::Connection as _;

use crate::support::*;

#[tokio::test]
async fn a_write_refused_by_another_constraint_is_reported_as_itself() {
    let Some((url, schema)) = postgres_schema().await else {
        return;
    };
    let store = postgres_in(&url, &schema, 2).await;
    // A rule of the operator's own: at most one live contact (a unique index the store's
    // upserts do not name).
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query(&format!(
        "CREATE UNIQUE INDEX one_state ON {schema}.contacts ((state))"
    ))
    .execute(&mut admin)
    .await
    .unwrap();
    let first = upsert(Some(1), true, "c1", "Ann");
    store.apply(&first.0, &first.1).await.unwrap();
    let second = upsert(Some(2), true, "c2", "Bo");
    let error = store.apply(&second.0, &second.1).await.unwrap_err();
    assert_eq!(error.kind(), StoreErrorKind::Database, "{error}");
    assert_eq!(error.context(), "writing deliveries", "{error}");
    assert!(!store.is_applied(&second.0).await.unwrap());
    assert!(store.contact_state("c2").await.unwrap().is_none());
}

/// The lock key of a contact: the first 8 bytes of SHA-256 of `contact \0 id`, as computed by
/// Python's `hashlib.sha256(b'contact\x00lock-a')` (`723059ed870ad742`). Advisory locks are the
/// database's, not a schema's: the contacts of this test are named so that no other test, in
/// its own schema but the same database, takes their locks (with `c1` and `c2` it could hold
/// `c2` while waiting for `c1`, held here while this test waited for `c2`).
const CONTACT_LOCK_A_LOCK: i64 = 0x7230_59ed_870a_d742;

/// Whether some backend waits for an advisory lock.
async fn someone_waits_for_an_advisory_lock(admin: &mut sqlx::PgConnection) -> bool {
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
    )
    .fetch_one(admin)
    .await
    .unwrap();
    waiting > 0
}

#[tokio::test]
async fn a_delivery_waits_while_another_transaction_holds_its_contacts_lock() {
    let Some((url, schema)) = postgres_schema().await else {
        return;
    };
    let store = std::sync::Arc::new(postgres_in(&url, &schema, 2).await);
    let mut holder = sqlx::PgConnection::connect(&url).await.unwrap();
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    // Another receiver's transaction on contact lock-a, as the lock it would take.
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(CONTACT_LOCK_A_LOCK)
        .execute(&mut holder)
        .await
        .unwrap();
    let update = upsert(Some(1), false, "lock-a", "Ann");
    let waiting = tokio::spawn({
        let store = store.clone();
        async move { store.apply(&update.0, &update.1).await }
    });
    while !someone_waits_for_an_advisory_lock(&mut admin).await {
        assert!(
            !waiting.is_finished(),
            "the update did not wait for lock-a's lock"
        );
        tokio::task::yield_now().await;
    }
    // A delivery about another contact goes ahead meanwhile on a second handle.
    let other = postgres_in(&url, &schema, 2).await;
    let c2 = upsert(Some(1), false, "lock-b", "Bo");
    other.apply(&c2.0, &c2.1).await.unwrap();
    assert!(!waiting.is_finished());
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(CONTACT_LOCK_A_LOCK)
        .execute(&mut holder)
        .await
        .unwrap();
    waiting.await.unwrap().unwrap();
    assert!(store.contact_state("lock-a").await.unwrap().is_some());
}
