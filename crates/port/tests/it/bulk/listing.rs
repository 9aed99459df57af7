//! `Bulk::list_contacts`: every page, in order, through one paced run; the run's retries, stops
//! and the pagination guards end it with one `ListingError`.

use futures_util::StreamExt;
use serde_json::json;
use sinch_contacts_port::test_util::{FakeTransport, json_response};
use sinch_contacts_port::{
    Bulk, BulkOptions, JobErrorKind, ListingError, PaginationError, StopReason,
};

use super::sim::client_over;

/// A page of contacts `first..first + count` and its next token.
fn page(first: usize, count: usize, next: &str) -> String {
    let contacts: Vec<_> = (first..first + count)
        .map(|n| json!({"id": format!("c{n}"), "external_id": format!("e{n}")}))
        .collect();
    json!({"contacts": contacts, "next_page_token": next}).to_string()
}

/// Everything the listing yields: the contact ids, then the error if it ended with one.
async fn listed(fake: &FakeTransport) -> (Vec<String>, Option<ListingError>) {
    let bulk = Bulk::new(&client_over(fake.clone(), 1), BulkOptions::default()).unwrap();
    let mut ids = Vec::new();
    let mut stream = bulk.list_contacts();
    while let Some(item) = stream.next().await {
        match item {
            Ok(contact) => ids.push(contact.id.unwrap_or_default()),
            Err(error) => {
                assert!(stream.next().await.is_none(), "nothing after the error");
                return (ids, Some(error));
            }
        }
    }
    (ids, None)
}

fn queries(fake: &FakeTransport) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|request| request.uri().query().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn every_page_is_followed_in_order_twenty_at_a_time() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(0, 20, "t1"));
    fake.push_json(503, "{}");
    fake.push_json(200, &page(20, 20, "t2"));
    fake.push_json(200, &page(40, 5, ""));
    let (ids, error) = listed(&fake).await;
    assert!(error.is_none(), "{error:?}");
    let expected: Vec<String> = (0..45).map(|n| format!("c{n}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(
        queries(&fake),
        [
            "page_size=20",
            "page_size=20&page_token=t1",
            "page_size=20&page_token=t1",
            "page_size=20&page_token=t2"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_token_seen_before_ends_the_listing_after_its_page() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(0, 2, "t1"));
    fake.push_json(200, &page(2, 2, "t1"));
    let (ids, error) = listed(&fake).await;
    assert_eq!(ids, ["c0", "c1", "c2", "c3"]);
    assert!(
        matches!(
            error,
            Some(ListingError::Pagination(PaginationError::TokenCycle {
                pages: 2
            }))
        ),
        "{error:?}"
    );
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test(start_paused = true)]
async fn empty_pages_without_end_stop_the_listing() {
    let fake = FakeTransport::new();
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    fake.set_handler(move |_| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async move { Ok(json_response(200, &page(0, 0, &format!("t{n}")))) }
    });
    let (ids, error) = listed(&fake).await;
    assert!(ids.is_empty());
    let Some(ListingError::Pagination(PaginationError::TooManyEmptyPages { limit, pages })) = error
    else {
        panic!("{error:?}");
    };
    assert_eq!((limit, pages), (10, 11));
}

#[tokio::test(start_paused = true)]
async fn a_page_refused_ends_the_listing_with_its_error() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(0, 3, "t1"));
    fake.push_json(400, "{}");
    let (ids, error) = listed(&fake).await;
    assert_eq!(ids, ["c0", "c1", "c2"]);
    let Some(ListingError::Page(error)) = error else {
        panic!("{error:?}");
    };
    assert_eq!(error.kind(), JobErrorKind::Permanent);
    assert!(error.to_string().starts_with("failed"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn refused_credentials_stop_the_listing() {
    let fake = FakeTransport::new();
    fake.push_json(200, &page(0, 1, "t1"));
    fake.push_json(401, "{}");
    fake.push_json(401, "{}");
    let (ids, error) = listed(&fake).await;
    assert_eq!(ids, ["c0"]);
    let Some(ListingError::Stopped(stopped)) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(stopped.reason(), StopReason::Unauthorized);
    let text = error.as_ref().unwrap().to_string();
    assert!(text.starts_with("stopped: the API refused"), "{text}");
    assert!(std::error::Error::source(error.as_ref().unwrap()).is_some());
}
