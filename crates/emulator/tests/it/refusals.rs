//! What the emulator refuses, and with which envelope: a body over the size limit, webhook
//! registrations that are not http(s) or have no secret, strings over their limit.

use http::Method;
use serde_json::{Value, json};
use sinch_contacts_emulator::Emulator;

use crate::support::{basic_header, client, http, sms};

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

/// The field violations of a 400 answer.
fn violation_fields(answer: &Value) -> Vec<String> {
    answer["error"]["details"][0]["field_violations"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|violation| violation["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn webhook_registrations_need_an_http_url_and_a_secret() {
    let emulator = Emulator::new();
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("{}/_emulator/webhooks", server.base_url());
    let register = |target: &str, secret: &str| {
        json!({"target": target, "secret": secret, "triggers": ["CONTACT_CREATE"]}).to_string()
    };
    for (target, secret, field) in [
        ("file:///etc/passwd", "s", "target"),
        ("ftp://127.0.0.1/hooks", "s", "target"),
        ("127.0.0.1:8080/hooks", "s", "target"),
        ("http://127.0.0.1:8080/hooks", "", "secret"),
    ] {
        let answer = http(Method::POST, &url, &[], &register(target, secret))
            .await
            .unwrap();
        assert_eq!(answer.status, 400, "{target}");
        let body = answer.json();
        assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
        assert_eq!(violation_fields(&body), [field], "{target}");
    }
    let answer = http(
        Method::POST,
        &url,
        &[],
        &register("file:///etc/passwd", "s"),
    )
    .await
    .unwrap();
    assert_eq!(
        answer.json()["error"]["message"],
        "Invalid argument: target: not an absolute http:// or https:// URL (nor unsent://): \"file:///etc/passwd\""
    );
    assert!(emulator.webhooks().is_empty());

    // Accepted: http, https (logged, never sent: no TLS client) and the unsent scheme.
    for target in [
        "http://127.0.0.1:9/hooks",
        "https://127.0.0.1:9/hooks",
        "unsent://nowhere/",
    ] {
        let answer = http(Method::POST, &url, &[], &register(target, "s"))
            .await
            .unwrap();
        assert_eq!(answer.status, 200, "{target}: {:?}", answer.json());
    }
    assert_eq!(emulator.webhooks().len(), 3);
    server.shutdown().await;
}

#[tokio::test]
async fn an_unsent_target_logs_its_callbacks_as_failed_without_an_attempt() {
    let emulator = Emulator::new();
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = server.base_url();
    let answer = http(
        Method::POST,
        &format!("{base}/_emulator/webhooks"),
        &[],
        &json!({"target": "unsent://nowhere/", "secret": "s", "triggers": ["CONTACT_CREATE"]})
            .to_string(),
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 200);
    let created = http(
        Method::POST,
        &format!("{base}/_emulator/inbound"),
        &[],
        r#"{"channel": "SMS", "identity": "+46700000009", "text": "hello"}"#,
    )
    .await
    .unwrap();
    assert_eq!(created.status, 200);
    crate::support::settle(&emulator).await;
    let deliveries = emulator.deliveries();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(
        (
            deliveries[0].attempts,
            deliveries[0].delivered,
            deliveries[0].finished
        ),
        (0, false, true)
    );
    assert_eq!(
        deliveries[0].last_error.as_deref(),
        Some("not sent: unsent:// targets are never sent to")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_display_name_over_one_mib_is_refused_before_it_is_sent() {
    let emulator = Emulator::new();
    let mut request = sms("+46700000001");
    request.display_name = Some("x".repeat(ONE_MIB + 1));
    let error = client(&emulator).create(&request).await.unwrap_err();
    let sinch_contacts_port::Error::Validation(error) = error else {
        panic!("not refused before sending: {error}")
    };
    assert_eq!(
        error.to_string(),
        "invalid request: display_name: 1048577 characters, at most 1048576 allowed"
    );
    assert_eq!(emulator.contact_count(), 0);
}

#[tokio::test]
async fn the_emulator_refuses_a_display_name_over_one_mib_from_a_client_that_sends_it() {
    // In-process there is no body limit, so the model's rule is what refuses it.
    let emulator = Emulator::new();
    let body = json!({
        "channel_identities": [{"channel": "SMS", "identity": "+46700000001"}],
        "language": "EN_US",
        "display_name": "x".repeat(ONE_MIB + 1),
    })
    .to_string();
    let request = http::Request::builder()
        .method(Method::POST)
        .uri("http://emulator.invalid/v1/projects/emulator-project/contacts")
        .header("authorization", basic_header(&emulator))
        .header("content-type", "application/json")
        .body(bytes::Bytes::from(body))
        .unwrap();
    let answer = sinch_contacts_port::Transport::send(&emulator.transport(), request)
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let body: Value = serde_json::from_slice(answer.body()).unwrap();
    assert_eq!(violation_fields(&body), ["display_name"]);
    assert_eq!(
        body["error"]["details"][0]["field_violations"][0]["description"],
        "1048577 characters, at most 1048576 allowed"
    );
    assert_eq!(emulator.contact_count(), 0);
}
