//! The error type: Display, source, status and retryability.

use std::error::Error as _;

use sinch_contacts_port::test_util::{FakeTransport, json_response};
use sinch_contacts_port::{Error, TransportError};

use crate::support::basic_client;

async fn error_for(response: sinch_contacts_port::HttpResponse) -> Error {
    let fake = FakeTransport::new();
    fake.push_response(response);
    basic_client(&fake).get("x").await.unwrap_err()
}

#[tokio::test]
async fn wrapped_error_with_details() {
    let error = error_for(json_response(
        400,
        r#"{"error":{"code":400,"message":"Invalid argument","status":"INVALID_ARGUMENT",
            "details":[{"@type":"type.googleapis.com/google.rpc.BadRequest",
            "field_violations":[{"field":"identity","description":"Field is mandatory"}]}]}}"#,
    ))
    .await;
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.details().len(), 1);
    assert_eq!(
        api.details()[0].type_url(),
        Some("type.googleapis.com/google.rpc.BadRequest")
    );
    assert!(api.details()[0].to_json().contains("field_violations"));
    assert_eq!(
        error.to_string(),
        "API error: HTTP 400 Bad Request, INVALID_ARGUMENT (code 400): Invalid argument"
    );
    assert!(!error.is_retryable());
    // The API error is the failure itself: nothing behind it.
    assert!(error.source().is_none());
}

#[tokio::test]
async fn flat_error_shape() {
    let error = error_for(json_response(
        500,
        r#"{"code":500,"message":"Internal error","status":"INTERNAL_ERROR","details":[],"error":"internal"}"#,
    ))
    .await;
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.code(), Some(500));
    assert_eq!(api.error_text(), Some("internal"));
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        "API error: HTTP 500 Internal Server Error, INTERNAL_ERROR (code 500): Internal error"
    );
}

#[tokio::test]
async fn garbage_and_empty_error_bodies() {
    let error = error_for(json_response(503, "upstream connect error")).await;
    assert_eq!(
        error.to_string(),
        "API error: HTTP 503 Service Unavailable with a body that is not a Sinch error: \"upstream connect error\""
    );
    let error = error_for(json_response(500, "")).await;
    assert_eq!(
        error.to_string(),
        "API error: HTTP 500 Internal Server Error with an empty body"
    );
    let error = error_for(json_response(501, "{}")).await;
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn transport_error_display_excludes_its_source() {
    let fake = FakeTransport::new();
    fake.push_error(TransportError::connect("connection refused (os error 111)"));
    let error = basic_client(&fake).get("x").await.unwrap_err();
    assert_eq!(error.to_string(), "transport error: could not connect");
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
    let chain: Vec<String> = std::iter::successors(error.source(), |e| (*e).source())
        .map(ToString::to_string)
        .collect();
    assert_eq!(chain, vec!["connection refused (os error 111)"]);
}

#[tokio::test]
async fn validation_error_names_the_field() {
    let fake = FakeTransport::new();
    let error = basic_client(&fake).get("").await.unwrap_err();
    assert!(error.to_string().starts_with("invalid request: "));
    assert!(error.to_string().contains("contact_id"));
    assert_eq!(error.status(), None);
    assert!(!error.is_retryable());
}
