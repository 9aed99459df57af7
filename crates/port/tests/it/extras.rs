//! Merge, channel profile, identity conflicts and capability query.

use sinch_contacts_model::{
    ChannelRecipientIdentity, ConversationChannel, GetChannelProfileConversationChannel,
    GetChannelProfileRequest, IdentifiedBy, IdentityConflictsQuery, QueryCapabilityRequest,
    Recipient, RecipientContactId, RecipientIdentifiedBy,
};
use sinch_contacts_port::Error;
use sinch_contacts_port::test_util::FakeTransport;

use crate::support::{CONTACT_JSON, basic_client};

fn by_contact(id: &str) -> Recipient {
    Recipient::from(RecipientContactId::new(id))
}

#[tokio::test]
async fn merge_posts_to_the_destination_and_returns_it() {
    let fake = FakeTransport::new();
    fake.push_json(200, CONTACT_JSON);
    let contact = basic_client(&fake)
        .merge("01CONTACT", "01OTHER")
        .await
        .unwrap();
    assert_eq!(contact.id.as_deref(), Some("01CONTACT"));
    let request = &fake.requests()[0];
    assert_eq!(request.method(), http::Method::POST);
    assert!(request.uri().path().ends_with("/contacts/01CONTACT:merge"));
    let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"source_id": "01OTHER", "strategy": "MERGE"})
    );
}

#[tokio::test]
async fn merging_a_contact_into_itself_sends_nothing() {
    let fake = FakeTransport::new();
    let error = basic_client(&fake).merge("same", "same").await.unwrap_err();
    assert!(matches!(error, Error::Validation(_)), "{error:?}");
    assert_eq!(fake.request_count(), 0);
}

#[tokio::test]
async fn merge_with_a_missing_source_is_an_api_error() {
    let fake = FakeTransport::new();
    fake.push_json(
        404,
        r#"{"error":{"code":404,"message":"source contact not found","status":"NOT_FOUND"}}"#,
    );
    let error = basic_client(&fake).merge("a", "b").await.unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND));
    assert!(error.to_string().contains("source contact not found"));
}

#[tokio::test]
async fn channel_profile_returns_the_name_or_nothing() {
    let fake = FakeTransport::new();
    let client = basic_client(&fake);
    let request = GetChannelProfileRequest::new(
        "app-1",
        by_contact("01CONTACT"),
        GetChannelProfileConversationChannel::Viber,
    );
    fake.push_json(200, r#"{"profile_name":"Ada L."}"#);
    let profile = client.get_channel_profile(&request).await.unwrap();
    assert_eq!(profile.profile_name.as_deref(), Some("Ada L."));
    fake.push_json(200, "{}");
    let profile = client.get_channel_profile(&request).await.unwrap();
    assert_eq!(profile.profile_name, None);
}

#[tokio::test]
async fn channel_profile_without_app_id_or_recipient_sends_nothing() {
    let fake = FakeTransport::new();
    let client = basic_client(&fake);
    let no_app = GetChannelProfileRequest::new(
        "",
        by_contact("01CONTACT"),
        GetChannelProfileConversationChannel::Line,
    );
    assert!(matches!(
        client.get_channel_profile(&no_app).await,
        Err(Error::Validation(_))
    ));
    let no_identities = GetChannelProfileRequest::new(
        "app",
        Recipient::from(RecipientIdentifiedBy::new(IdentifiedBy::new(Vec::new()))),
        GetChannelProfileConversationChannel::Line,
    );
    assert!(matches!(
        client.get_channel_profile(&no_identities).await,
        Err(Error::Validation(_))
    ));
    assert_eq!(fake.request_count(), 0);
}

#[tokio::test]
async fn channel_profile_for_an_unsupported_channel_is_an_api_error() {
    let fake = FakeTransport::new();
    fake.push_json(
        400,
        r#"{"code":400,"message":"channel not supported","status":"INVALID_ARGUMENT","details":[],"error":"bad request"}"#,
    );
    let request = GetChannelProfileRequest::new(
        "app-1",
        Recipient::from(RecipientIdentifiedBy::new(IdentifiedBy::new(vec![
            ChannelRecipientIdentity::new(ConversationChannel::Messenger, "psid-1"),
        ]))),
        GetChannelProfileConversationChannel::Messenger,
    );
    let error = basic_client(&fake)
        .get_channel_profile(&request)
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.error_text(), Some("bad request"));
    assert_eq!(api.message(), Some("channel not supported"));
}

#[tokio::test]
async fn identity_conflicts_page() {
    let fake = FakeTransport::new();
    fake.push_json(
        200,
        r#"{"conflicts":[{"identity":"+46701234567","channels":["SMS","RCS"],"contact_ids":["a","b"]}],"next_page_token":""}"#,
    );
    let page = basic_client(&fake)
        .list_identity_conflicts(IdentityConflictsQuery::default())
        .await
        .unwrap();
    assert_eq!(page.conflicts[0].identity.as_deref(), Some("+46701234567"));
    assert_eq!(
        page.conflicts[0].channels,
        vec![ConversationChannel::Sms, ConversationChannel::Rcs]
    );
    assert_eq!(page.next_page_token.as_deref(), Some(""));
    assert!(
        fake.requests()[0]
            .uri()
            .path()
            .ends_with("/contacts:identityConflicts")
    );
}

#[tokio::test]
async fn identity_conflicts_edge_answers() {
    let fake = FakeTransport::new();
    let client = basic_client(&fake);
    fake.push_json(200, r#"{"conflicts":null}"#);
    let page = client
        .list_identity_conflicts(IdentityConflictsQuery::default())
        .await
        .unwrap();
    assert!(page.conflicts.is_empty());
    fake.push_json(
        403,
        r#"{"error":{"code":403,"message":"forbidden","status":"PERMISSION_DENIED"}}"#,
    );
    let error = client
        .list_identity_conflicts(IdentityConflictsQuery::default())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::FORBIDDEN));
    fake.push_json(200, r#"{"conflicts":[{"identity":7}]}"#);
    let error = client
        .list_identity_conflicts(IdentityConflictsQuery::default())
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.path(), "conflicts[0].identity");
}

#[tokio::test]
async fn capability_query_is_acknowledged() {
    let fake = FakeTransport::new();
    fake.push_json(
        200,
        r#"{"app_id":"app-1","recipient":{"contact_id":"01CONTACT"},"request_id":"generated-1"}"#,
    );
    let request = QueryCapabilityRequest::new("app-1", by_contact("01CONTACT"));
    let answer = basic_client(&fake)
        .query_capability(&request)
        .await
        .unwrap();
    assert_eq!(answer.request_id.as_deref(), Some("generated-1"));
    assert_eq!(answer.recipient, Some(by_contact("01CONTACT")));
    assert!(
        fake.requests()[0]
            .uri()
            .path()
            .ends_with("/capability:query")
    );
}

#[tokio::test]
async fn capability_query_errors() {
    let fake = FakeTransport::new();
    let client = basic_client(&fake);
    let request = QueryCapabilityRequest::new("app-1", by_contact(""));
    assert!(matches!(
        client.query_capability(&request).await,
        Err(Error::Validation(_))
    ));
    assert_eq!(fake.request_count(), 0);
    fake.push_json(
        404,
        r#"{"error":{"message":"contact not in project","status":"NOT_FOUND"}}"#,
    );
    let request = QueryCapabilityRequest::new("app-1", by_contact("01X"));
    let error = client.query_capability(&request).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "API error: HTTP 404 Not Found, NOT_FOUND: contact not in project"
    );
}
