//! `list_all` and `list_all_identity_conflicts` as streams.

use futures_util::{StreamExt, TryStreamExt};
use sinch_contacts_model::{IdentityConflictsQuery, ListContactsQuery};
use sinch_contacts_port::test_util::FakeTransport;
use sinch_contacts_port::{Error, PaginationError, TransportError};

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

/// Ids and the error of a walk, collected to its end.
async fn walk(
    stream: impl futures_util::Stream<Item = Result<sinch_contacts_model::Contact, Error>>,
) -> (Vec<String>, Option<Error>) {
    let results: Vec<_> = stream.collect().await;
    let mut ids = Vec::new();
    let mut error = None;
    for result in results {
        match result {
            Ok(contact) => ids.push(contact.id.unwrap()),
            Err(failure) => {
                assert!(error.is_none(), "one error at most, and last");
                error = Some(failure);
            }
        }
    }
    (ids, error)
}

#[tokio::test]
async fn a_repeated_token_ends_the_stream_with_a_cycle_error() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(&["a"], Some("same")));
    fake.push_json(200, &page(&["b"], Some("same")));
    fake.push_json(200, &page(&["c"], Some("same")));
    let (ids, error) = walk(basic_client(&fake).list_all(ListContactsQuery::default())).await;
    assert_eq!(ids, ["a", "b"]);
    assert!(matches!(
        error,
        Some(Error::Pagination(PaginationError::TokenCycle { pages: 2 }))
    ));
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn a_longer_token_cycle_is_detected() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(&["a"], Some("A")));
    fake.push_json(200, &page(&["b"], Some("B")));
    fake.push_json(200, &page(&["c"], Some("C")));
    fake.push_json(200, &page(&["d"], Some("A")));
    fake.push_json(200, &page(&["never"], Some("")));
    let (ids, error) = walk(basic_client(&fake).list_all(ListContactsQuery::default())).await;
    assert_eq!(ids, ["a", "b", "c", "d"]);
    let Some(Error::Pagination(stop)) = error else {
        panic!("expected a pagination error");
    };
    assert_eq!(stop, PaginationError::TokenCycle { pages: 4 });
    assert_eq!(
        stop.to_string(),
        "listing stopped after 4 pages: the server sent a page token already used in this \
         listing, so following it would never end"
    );
    assert_eq!(fake.request_count(), 4);
}

#[tokio::test]
async fn the_callers_starting_token_counts_as_used() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(&["b"], Some("start")));
    let (ids, error) =
        walk(basic_client(&fake).list_all(ListContactsQuery::default().page_token("start"))).await;
    assert_eq!(ids, ["b"]);
    assert!(matches!(
        error,
        Some(Error::Pagination(PaginationError::TokenCycle { pages: 1 }))
    ));
}

#[tokio::test]
async fn endless_empty_pages_stop_after_the_default_limit() {
    let fake = FakeTransport::new();
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = counter.clone();
    fake.set_handler(move |_| {
        let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // Fail instead of hanging if the walk does not stop.
        assert!(n < 50, "the walk did not stop on empty pages");
        async move {
            Ok(sinch_contacts_port::test_util::json_response(
                200,
                &format!(r#"{{"contacts":[],"next_page_token":"fresh-{n}"}}"#),
            ))
        }
    });
    let (ids, error) = walk(basic_client(&fake).list_all(ListContactsQuery::default())).await;
    assert!(ids.is_empty());
    // Ten empty pages are tolerated, the eleventh ends the walk.
    assert!(matches!(
        error,
        Some(Error::Pagination(PaginationError::TooManyEmptyPages {
            limit: 10,
            pages: 11
        }))
    ));
    assert_eq!(fake.request_count(), 11);
}

#[tokio::test]
async fn the_empty_page_limit_counts_consecutive_pages_and_is_configurable() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(&[], Some("t1")));
    fake.push_json(200, &page(&[], Some("t2")));
    fake.push_json(200, &page(&["a"], Some("t3")));
    fake.push_json(200, &page(&[], Some("t4")));
    fake.push_json(200, &page(&[], Some("t5")));
    fake.push_json(200, &page(&["b"], Some("t6")));
    fake.push_json(200, &page(&[], Some("t7")));
    fake.push_json(200, &page(&[], Some("t8")));
    fake.push_json(200, &page(&[], Some("t9")));
    fake.push_json(200, &page(&["never"], Some("")));
    let client = limited_client(&fake, 2);
    let (ids, error) = walk(client.list_all(ListContactsQuery::default())).await;
    assert_eq!(ids, ["a", "b"]);
    assert!(matches!(
        error,
        Some(Error::Pagination(PaginationError::TooManyEmptyPages {
            limit: 2,
            pages: 9
        }))
    ));
    assert_eq!(fake.request_count(), 9);
}

#[tokio::test]
async fn identity_conflicts_have_the_same_guards() {
    let fake = FakeTransport::new();
    fake.push_json(200, r#"{"conflicts":[{"channels":["SMS"],"identity":"+1","contact_ids":["a","b"]}],"next_page_token":"A"}"#);
    fake.push_json(200, r#"{"conflicts":[],"next_page_token":"B"}"#);
    fake.push_json(200, r#"{"conflicts":[],"next_page_token":"A"}"#);
    let results: Vec<_> = basic_client(&fake)
        .list_all_identity_conflicts(IdentityConflictsQuery::default())
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(
        results[1],
        Err(Error::Pagination(PaginationError::TokenCycle { pages: 3 }))
    ));

    let fake = FakeTransport::new();
    fake.push_json(200, r#"{"conflicts":[],"next_page_token":"A"}"#);
    fake.push_json(200, r#"{"conflicts":[],"next_page_token":"B"}"#);
    let results: Vec<_> = limited_client(&fake, 1)
        .list_all_identity_conflicts(IdentityConflictsQuery::default())
        .collect()
        .await;
    assert!(matches!(
        results[..],
        [Err(Error::Pagination(PaginationError::TooManyEmptyPages {
            limit: 1,
            pages: 2
        }))]
    ));
}

fn limited_client(fake: &FakeTransport, limit: u32) -> sinch_contacts_port::ContactsClient {
    sinch_contacts_port::ContactsClient::builder(fake.clone(), "p")
        .region(sinch_contacts_port::Region::Eu)
        .auth(sinch_contacts_port::Auth::basic("k", "s"))
        .retry_policy(sinch_contacts_port::RetryPolicy::disabled())
        .max_consecutive_empty_pages(limit)
        .build()
        .unwrap()
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
