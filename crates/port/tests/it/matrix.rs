//! Every operation against the same set of answers: wrapped and flat error
//! bodies, garbage, 404, 429 with Retry-After, 500, an expired token.

use http::StatusCode;
use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ContactPatch, ConversationChannel,
    GetChannelProfileConversationChannel, GetChannelProfileRequest, IdentityConflictsQuery,
    ListContactsQuery, QueryCapabilityRequest, Recipient, RecipientContactId,
};
use sinch_contacts_port::test_util::{FakeTransport, json_response};
use sinch_contacts_port::{ContactsClient, Error};

use crate::support::{
    CONTACT_JSON, Time, basic_client, oauth_client, retrying_client, secs, token_response,
    with_header,
};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    List,
    Create,
    Get,
    Update,
    Delete,
    Merge,
    ChannelProfile,
    IdentityConflicts,
    Capability,
}

const ALL: [Op; 9] = [
    Op::List,
    Op::Create,
    Op::Get,
    Op::Update,
    Op::Delete,
    Op::Merge,
    Op::ChannelProfile,
    Op::IdentityConflicts,
    Op::Capability,
];

impl Op {
    fn is_idempotent(self) -> bool {
        matches!(
            self,
            Op::List | Op::Get | Op::Delete | Op::IdentityConflicts
        )
    }

    fn success_body(self) -> String {
        match self {
            Op::List => format!(r#"{{"contacts":[{CONTACT_JSON}],"next_page_token":""}}"#),
            Op::Create | Op::Get | Op::Update | Op::Merge => CONTACT_JSON.to_owned(),
            Op::Delete => "{}".to_owned(),
            Op::ChannelProfile => r#"{"profile_name":"Ada"}"#.to_owned(),
            Op::IdentityConflicts => {
                r#"{"conflicts":[{"identity":"+1","channels":["SMS"],"contact_ids":["a","b"]}]}"#
                    .to_owned()
            }
            Op::Capability => r#"{"app_id":"app","request_id":"r1"}"#.to_owned(),
        }
    }

    async fn call(self, client: &ContactsClient) -> Result<(), Error> {
        let recipient = || Recipient::from(RecipientContactId::new("01CONTACT"));
        match self {
            Op::List => client.list(ListContactsQuery::new()).await.map(drop),
            Op::Create => {
                let request = ContactCreateRequest::new(
                    vec![ChannelIdentity::new(
                        ConversationChannel::Sms,
                        "+46701234567",
                    )],
                    ContactLanguage::En,
                );
                client.create(&request).await.map(drop)
            }
            Op::Get => client.get("01CONTACT").await.map(drop),
            Op::Update => {
                let patch = ContactPatch::new().display_name("Ada");
                client.update("01CONTACT", &patch).await.map(drop)
            }
            Op::Delete => client.delete("01CONTACT").await,
            Op::Merge => client.merge("01CONTACT", "01OTHER").await.map(drop),
            Op::ChannelProfile => {
                let request = GetChannelProfileRequest::new(
                    "app",
                    recipient(),
                    GetChannelProfileConversationChannel::Messenger,
                );
                client.get_channel_profile(&request).await.map(drop)
            }
            Op::IdentityConflicts => client
                .list_identity_conflicts(IdentityConflictsQuery::new())
                .await
                .map(drop),
            Op::Capability => {
                let request = QueryCapabilityRequest::new("app", recipient());
                client.query_capability(&request).await.map(drop)
            }
        }
    }
}

fn api_error(op: Op, result: Result<(), Error>) -> sinch_contacts_port::ApiError {
    match result {
        Err(Error::Api(api)) => api,
        other => panic!("{op:?}: expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn every_operation_succeeds_and_tolerates_unknown_fields() {
    for op in ALL {
        let fake = FakeTransport::new();
        let body = op.success_body();
        let extended = format!(r#"{{"unknown_top_level":[1,2],{}"#, &body[1..]);
        fake.push_json(200, &extended);
        op.call(&basic_client(&fake))
            .await
            .unwrap_or_else(|error| panic!("{op:?}: {error}"));
        assert_eq!(fake.request_count(), 1, "{op:?}");
    }
}

#[tokio::test]
async fn every_operation_reports_a_wrapped_404() {
    for op in ALL {
        let fake = FakeTransport::new();
        fake.push_json(
            404,
            r#"{"error":{"code":404,"message":"Not found","status":"NOT_FOUND","details":[]}}"#,
        );
        let api = api_error(op, op.call(&basic_client(&fake)).await);
        assert_eq!(api.status(), StatusCode::NOT_FOUND, "{op:?}");
        assert_eq!(api.code(), Some(404), "{op:?}");
        assert_eq!(api.message(), Some("Not found"), "{op:?}");
        assert_eq!(fake.request_count(), 1, "{op:?}");
    }
}

#[tokio::test]
async fn every_operation_reports_a_flat_error() {
    for op in ALL {
        let fake = FakeTransport::new();
        fake.push_json(
            400,
            r#"{"code":400,"message":"Malformed request","status":"INVALID_REQUEST","details":[],"error":"bad"}"#,
        );
        let api = api_error(op, op.call(&basic_client(&fake)).await);
        assert_eq!(api.api_status(), Some("INVALID_REQUEST"), "{op:?}");
        assert_eq!(api.error_text(), Some("bad"), "{op:?}");
    }
}

#[tokio::test]
async fn every_operation_rejects_a_garbage_success_body_except_delete() {
    for op in ALL {
        let fake = FakeTransport::new();
        fake.push_json(200, "<html>maintenance</html>");
        let result = op.call(&basic_client(&fake)).await;
        if op == Op::Delete {
            assert!(result.is_ok(), "delete ignores its success body");
            continue;
        }
        match result {
            Err(Error::Decode(decode)) => {
                assert_eq!(decode.path(), ".", "{op:?}");
                assert_eq!(decode.raw_body().as_ref(), b"<html>maintenance</html>");
            }
            other => panic!("{op:?}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn every_operation_waits_out_a_429_and_retries() {
    for op in ALL {
        let fake = FakeTransport::new();
        let time = Time::new();
        fake.push_response(with_header(json_response(429, "{}"), "retry-after", "3"));
        fake.push_json(200, &op.success_body());
        op.call(&retrying_client(&fake, &time))
            .await
            .unwrap_or_else(|error| panic!("{op:?}: {error}"));
        assert_eq!(fake.request_count(), 2, "{op:?}");
        assert_eq!(time.sleep.delays(), vec![secs(3)], "{op:?}");
    }
}

#[tokio::test]
async fn a_500_is_retried_only_for_idempotent_operations() {
    for op in ALL {
        let fake = FakeTransport::new();
        let time = Time::new();
        fake.push_json(500, "{}");
        fake.push_json(200, &op.success_body());
        let result = op.call(&retrying_client(&fake, &time)).await;
        if op.is_idempotent() {
            assert!(result.is_ok(), "{op:?}: {result:?}");
            assert_eq!(fake.request_count(), 2, "{op:?}");
        } else {
            let api = api_error(op, result);
            assert_eq!(api.status(), StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(fake.request_count(), 1, "{op:?}");
        }
    }
}

#[tokio::test]
async fn every_operation_survives_an_expired_token() {
    for op in ALL {
        let fake = FakeTransport::new();
        let time = Time::new();
        fake.push_response(token_response("old", 3600));
        fake.push_response(with_header(
            json_response(401, r#"{"error":{"code":401,"status":"UNAUTHENTICATED"}}"#),
            "www-authenticate",
            "Bearer error=\"expired\"",
        ));
        fake.push_response(token_response("new", 3600));
        fake.push_json(200, &op.success_body());
        op.call(&oauth_client(&fake, &time))
            .await
            .unwrap_or_else(|error| panic!("{op:?}: {error}"));
        let requests = fake.requests();
        assert_eq!(requests.len(), 4, "{op:?}");
        assert_eq!(requests[3].headers()["authorization"], "Bearer new");
        // The retried request is the same request.
        assert_eq!(requests[1].uri(), requests[3].uri());
        assert_eq!(requests[1].body(), requests[3].body());
    }
}
