//! `live_contacts()`: the mirror's live contacts, by id, as the callbacks left them, on SQLite
//! and PostgreSQL, against the whole state's dump.

use futures_util::TryStreamExt as _;
use sinch_contacts_callbacks::Contact;
use sinch_contacts_callbacks::store::{CallbackStore, ContactState, StoreErrorKind};
use sinch_contacts_store::{ContactStream, SqliteStore};

use crate::support::*;

/// Creates, updates, deletes and a merge, and the live contacts they leave, worked out by hand:
/// `c1` deleted, `c2` renamed, `c4` merged into `c3`, `c5` untouched.
fn history() -> (Vec<Delivery>, Vec<(&'static str, &'static str)>) {
    let deliveries = vec![
        upsert(Some(1), true, "c1", "Ada"),
        upsert(Some(2), true, "c2", "Bob"),
        upsert(Some(3), true, "c3", "Cy"),
        upsert(Some(4), true, "c4", "Di"),
        upsert(Some(5), true, "c5", "Ed"),
        upsert(Some(6), false, "c2", "Bob B."),
        delete(Some(7), "c1"),
        merge(Some(8), "c3", "Cy D.", "c4"),
    ];
    (
        deliveries,
        vec![("c2", "Bob B."), ("c3", "Cy D."), ("c5", "Ed")],
    )
}

fn names(contacts: &[Contact]) -> Vec<(String, String)> {
    contacts
        .iter()
        .map(|contact| {
            (
                contact.id.clone().unwrap_or_default(),
                contact.display_name.clone().unwrap_or_default(),
            )
        })
        .collect()
}

async fn live_contacts_are_the_dumps_live_rows_by_id<S: CallbackStore>(
    store: &S,
    live: impl Fn(&S) -> ContactStream<'_>,
) {
    assert!(
        live(store)
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .is_empty(),
        "an empty mirror has none"
    );
    let (deliveries, expected) = history();
    apply_all(store, &deliveries).await;
    let contacts: Vec<Contact> = live(store).try_collect().await.unwrap();
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(id, name)| ((*id).to_owned(), (*name).to_owned()))
        .collect();
    assert_eq!(names(&contacts), expected);
    let dumped: Vec<Contact> = store
        .dump()
        .await
        .unwrap()
        .contacts
        .into_values()
        .filter_map(|state| match state {
            ContactState::Live(entry) => Some(entry.contact),
            _ => None,
        })
        .collect();
    assert_eq!(
        contacts, dumped,
        "the same contacts as the dump, field by field"
    );
}

/// More contacts than the stream reads ahead, all of them, in order.
async fn many_contacts_stream_in_order<S: CallbackStore>(
    store: &S,
    live: impl Fn(&S) -> ContactStream<'_>,
) {
    let deliveries: Vec<Delivery> = (0..700)
        .map(|n| upsert(Some(1), true, &format!("k{n:04}"), &format!("P {n}")))
        .collect();
    for chunk in deliveries.chunks(100) {
        store.apply_batch(chunk).await.unwrap();
    }
    let ids: Vec<String> = live(store)
        .map_ok(|contact| contact.id.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<String> = (0..700).map(|n| format!("k{n:04}")).collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn sqlite_streams_the_live_contacts() {
    let (store, _guard) = sqlite().await.unwrap().split();
    live_contacts_are_the_dumps_live_rows_by_id(&store, |store: &SqliteStore| {
        store.live_contacts()
    })
    .await;
    let (store, _guard) = sqlite().await.unwrap().split();
    many_contacts_stream_in_order(&store, |store: &SqliteStore| store.live_contacts()).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_streams_the_live_contacts() {
    use sinch_contacts_store::PostgresStore;
    let Some(backend) = postgres().await else {
        return;
    };
    let (store, _guard) = backend.split();
    live_contacts_are_the_dumps_live_rows_by_id(&store, PostgresStore::live_contacts).await;
    let Some(backend) = postgres().await else {
        return;
    };
    let (store, _guard) = backend.split();
    many_contacts_stream_in_order(&store, PostgresStore::live_contacts).await;
}

#[tokio::test]
async fn any_store_streams_through_its_backend() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let store = sinch_contacts_store::AnyStore::open(
        path.to_str().unwrap(),
        sinch_contacts_store::StoreOptions::default(),
    )
    .await
    .unwrap();
    apply_all(&store, &history().0).await;
    let contacts: Vec<Contact> = store.live_contacts().try_collect().await.unwrap();
    assert_eq!(contacts.len(), 3);
}

#[tokio::test]
async fn a_row_that_does_not_decode_ends_the_stream_with_an_error() {
    let (store, guard) = sqlite().await.unwrap().split();
    apply_all(&store, &history().0).await;
    let path = store.path().to_owned();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE contacts SET contact_json = '{not json' WHERE id = 'c3'",
            [],
        )
        .unwrap();
    let mut stream = store.live_contacts();
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.id.as_deref(), Some("c2"));
    let error = stream.try_next().await.unwrap_err();
    assert_eq!(error.kind(), StoreErrorKind::Corrupt);
    assert!(error.to_string().contains("contact c3"), "{error}");
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "nothing after it"
    );
    drop(guard);
}
