//! `list_all` and `list_all_identity_conflicts` as streams.

use futures_util::{StreamExt, TryStreamExt};
use sinch_contacts_model::{IdentityConflictsQuery, ListContactsQuery};
use sinch_contacts_port::test_util::FakeTransport;
use sinch_contacts_port::{Error, TransportError};

use crate::support::basic_client;

fn contact(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","channel_identities":[{{"channel":"SMS","identity":"+1"}}],"language":"EN"}}"#
    )
}

fn page(ids: &[&str], next: Option<&str>) -> String {
    let contacts: Vec<String> = ids.iter().map(|id| contact(id)).collect();
    match next {
        Some(token) => format!(
            r#"{{"contacts":[{}],"next_page_token":"{token}"}}"#,
            contacts.join(",")
        ),
        None => format!(r#"{{"contacts":[{}]}}"#, contacts.join(",")),
    }
}

#[tokio::test]
async fn follows_tokens_until_an_empty_token() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(&["a", "b"], Some("t+1")));
    fake.push_json(200, &page(&["c"], Some("t2")));
    fake.push_json(200, &page(&[], Some("")));
    let query = ListContactsQuery::new().page_size(2);
    let contacts: Vec<_> = basic_client(&fake)
        .list_all(query)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    let ids: Vec<_> = contacts.iter().map(|c| c.id.clone().unwrap()).collect();
    assert_eq!(ids, vec!["a", "b", "c"]);
    let queries: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| r.uri().query().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        queries,
        vec![
            "page_size=2",
            "page_size=2&page_token=t%2B1",
            "page_size=2&page_token=t2"
        ]
    );
}

#[tokio::test]
async fn stops_when_the_token_is_absent() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(&["a"], Some("t1")));
    fake.push_json(200, &page(&["b"], None));
    let contacts: Vec<_> = basic_client(&fake)
        .list_all(ListContactsQuery::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(contacts.len(), 2);
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn an_empty_first_page_yields_nothing() {
    let fake = FakeTransport::new();
    fake.push_json(200, r#"{"contacts":[],"next_page_token":""}"#);
    let contacts: Vec<_> = basic_client(&fake)
        .list_all(ListContactsQuery::default())
        .collect::<Vec<_>>()
        .await;
    assert!(contacts.is_empty());
    assert_eq!(fake.request_count(), 1);
}

#[tokio::test]
async fn an_empty_page_with_a_token_is_followed() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(&["a"], Some("t1")));
    fake.push_json(200, &page(&[], Some("t2")));
    fake.push_json(200, &page(&["b"], Some("")));
    let contacts: Vec<_> = basic_client(&fake)
        .list_all(ListContactsQuery::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(contacts.len(), 2);
    assert_eq!(fake.request_count(), 3);
}

#[tokio::test]
async fn a_repeated_token_ends_the_stream_instead_of_looping() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(&["a"], Some("same")));
    fake.push_json(200, &page(&["b"], Some("same")));
    fake.push_json(200, &page(&["c"], Some("same")));
    let contacts: Vec<_> = basic_client(&fake)
        .list_all(ListContactsQuery::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(contacts.len(), 2);
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn pages_are_fetched_lazily() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(&["a", "b"], Some("t1")));
    fake.push_json(200, &page(&["c"], None));
    let mut stream = Box::pin(basic_client(&fake).list_all(ListContactsQuery::default()));
    assert_eq!(fake.request_count(), 0);
    stream.next().await.unwrap().unwrap();
    stream.next().await.unwrap().unwrap();
    assert_eq!(fake.request_count(), 1);
    stream.next().await.unwrap().unwrap();
    assert_eq!(fake.request_count(), 2);
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn an_error_is_yielded_once_and_ends_the_stream() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(&["a"], Some("t1")));
    fake.push_error(TransportError::other("gone"));
    let items: Vec<Result<_, Error>> = basic_client(&fake)
        .list_all(ListContactsQuery::default())
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert!(matches!(items[1], Err(Error::Transport(_))));
}

#[tokio::test]
async fn identity_conflicts_are_paged_too() {
    let fake = FakeTransport::new();
    fake.push_json(
        200,
        r#"{"conflicts":[{"identity":"+46701234567","channels":["SMS","RCS"],"contact_ids":["a","b"]}],"next_page_token":"p2"}"#,
    );
    fake.push_json(
        200,
        r#"{"conflicts":[{"identity":"+46700000000","channels":["MMS"],"contact_ids":["c","d"]}],"next_page_token":""}"#,
    );
    let conflicts: Vec<_> = basic_client(&fake)
        .list_all_identity_conflicts(IdentityConflictsQuery::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(conflicts.len(), 2);
    assert_eq!(conflicts[0].contact_ids, vec!["a", "b"]);
    assert_eq!(fake.requests()[1].uri().query(), Some("page_token=p2"));
}
