//! Errors as the port's client sees them: 404, 401 and the envelope's fields.

use sinch_contacts_emulator::Emulator;
use sinch_contacts_model::ContactPatch;
use sinch_contacts_port::{Auth, ContactsClient, Error, RetryPolicy};

use crate::support::{client, client_with, sms};

fn api_error(error: Error) -> sinch_contacts_port::ApiError {
    match error {
        Error::Api(api) => api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_contact_is_not_found_for_every_operation() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let unknown = "01UNKNOWN0000000000000000";
    let errors = [
        client.get(unknown).await.unwrap_err(),
        client
            .update(unknown, &ContactPatch::new().display_name("x"))
            .await
            .unwrap_err(),
        client.delete(unknown).await.unwrap_err(),
    ];
    for error in errors {
        let api = api_error(error);
        assert_eq!(api.status().as_u16(), 404);
        assert_eq!(api.api_status(), Some("NOT_FOUND"));
        assert_eq!(api.code(), Some(404));
        assert!(
            api.message().unwrap_or_default().contains(unknown),
            "{:?}",
            api.message()
        );
    }
}

#[tokio::test]
async fn a_wrong_project_is_not_found() {
    let emulator = Emulator::new();
    let client = ContactsClient::builder(emulator.transport(), "someone-elses-project")
        .base_url("http://emulator.invalid")
        .auth(Auth::basic(emulator.key_id(), emulator.key_secret()))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let api = api_error(client.create(&sms("+1")).await.unwrap_err());
    assert_eq!(api.status().as_u16(), 404);
    assert!(
        api.message()
            .unwrap_or_default()
            .contains("someone-elses-project")
    );
    assert_eq!(emulator.contact_count(), 0);
}

#[tokio::test]
async fn a_wrong_secret_is_unauthenticated() {
    let emulator = Emulator::new();
    let client = client_with(
        &emulator,
        Auth::basic(emulator.key_id(), "not-the-secret"),
        RetryPolicy::disabled(),
    );
    let api = api_error(client.create(&sms("+1")).await.unwrap_err());
    assert_eq!(api.status().as_u16(), 401);
    assert_eq!(api.api_status(), Some("UNAUTHENTICATED"));
    assert_eq!(emulator.contact_count(), 0);
}

#[tokio::test]
async fn a_configured_key_is_the_one_accepted() {
    let emulator = Emulator::builder().key("k1", "s1").project_id("p1").build();
    let client = ContactsClient::builder(emulator.transport(), "p1")
        .base_url("http://emulator.invalid")
        .auth(Auth::basic("k1", "s1"))
        .build()
        .unwrap();
    client.create(&sms("+1")).await.unwrap();
    let default_key = client_with(
        &emulator,
        Auth::basic("emulator-key", "emulator-secret"),
        RetryPolicy::disabled(),
    );
    assert!(default_key.get("x").await.is_err());
}
