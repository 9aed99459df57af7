//! One page of contacts: query encoding, pages and errors.

use sinch_contacts_model::{ContactFilter, ConversationChannel, ListContactsQuery};
use sinch_contacts_port::Error;
use sinch_contacts_port::test_util::FakeTransport;

use crate::support::{CONTACT_JSON, basic_client};

#[tokio::test]
async fn a_page_is_returned_with_its_token() {
    let fake = FakeTransport::new();
    fake.push_json(
        200,
        &format!(r#"{{"contacts":[{CONTACT_JSON}],"next_page_token":"next-1"}}"#),
    );
    let page = basic_client(&fake)
        .list(ListContactsQuery::default())
        .await
        .unwrap();
    assert_eq!(page.contacts.len(), 1);
    assert_eq!(page.next_page_token.as_deref(), Some("next-1"));
    assert_eq!(fake.requests()[0].uri().query(), None);
}

#[tokio::test]
async fn an_empty_page_and_missing_fields_are_fine() {
    let fake = FakeTransport::new();
    let client = basic_client(&fake);
    fake.push_json(200, r#"{"contacts":[],"next_page_token":""}"#);
    let page = client.list(ListContactsQuery::default()).await.unwrap();
    assert!(page.contacts.is_empty());
    fake.push_json(200, "{}");
    let page = client.list(ListContactsQuery::default()).await.unwrap();
    assert!(page.contacts.is_empty());
    assert_eq!(page.next_page_token, None);
}

#[tokio::test]
async fn identity_plus_sign_survives_encoding() {
    let fake = FakeTransport::new();
    fake.push_json(200, r#"{"contacts":[]}"#);
    let query = ListContactsQuery::new().filter(ContactFilter::channel_identity(
        ConversationChannel::Whatsapp,
        "+46 70 123",
    ));
    basic_client(&fake).list(query).await.unwrap();
    assert_eq!(
        fake.requests()[0].uri().query(),
        Some("channel=WHATSAPP&identity=%2B46%2070%20123")
    );
}

#[tokio::test]
async fn an_invalid_query_sends_nothing() {
    let fake = FakeTransport::new();
    let query = ListContactsQuery::new().page_size(500);
    let error = basic_client(&fake).list(query).await.unwrap_err();
    let Error::Validation(validation) = &error else {
        panic!("expected a validation error, got {error:?}");
    };
    assert!(validation.to_string().contains("page_size"));
    assert_eq!(fake.request_count(), 0);
}

#[tokio::test]
async fn a_garbage_page_is_a_decode_error_with_the_raw_body() {
    let fake = FakeTransport::new();
    fake.push_json(200, r#"{"contacts":{"not":"a list"}}"#);
    let error = basic_client(&fake)
        .list(ListContactsQuery::default())
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.path(), "contacts");
    assert_eq!(
        decode.raw_body().as_ref(),
        br#"{"contacts":{"not":"a list"}}"#
    );
}

#[tokio::test]
async fn html_from_a_proxy_is_an_api_error_keeping_the_body() {
    let fake = FakeTransport::new();
    fake.push_response(
        http::Response::builder()
            .status(502)
            .header("content-type", "text/html")
            .body(bytes::Bytes::from_static(
                b"<html><body>Bad gateway</body></html>",
            ))
            .unwrap(),
    );
    let error = basic_client(&fake)
        .list(ListContactsQuery::default())
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert!(!api.has_error_body());
    assert_eq!(
        api.raw_body().as_ref(),
        b"<html><body>Bad gateway</body></html>"
    );
}
