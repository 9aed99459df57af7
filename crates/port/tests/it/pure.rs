//! The operations as pure functions, without a client or a transport.

use bytes::Bytes;
use sinch_contacts_model::{ContactPatch, ListContactsQuery};
use sinch_contacts_port::operations::{
    DeleteContact, GetContact, ListContacts, MergeContacts, Operation, UpdateContact,
};
use sinch_contacts_port::test_util::json_response;
use sinch_contacts_port::{Endpoint, Error, Region};

use crate::support::CONTACT_JSON;

#[test]
fn build_adds_no_credentials_and_parse_needs_no_client() {
    let endpoint = Endpoint::for_region(Region::Us, "p");
    let request = GetContact::new("01CONTACT").build(&endpoint).unwrap();
    assert_eq!(request.method(), http::Method::GET);
    assert!(!request.headers().contains_key("authorization"));
    assert_eq!(request.headers()["accept"], "application/json");

    let contact = GetContact::parse(json_response(200, CONTACT_JSON)).unwrap();
    assert_eq!(contact.id.as_deref(), Some("01CONTACT"));
    let error = GetContact::parse(json_response(404, "{}")).unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::NOT_FOUND));
}

#[test]
fn building_is_deterministic() {
    let endpoint = Endpoint::custom("http://127.0.0.1:1", "p").unwrap();
    let patch = ContactPatch::new().display_name("a").clear_metadata();
    let render = || {
        let request = UpdateContact::new("c", &patch).build(&endpoint).unwrap();
        (request.uri().to_string(), request.body().clone())
    };
    assert_eq!(render(), render());
}

#[test]
fn invalid_input_fails_in_build() {
    let endpoint = Endpoint::for_region(Region::Eu, "p");
    let empty_patch = ContactPatch::new();
    let checks: Vec<Result<http::Request<Bytes>, Error>> = vec![
        UpdateContact::new("c", &empty_patch).build(&endpoint),
        MergeContacts::new("c", "c").build(&endpoint),
        DeleteContact::new("").build(&endpoint),
        ListContacts::new(ListContactsQuery::new().page_size(0)).build(&endpoint),
    ];
    for check in checks {
        match check {
            Err(Error::Validation(error)) => assert!(!error.violations().is_empty()),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
}

#[test]
fn delete_parses_any_success_body() {
    for body in ["", "{}", "null", "not json"] {
        DeleteContact::parse(json_response(200, body)).unwrap();
    }
}
