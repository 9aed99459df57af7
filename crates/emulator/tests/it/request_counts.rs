//! API requests are counted by method, whatever their answer, and shown in `/_emulator/status`.

use http::Method;
use serde_json::json;
use sinch_contacts_emulator::{ApiRequestCounts, Emulator, FaultSpec};
use sinch_contacts_model::{ContactPatch, ListContactsQuery};

use crate::support::{basic_header, client, http, id, sms};

#[tokio::test]
async fn requests_are_counted_by_method_faulted_or_not_and_token_requests_are_not() {
    let emulator = Emulator::new();
    let contacts = client(&emulator);
    let ada = contacts.create(&sms("+46700000001")).await.unwrap();
    contacts.get(&id(&ada)).await.unwrap();
    contacts
        .update(&id(&ada), &ContactPatch::new().display_name("Ada"))
        .await
        .unwrap();
    contacts.list(ListContactsQuery::new()).await.unwrap();
    emulator.set_faults("5xx=1".parse::<FaultSpec>().unwrap());
    assert!(contacts.delete(&id(&ada)).await.is_err(), "faulted");
    emulator.set_faults(FaultSpec::none());
    contacts.delete(&id(&ada)).await.unwrap();

    let counts = emulator.api_request_counts();
    assert_eq!(
        (
            counts.get,
            counts.post,
            counts.patch,
            counts.delete,
            counts.other
        ),
        (2, 1, 1, 2, 0)
    );
    assert_eq!(counts.writes(), 4);

    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = server.base_url();
    // A token request and emulator-only routes are not API requests.
    let basic = basic_header(&emulator);
    let token = http(
        Method::POST,
        &format!("{base}/oauth2/token"),
        &[
            ("authorization", &basic),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "grant_type=client_credentials",
    )
    .await
    .unwrap();
    assert_eq!(token.status, 200);
    let status = http(Method::GET, &format!("{base}/_emulator/status"), &[], "")
        .await
        .unwrap()
        .json();
    assert_eq!(
        status["api_requests"],
        json!({"GET": 2, "POST": 1, "PATCH": 1, "DELETE": 2, "other": 0})
    );
    emulator.reset();
    assert_eq!(emulator.api_request_counts(), ApiRequestCounts::default());
    server.shutdown().await;
}
