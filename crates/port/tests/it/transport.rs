//! Plugging transports in, and configuration errors.

use std::sync::Arc;

use sinch_contacts_port::test_util::json_response;
use sinch_contacts_port::{
    Auth, ConfigError, ContactsClient, Region, RetryPolicy, Transport, TransportError,
    TransportErrorKind, transport_fn,
};

use crate::support::CONTACT_JSON;

#[tokio::test]
async fn a_closure_transport_gets_auth_urls_and_parsing() {
    let transport = transport_fn(|request| async move {
        assert_eq!(
            request.uri(),
            "https://br.conversation.api.sinch.com/v1/projects/p/contacts/01CONTACT"
        );
        assert!(request.headers().contains_key("authorization"));
        Ok(json_response(200, CONTACT_JSON))
    });
    let client = ContactsClient::builder(transport, "p")
        .region(Region::Br)
        .auth(Auth::basic("id", "secret"))
        .build()
        .unwrap();
    let contact = client.get("01CONTACT").await.unwrap();
    assert_eq!(contact.display_name.as_deref(), Some("Ada"));
}

#[tokio::test]
async fn a_shared_dyn_transport_and_a_custom_base_url() {
    let transport: Arc<dyn Transport> = Arc::new(transport_fn(|request| async move {
        assert_eq!(
            request.uri(),
            "http://127.0.0.1:8080/emulator/v1/projects/p%201/contacts/x"
        );
        Ok(json_response(200, CONTACT_JSON))
    }));
    let client = ContactsClient::builder_shared(transport, "p 1")
        .base_url("http://127.0.0.1:8080/emulator/")
        .auth(Auth::basic("id", "secret"))
        .build()
        .unwrap();
    client.get("x").await.unwrap();
}

#[test]
fn configuration_errors_are_explicit() {
    let transport = || transport_fn(|_| async { Err(TransportError::other("unused")) });
    let auth = || Auth::basic("id", "secret");
    let missing_region = ContactsClient::builder(transport(), "p")
        .auth(auth())
        .build();
    assert_eq!(missing_region.unwrap_err(), ConfigError::MissingRegion);
    let missing_auth = ContactsClient::builder(transport(), "p")
        .region(Region::Eu)
        .build();
    assert_eq!(missing_auth.unwrap_err(), ConfigError::MissingAuth);
    let empty_project = ContactsClient::builder(transport(), " ")
        .region(Region::Eu)
        .auth(auth())
        .build();
    assert_eq!(empty_project.unwrap_err(), ConfigError::EmptyProjectId);
    let bad_url = ContactsClient::builder(transport(), "p")
        .base_url("localhost:8080")
        .auth(auth())
        .build();
    assert!(matches!(bad_url, Err(ConfigError::InvalidUrl { .. })));
    let bad_token_url = ContactsClient::builder(transport(), "p")
        .region(Region::Us)
        .auth(Auth::oauth2("id", "secret").with_token_url("not a url"))
        .build();
    assert!(matches!(bad_token_url, Err(ConfigError::InvalidUrl { .. })));
    assert!(
        ConfigError::MissingRegion
            .to_string()
            .contains(".region(Region::Us | Eu | Br)")
    );
    let without_retries = ContactsClient::builder(transport(), "p")
        .region(Region::Us)
        .auth(auth())
        .retry_policy(RetryPolicy::disabled())
        .build();
    assert!(without_retries.is_ok());
}

#[test]
fn transport_error_kinds() {
    let cases = [
        (
            TransportError::connect("x"),
            TransportErrorKind::Connect,
            false,
        ),
        (
            TransportError::timeout("x"),
            TransportErrorKind::Timeout,
            true,
        ),
        (TransportError::io("x"), TransportErrorKind::Io, true),
        (TransportError::other("x"), TransportErrorKind::Other, true),
    ];
    for (error, kind, may_have_been_sent) in cases {
        assert_eq!(error.kind(), kind);
        assert_eq!(error.may_have_been_sent(), may_have_been_sent);
        assert_eq!(std::error::Error::source(&error).unwrap().to_string(), "x");
    }
}
