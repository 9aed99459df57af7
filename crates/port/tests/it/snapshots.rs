//! One snapshot per operation of the request the client sends: method, URL,
//! sorted headers with credentials redacted, pretty body.

use insta::assert_snapshot;
use sinch_contacts_model::{
    ChannelIdentity, ChannelRecipientIdentity, ContactCreateRequest, ContactFilter,
    ContactLanguage, ContactPatch, ConversationChannel, GetChannelProfileConversationChannel,
    GetChannelProfileRequest, IdentifiedBy, IdentityConflictsQuery, ListContactsQuery,
    QueryCapabilityRequest, Recipient, RecipientContactId, RecipientIdentifiedBy,
};
use sinch_contacts_port::test_util::{FakeTransport, render_request};

use crate::support::{CONTACT_JSON, basic_client};

/// Runs `call` against a fake answering `answer` and renders the one request.
async fn sent<F, Fut, T>(answer: &str, call: F) -> String
where
    F: FnOnce(sinch_contacts_port::ContactsClient) -> Fut,
    Fut: std::future::Future<Output = Result<T, sinch_contacts_port::Error>>,
{
    let fake = FakeTransport::new();
    fake.push_json(200, answer);
    call(basic_client(&fake)).await.expect("call succeeds");
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    render_request(&requests[0])
}

#[tokio::test]
async fn list_contacts_with_channel_identity() {
    let query = ListContactsQuery::new()
        .page_size(20)
        .page_token("page/2+x")
        .filter(ContactFilter::channel_identity(
            ConversationChannel::Sms,
            "+46701234567",
        ));
    let text = sent(r#"{"contacts":[]}"#, |client| async move {
        client.list(query).await
    })
    .await;
    assert!(text.contains("identity=%2B46701234567"));
    assert_snapshot!(text);
}

#[tokio::test]
async fn list_contacts_with_external_id() {
    let query = ListContactsQuery::from_params(None, None, Some("ext id&1"), None, None).unwrap();
    let text = sent(r#"{"contacts":[]}"#, |client| async move {
        client.list(query).await
    })
    .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn create_contact() {
    let mut request = ContactCreateRequest::new(
        vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46701234567",
        )],
        ContactLanguage::EnUs,
    );
    request.display_name = Some("Ada".to_owned());
    request.channel_priority = vec![ConversationChannel::Sms];
    let text = sent(CONTACT_JSON, |client| async move {
        client.create(&request).await
    })
    .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn get_contact_encodes_the_id() {
    let text = sent(CONTACT_JSON, |client| async move {
        client.get("01/ID:x?").await
    })
    .await;
    assert!(text.contains("/contacts/01%2FID%3Ax%3F\n"));
    assert_snapshot!(text);
}

#[tokio::test]
async fn update_contact_with_derived_mask() {
    let patch = ContactPatch::new()
        .display_name("Ada L.")
        .clear_email()
        .metadata("{\"tier\":1}");
    let text = sent(CONTACT_JSON, |client| async move {
        client.update("01CONTACT", &patch).await
    })
    .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn delete_contact() {
    let text = sent(
        "{}",
        |client| async move { client.delete("01CONTACT").await },
    )
    .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn merge_contacts() {
    let text = sent(CONTACT_JSON, |client| async move {
        client.merge("01DEST", "01SOURCE").await
    })
    .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn get_channel_profile_by_contact_id() {
    let request = GetChannelProfileRequest::new(
        "app-1",
        Recipient::from(RecipientContactId::new("01CONTACT")),
        GetChannelProfileConversationChannel::Messenger,
    );
    let text = sent(r#"{"profile_name":"Ada"}"#, |client| async move {
        client.get_channel_profile(&request).await
    })
    .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn get_channel_profile_by_channel_identity() {
    let request = GetChannelProfileRequest::new(
        "app-1",
        Recipient::from(RecipientIdentifiedBy::new(IdentifiedBy::new(vec![
            ChannelRecipientIdentity::new(ConversationChannel::Instagram, "ig-user-1"),
        ]))),
        GetChannelProfileConversationChannel::Instagram,
    );
    let text = sent(r#"{"profile_name":"Ada"}"#, |client| async move {
        client.get_channel_profile(&request).await
    })
    .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn list_identity_conflicts() {
    let query = IdentityConflictsQuery::new()
        .page_size(5)
        .page_token("tok=1");
    let text = sent(r#"{"conflicts":[]}"#, |client| async move {
        client.list_identity_conflicts(query).await
    })
    .await;
    assert_snapshot!(text);
}

#[tokio::test]
async fn query_capability() {
    let mut request = QueryCapabilityRequest::new(
        "app-1",
        Recipient::from(RecipientContactId::new("01CONTACT")),
    );
    request.request_id = Some("req-1".to_owned());
    let text = sent(
        r#"{"app_id":"app-1","recipient":{"contact_id":"01CONTACT"},"request_id":"req-1"}"#,
        |client| async move { client.query_capability(&request).await },
    )
    .await;
    assert_snapshot!(text);
}
