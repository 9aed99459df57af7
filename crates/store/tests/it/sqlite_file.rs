//! What only a file-backed store shows: state survives closing and reopening; the schema is
//! versioned; a newer schema is refused.

use sinch_contacts_callbacks::ConversationChannel;
use sinch_contacts_callbacks::store::{Applied, CallbackStore, StoreErrorKind};
use sinch_contacts_store::SqliteStore;

use crate::support::*;

#[tokio::test]
async fn state_and_ledger_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let stop = text(Some(1), "SMS", "46", "STOP");
    {
        let store = SqliteStore::open(&path).await.unwrap();
        apply_all(&store, &[stop.clone(), upsert(Some(2), true, "c1", "Ada")]).await;
        store.close().await;
    }
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 1);
    assert!(
        store
            .is_suppressed(&ConversationChannel::Sms, "46")
            .await
            .unwrap()
    );
    assert_eq!(
        store.apply(&stop.0, &stop.1).await.unwrap(),
        Applied::AlreadyApplied
    );
    assert!(store.resolve("c1").await.unwrap().is_some());
}

#[tokio::test]
async fn a_schema_newer_than_the_crate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    {
        let store = SqliteStore::open(&path).await.unwrap();
        store.close().await;
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute("INSERT INTO schema_version (version) VALUES (99)", [])
            .unwrap();
    }
    let error = SqliteStore::open(&path).await.unwrap_err();
    assert_eq!(error.kind(), StoreErrorKind::Schema);
    assert!(error.to_string().contains("version 99"), "{error}");
}

#[tokio::test]
async fn an_in_memory_database_is_refused_with_the_reason() {
    for location in [":memory:", "file::memory:?cache=shared"] {
        let error = SqliteStore::open(location).await.unwrap_err();
        assert_eq!(error.kind(), StoreErrorKind::Database);
        assert!(error.to_string().contains("MemoryStore"), "{error}");
    }
}
