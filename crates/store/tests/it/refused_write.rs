//! PostgreSQL: a write the database refuses for another reason than the ledger's key is
//! reported as itself, not taken for a redelivery, and leaves nothing behind.

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
