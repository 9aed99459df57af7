//! What the emulator refuses over HTTP, and with which envelope.

use http::Method;
use serde_json::json;
use sinch_contacts_emulator::Emulator;

use crate::support::{basic_header, http};

/// The request body limit, written out: 1 MiB.
const ONE_MIB: usize = 1_048_576;

#[tokio::test]
async fn a_body_over_one_mib_is_413_resource_exhausted() {
    let emulator = Emulator::new();
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!(
        "{}/v1/projects/emulator-project/contacts",
        server.base_url()
    );
    let basic = basic_header(&emulator);
    let headers = [
        ("authorization", basic.as_str()),
        ("content-type", "application/json"),
    ];
    let body = " ".repeat(ONE_MIB + 1);
    let answer = http(Method::POST, &url, &headers, &body).await.unwrap();
    assert_eq!(answer.status, 413);
    assert_eq!(
        answer.json(),
        json!({"error": {
            "code": 413,
            "message": "Request payload too large: body: larger than 1048576 bytes",
            "status": "RESOURCE_EXHAUSTED",
            "details": [{
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "field_violations": [{"field": "body", "description": "larger than 1048576 bytes"}]
            }]
        }})
    );
    // Exactly at the limit the body is read (and then found not to be JSON).
    let body = " ".repeat(ONE_MIB);
    let answer = http(Method::POST, &url, &headers, &body).await.unwrap();
    assert_eq!(answer.status, 400, "{:?}", answer.json());
    assert_eq!(answer.json()["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(emulator.contact_count(), 0);
    server.shutdown().await;
}
