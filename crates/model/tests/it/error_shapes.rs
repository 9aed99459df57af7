//! The error envelopes the API is documented to send.

use serde_json::json;
use sinch_contacts_model::ErrorResponse;

#[test]
fn the_wrapped_error_reads_with_code_status_and_details() {
    let body = json!({"error": {"code": 400, "message": "Invalid argument", "status": "INVALID_ARGUMENT",
        "details": [{"type": "type.googleapis.com/google.rpc.BadRequest",
                     "field_violations": [{"field": "message_id", "description": "Field is mandatory"}]}]}});
    let ErrorResponse::WrappedError(wrapped) = serde_json::from_value(body.clone()).unwrap() else {
        panic!("expected the wrapped shape");
    };
    assert_eq!(wrapped.error.code, Some(400));
    assert_eq!(wrapped.error.message.as_deref(), Some("Invalid argument"));
    assert_eq!(wrapped.error.status.as_deref(), Some("INVALID_ARGUMENT"));
    assert_eq!(wrapped.error.details.len(), 1);
    assert_eq!(
        wrapped.error.details[0]["field_violations"][0]["field"],
        "message_id"
    );
    assert_eq!(
        serde_json::to_value(ErrorResponse::WrappedError(wrapped)).unwrap(),
        body
    );
}

#[test]
fn the_wrapped_error_without_code_reads() {
    let body = json!({"error": {"message": "Message not found", "status": "NotFound"}});
    let ErrorResponse::WrappedError(wrapped) = serde_json::from_value(body).unwrap() else {
        panic!("expected the wrapped shape");
    };
    assert_eq!(wrapped.error.code, None);
    assert_eq!(wrapped.error.message.as_deref(), Some("Message not found"));
    assert_eq!(wrapped.error.status.as_deref(), Some("NotFound"));
    assert!(wrapped.error.details.is_empty());
}

#[test]
fn the_flat_error_reads_with_its_error_string() {
    let body = json!({"code": 404, "message": "Contact not found", "status": "NOT_FOUND", "details": [], "error": "not found"});
    let ErrorResponse::FlatError(flat) = serde_json::from_value(body).unwrap() else {
        panic!("expected the flat shape");
    };
    assert_eq!(flat.code, Some(404));
    assert_eq!(flat.message.as_deref(), Some("Contact not found"));
    assert_eq!(flat.status.as_deref(), Some("NOT_FOUND"));
    assert!(flat.details.is_empty());
    assert_eq!(flat.error.as_deref(), Some("not found"));
}

#[test]
fn an_unknown_error_body_is_kept_as_received() {
    let body = json!(["unexpected"]);
    assert_eq!(
        serde_json::from_value::<ErrorResponse>(body.clone()).unwrap(),
        ErrorResponse::Unrecognized(body)
    );
}
