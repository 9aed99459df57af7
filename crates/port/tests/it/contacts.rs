//! Create, get, update and delete: success, errors and edge answers.

use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ContactPatch, ConversationChannel,
};
use sinch_contacts_port::test_util::{FakeTransport, json_response};
use sinch_contacts_port::{Error, HttpResponse};

use crate::support::{CONTACT_JSON, basic_client};

const NOT_FOUND: &str =
    r#"{"error":{"code":404,"message":"Contact 01X not found","status":"NOT_FOUND","details":[]}}"#;

fn valid_create() -> ContactCreateRequest {
    ContactCreateRequest::new(
        vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46701234567",
        )],
        ContactLanguage::EnUs,
    )
}

#[tokio::test]
async fn create_returns_the_contact_and_keeps_unknown_fields() {
    let fake = FakeTransport::new();
    fake.push_json(
        200,
        &CONTACT_JSON.replace("\"metadata\"", "\"future_field\": {\"a\": 1}, \"metadata\""),
    );
    let contact = basic_client(&fake).create(&valid_create()).await.unwrap();
    assert_eq!(contact.id.as_deref(), Some("01CONTACT"));
    assert_eq!(contact.display_name.as_deref(), Some("Ada"));
    assert_eq!(contact.channel_identities[0].identity, "+46701234567");
    assert!(contact.additional_properties.contains_key("future_field"));
}

#[tokio::test]
async fn invalid_create_sends_nothing() {
    let fake = FakeTransport::new();
    let request = ContactCreateRequest::new(Vec::new(), ContactLanguage::EnUs);
    let error = basic_client(&fake).create(&request).await.unwrap_err();
    let Error::Validation(validation) = &error else {
        panic!("expected a validation error, got {error:?}");
    };
    assert!(validation.to_string().contains("channel_identities"));
    assert_eq!(fake.request_count(), 0);
}

#[tokio::test]
async fn get_returns_the_contact() {
    let fake = FakeTransport::new();
    fake.push_json(200, CONTACT_JSON);
    let contact = basic_client(&fake).get("01CONTACT").await.unwrap();
    assert_eq!(contact.external_id.as_deref(), Some("ext-1"));
    assert_eq!(contact.channel_priority, vec![ConversationChannel::Sms]);
}

#[tokio::test]
async fn get_404_is_an_api_error_with_code_and_message() {
    let fake = FakeTransport::new();
    fake.push_json(404, NOT_FOUND);
    let error = basic_client(&fake).get("01X").await.unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND));
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.code(), Some(404));
    assert_eq!(api.api_status(), Some("NOT_FOUND"));
    assert_eq!(
        error.to_string(),
        "API error: HTTP 404 Not Found, NOT_FOUND (code 404): Contact 01X not found"
    );
}

#[tokio::test]
async fn get_with_an_empty_id_sends_nothing() {
    let fake = FakeTransport::new();
    let client = basic_client(&fake);
    for error in [
        client.get("").await.unwrap_err(),
        client.delete(" ").await.unwrap_err(),
        client
            .update("", &ContactPatch::new().display_name("x"))
            .await
            .unwrap_err(),
        client.merge("", "b").await.unwrap_err(),
    ] {
        assert!(matches!(error, Error::Validation(_)), "{error:?}");
    }
    assert_eq!(fake.request_count(), 0);
}

#[tokio::test]
async fn get_with_a_body_of_the_wrong_shape_is_a_decode_error() {
    let fake = FakeTransport::new();
    fake.push_json(
        200,
        r#"{"id":"01","channel_identities":[{"channel":"SMS","identity":42}]}"#,
    );
    let error = basic_client(&fake).get("01").await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.path(), "channel_identities[0].identity");
    assert_eq!(decode.status(), http::StatusCode::OK);
    assert!(decode.raw_body().starts_with(b"{\"id\":\"01\""));
    assert_eq!(
        error.to_string(),
        "could not decode the HTTP 200 OK response as Contact at `channel_identities[0].identity`"
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[tokio::test]
async fn update_returns_the_updated_contact() {
    let fake = FakeTransport::new();
    fake.push_json(200, CONTACT_JSON);
    let patch = ContactPatch::new().display_name("Ada");
    let contact = basic_client(&fake)
        .update("01CONTACT", &patch)
        .await
        .unwrap();
    assert_eq!(contact.display_name.as_deref(), Some("Ada"));
    let request = &fake.requests()[0];
    assert_eq!(request.method(), http::Method::PATCH);
    assert_eq!(request.uri().query(), Some("update_mask=display_name"));
    let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(body, serde_json::json!({"display_name": "Ada"}));
}

#[tokio::test]
async fn update_sends_cleared_fields_as_null_and_in_the_mask() {
    let fake = FakeTransport::new();
    fake.push_json(200, CONTACT_JSON);
    let patch = ContactPatch::new().clear_email().metadata("m2");
    basic_client(&fake)
        .update("01CONTACT", &patch)
        .await
        .unwrap();
    let request = &fake.requests()[0];
    let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(body, serde_json::json!({"email": null, "metadata": "m2"}));
    let query = request.uri().query().unwrap();
    assert!(query.starts_with("update_mask="));
    let mut fields: Vec<&str> = query["update_mask=".len()..].split(',').collect();
    fields.sort_unstable();
    assert_eq!(fields, vec!["email", "metadata"]);
}

#[tokio::test]
async fn delete_accepts_an_empty_object_or_an_empty_body() {
    let fake = FakeTransport::new();
    let client = basic_client(&fake);
    fake.push_json(200, "{}");
    client.delete("01CONTACT").await.unwrap();
    fake.push_response(HttpResponse::new(bytes::Bytes::new()));
    client.delete("01CONTACT").await.unwrap();
    fake.push_response(
        http::Response::builder()
            .status(204)
            .body(bytes::Bytes::new())
            .unwrap(),
    );
    client.delete("01CONTACT").await.unwrap();
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.method() == http::Method::DELETE && r.body().is_empty())
    );
}

#[tokio::test]
async fn delete_404_is_an_api_error() {
    let fake = FakeTransport::new();
    fake.push_response(json_response(404, NOT_FOUND));
    let error = basic_client(&fake).delete("01X").await.unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND));
}
