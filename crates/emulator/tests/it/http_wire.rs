//! Wire details over a real HTTP connection: statuses, the error envelope, masks, the custom
//! verbs and the emulator-only routes.

use http::Method;
use serde_json::{Value, json};
use sinch_contacts_emulator::{Emulator, RunningEmulator};

use crate::support::{Answer, basic_header, http};

struct Wire {
    server: RunningEmulator,
    basic: String,
}

impl Wire {
    async fn start(emulator: &Emulator) -> Self {
        Self {
            server: emulator
                .serve("127.0.0.1:0".parse().unwrap())
                .await
                .unwrap(),
            basic: basic_header(emulator),
        }
    }

    fn url(&self, path: &str) -> String {
        format!(
            "{}/v1/projects/emulator-project{path}",
            self.server.base_url()
        )
    }

    async fn call(&self, method: Method, path: &str, body: &str) -> Answer {
        http(
            method,
            &self.url(path),
            &[
                ("authorization", &self.basic),
                ("content-type", "application/json"),
            ],
            body,
        )
        .await
        .unwrap()
    }

    async fn create(&self, body: Value) -> String {
        let answer = self
            .call(Method::POST, "/contacts", &body.to_string())
            .await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        answer.json()["id"].as_str().unwrap().to_owned()
    }
}

fn sms(phone: &str) -> Value {
    json!({"channel_identities": [{"channel": "SMS", "identity": phone}], "language": "EN_US"})
}

/// The violations of a 400 envelope as (field, description) pairs, after checking its shape.
fn violations(answer: &Answer) -> Vec<(String, String)> {
    assert_eq!(answer.status, 400, "{:?}", answer.body);
    let body = answer.json();
    assert_eq!(body["error"]["code"], 400);
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid argument")
    );
    let detail = &body["error"]["details"][0];
    assert_eq!(detail["@type"], "type.googleapis.com/google.rpc.BadRequest");
    detail["field_violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|violation| {
            (
                violation["field"].as_str().unwrap().to_owned(),
                violation["description"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn fields(answer: &Answer) -> Vec<String> {
    violations(answer)
        .into_iter()
        .map(|(field, _)| field)
        .collect()
}

#[tokio::test]
async fn the_server_reports_its_port_and_stops() {
    let emulator = Emulator::new();
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert_ne!(server.local_addr().port(), 0);
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}", server.local_addr().port())
    );
    let base = server.base_url();
    server.shutdown().await;
    assert!(
        http(Method::GET, &format!("{base}/_emulator/status"), &[], "")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn create_get_update_delete_on_the_wire() {
    let emulator = Emulator::new();
    let wire = Wire::start(&emulator).await;
    let id = wire
        .create(json!({
            "channel_identities": [{"channel": "SMS", "identity": "+70001"}],
            "language": "EN_US", "display_name": "Ada", "email": "a@example.com", "metadata": "m"
        }))
        .await;

    // `update_mask.paths` repeated: display_name set, email cleared (masked, absent from body).
    let updated = wire
        .call(
            Method::PATCH,
            &format!("/contacts/{id}?update_mask.paths=display_name&update_mask.paths=email"),
            r#"{"display_name":"Grace","metadata":"ignored"}"#,
        )
        .await;
    assert_eq!(updated.status, 200);
    let body = updated.json();
    assert_eq!(body["display_name"], "Grace");
    assert!(body.get("email").is_none());
    assert_eq!(body["metadata"], "m");

    // `update_mask` comma-joined.
    let updated = wire
        .call(
            Method::PATCH,
            &format!("/contacts/{id}?update_mask=metadata,language"),
            r#"{"metadata":"n","language":"FR"}"#,
        )
        .await;
    assert_eq!(updated.json()["metadata"], "n");
    assert_eq!(updated.json()["language"], "FR");

    // No mask: the members present in the body.
    let updated = wire
        .call(
            Method::PATCH,
            &format!("/contacts/{id}"),
            r#"{"email":"b@example.com"}"#,
        )
        .await;
    assert_eq!(updated.json()["email"], "b@example.com");
    assert_eq!(updated.json()["display_name"], "Grace");

    let deleted = wire
        .call(Method::DELETE, &format!("/contacts/{id}"), "")
        .await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.json(), json!({}));
    let gone = wire.call(Method::GET, &format!("/contacts/{id}"), "").await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["error"]["status"], "NOT_FOUND");
    assert_eq!(gone.json()["error"]["code"], 404);
    wire.server.shutdown().await;
}

#[tokio::test]
async fn bad_requests_name_the_field() {
    let emulator = Emulator::new();
    let wire = Wire::start(&emulator).await;

    let no_language = wire
        .call(
            Method::POST,
            "/contacts",
            r#"{"channel_identities":[{"channel":"SMS","identity":"+1"}]}"#,
        )
        .await;
    assert_eq!(fields(&no_language), ["language"]);
    let no_identities = wire
        .call(
            Method::POST,
            "/contacts",
            r#"{"channel_identities":[],"language":"EN"}"#,
        )
        .await;
    assert_eq!(fields(&no_identities), ["channel_identities"]);
    let no_app = wire
        .call(
            Method::POST,
            "/contacts",
            r#"{"channel_identities":[{"channel":"MESSENGER","identity":"p"}],"language":"EN"}"#,
        )
        .await;
    assert_eq!(fields(&no_app), ["channel_identities[0].app_id"]);
    let not_json = wire.call(Method::POST, "/contacts", "{nope").await;
    assert_eq!(fields(&not_json), ["body"]);
    let wrong_type = wire
        .call(
            Method::POST,
            "/contacts",
            r#"{"channel_identities":[{"channel":"SMS","identity":5}],"language":"EN"}"#,
        )
        .await;
    assert_eq!(fields(&wrong_type), ["channel_identities[0].identity"]);
    assert_eq!(emulator.contact_count(), 0, "nothing was created");

    let id = wire.create(sms("+2")).await;
    let bad_mask = wire
        .call(
            Method::PATCH,
            &format!("/contacts/{id}?update_mask=nickname"),
            "{}",
        )
        .await;
    assert_eq!(fields(&bad_mask), ["update_mask"]);
    let bad_member = wire
        .call(
            Method::PATCH,
            &format!("/contacts/{id}"),
            r#"{"display_name":7}"#,
        )
        .await;
    assert_eq!(fields(&bad_member), ["display_name"]);
    let clears_identities = wire
        .call(
            Method::PATCH,
            &format!("/contacts/{id}?update_mask=channel_identities"),
            "{}",
        )
        .await;
    assert_eq!(fields(&clears_identities), ["channel_identities"]);
    let into_itself = wire
        .call(
            Method::POST,
            &format!("/contacts/{id}:merge"),
            &json!({"source_id": id}).to_string(),
        )
        .await;
    assert_eq!(fields(&into_itself), ["source_id"]);
    wire.server.shutdown().await;
}

#[tokio::test]
async fn page_size_and_filter_rules_are_enforced() {
    let emulator = Emulator::new();
    let wire = Wire::start(&emulator).await;
    for (query, expected) in [
        ("page_size=21", vec!["page_size"]),
        ("page_size=0", vec!["page_size"]),
        ("page_size=ten", vec!["page_size"]),
        (
            "external_id=x&channel=SMS&identity=%2B1",
            vec!["external_id", "external_id"],
        ),
        ("channel=SMS", vec!["channel"]),
        ("identity=%2B1", vec!["identity"]),
        ("page_token=garbage", vec!["page_token"]),
    ] {
        let answer = wire
            .call(Method::GET, &format!("/contacts?{query}"), "")
            .await;
        assert_eq!(fields(&answer), expected, "{query}");
    }
    let (_, description) =
        violations(&wire.call(Method::GET, "/contacts?page_size=21", "").await).remove(0);
    assert!(description.contains("1..=20"), "{description}");
    let fine = wire
        .call(
            Method::GET,
            "/contacts?page_size=20&channel=SMS&identity=%2B1",
            "",
        )
        .await;
    assert_eq!(fine.status, 200);
    assert_eq!(fine.json(), json!({"contacts": [], "next_page_token": ""}));
    wire.server.shutdown().await;
}

#[tokio::test]
async fn credentials_project_paths_and_methods() {
    let emulator = Emulator::new();
    let wire = Wire::start(&emulator).await;
    let anonymous = http(Method::GET, &wire.url("/contacts"), &[], "")
        .await
        .unwrap();
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json()["error"]["status"], "UNAUTHENTICATED");
    assert!(
        anonymous.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("Basic")
    );

    let other_project = http(
        Method::GET,
        &format!("{}/v1/projects/other/contacts", wire.server.base_url()),
        &[("authorization", &wire.basic)],
        "",
    )
    .await
    .unwrap();
    assert_eq!(other_project.status, 404);
    assert_eq!(other_project.json()["error"]["status"], "NOT_FOUND");

    let unknown_verb = wire.call(Method::POST, "/contacts/abc:explode", "{}").await;
    assert_eq!(unknown_verb.status, 404);
    let wrong_method = wire.call(Method::PUT, "/contacts", "{}").await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.headers["allow"], "GET, POST");
    wire.server.shutdown().await;
}

#[tokio::test]
async fn custom_verbs_answer_at_their_literal_paths() {
    let emulator = Emulator::new();
    let wire = Wire::start(&emulator).await;
    let destination = wire.create(sms("+80001")).await;
    let source = wire.create(json!({"channel_identities": [{"channel": "RCS", "identity": "+80001"}], "language": "EN"})).await;

    let conflicts = wire
        .call(Method::GET, "/contacts:identityConflicts", "")
        .await;
    assert_eq!(conflicts.status, 200);
    assert_eq!(
        conflicts.json(),
        json!({"conflicts": [{"identity": "+80001", "channels": ["RCS", "SMS"], "contact_ids": [destination, source]}], "next_page_token": ""})
    );
    let merged = wire
        .call(
            Method::POST,
            &format!("/contacts/{destination}:merge"),
            &json!({"source_id": source, "strategy": "MERGE"}).to_string(),
        )
        .await;
    assert_eq!(merged.status, 200);
    assert_eq!(
        merged.json()["channel_identities"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let profile = wire
        .call(Method::POST, "/contacts:getChannelProfile", &json!({"app_id": "emulator-app", "recipient": {"contact_id": destination}, "channel": "VIBER"}).to_string())
        .await;
    assert_eq!(profile.status, 404, "the contact has no VIBER identity");
    let capability = wire
        .call(Method::POST, "/capability:query", &json!({"app_id": "emulator-app", "recipient": {"identified_by": {"channel_identities": [{"channel": "RCS", "identity": "+80001"}]}}, "request_id": "r1"}).to_string())
        .await;
    assert_eq!(capability.status, 200);
    assert_eq!(capability.json()["request_id"], "r1");
    wire.server.shutdown().await;
}

#[tokio::test]
async fn emulator_routes_seed_report_and_reset() {
    let emulator = Emulator::new();
    let wire = Wire::start(&emulator).await;
    let base = wire.server.base_url();
    let seeded = http(
        Method::POST,
        &format!("{base}/_emulator/contacts"),
        &[],
        &json!([sms("+90001"), sms("+90002")]).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(seeded.status, 200);
    assert_eq!(seeded.json()["contacts"].as_array().unwrap().len(), 2);
    let invalid = http(
        Method::POST,
        &format!("{base}/_emulator/contacts"),
        &[],
        &json!({"contacts": [sms("+3"), {"channel_identities": [], "language": "EN"}]}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(fields(&invalid), ["contacts[1].channel_identities"]);
    let incomplete = http(
        Method::POST,
        &format!("{base}/_emulator/contacts"),
        &[],
        r#"[{"channel_identities":[{"channel":"SMS","identity":"+4"}]}]"#,
    )
    .await
    .unwrap();
    assert_eq!(fields(&incomplete), ["contacts[0].language"]);
    let status = http(Method::GET, &format!("{base}/_emulator/status"), &[], "")
        .await
        .unwrap();
    assert_eq!(
        status.json()["contact_count"],
        2,
        "the invalid seed stored nothing"
    );

    let inbound = http(
        Method::POST,
        &format!("{base}/_emulator/inbound"),
        &[],
        r#"{"channel":"SMS","identity":"+90001","text":"STOP"}"#,
    )
    .await
    .unwrap();
    assert_eq!(inbound.status, 200);
    assert_eq!(inbound.json()["contact_created"], false);

    let reset = http(Method::POST, &format!("{base}/_emulator/reset"), &[], "")
        .await
        .unwrap();
    assert_eq!(reset.status, 200);
    assert_eq!(emulator.contact_count(), 0);
    let missing = http(Method::GET, &format!("{base}/_emulator/nothing"), &[], "")
        .await
        .unwrap();
    assert_eq!(missing.status, 404);
    wire.server.shutdown().await;
}

#[tokio::test]
async fn webhooks_and_deliveries_through_the_emulator_routes() {
    let emulator = Emulator::new();
    let wire = Wire::start(&emulator).await;
    let base = wire.server.base_url();
    let receiver = crate::support::Receiver::start(&[]).await;
    let registered = http(
        Method::POST,
        &format!("{base}/_emulator/webhooks"),
        &[],
        &json!({"target": receiver.url(), "secret": "s3cret", "triggers": ["CONTACT_CREATE"]})
            .to_string(),
    )
    .await
    .unwrap();
    assert_eq!(registered.status, 200);
    let webhook_id = registered.json()["id"].as_str().unwrap().to_owned();
    let listed = http(Method::GET, &format!("{base}/_emulator/webhooks"), &[], "")
        .await
        .unwrap();
    assert_eq!(
        listed.json(),
        json!({"webhooks": [{"id": webhook_id, "target": receiver.url(), "triggers": ["CONTACT_CREATE"]}]})
    );

    let contact_id = wire.create(sms("+91001")).await;
    crate::support::settle(&emulator).await;
    let log = http(
        Method::GET,
        &format!("{base}/_emulator/deliveries"),
        &[],
        "",
    )
    .await
    .unwrap()
    .json();
    let delivery = &log["deliveries"][0];
    assert_eq!(delivery["trigger"], "CONTACT_CREATE");
    assert_eq!(delivery["webhook_id"], webhook_id.as_str());
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["last_status"], 200);
    assert_eq!(delivery["delivered"], true);
    let sent: Value = serde_json::from_str(delivery["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        sent["contact_create_notification"]["contact"]["id"],
        contact_id.as_str()
    );

    let removed = http(
        Method::DELETE,
        &format!("{base}/_emulator/webhooks/{webhook_id}"),
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(removed.status, 200);
    let again = http(
        Method::DELETE,
        &format!("{base}/_emulator/webhooks/{webhook_id}"),
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(again.status, 404);
    wire.server.shutdown().await;
}

#[tokio::test]
async fn the_expire_route_expires_issued_tokens() {
    let emulator = Emulator::new();
    let wire = Wire::start(&emulator).await;
    let base = wire.server.base_url();
    let token = http(
        Method::POST,
        &format!("{base}/oauth2/token"),
        &[
            ("authorization", &wire.basic),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "grant_type=client_credentials",
    )
    .await
    .unwrap()
    .json();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    assert_eq!(token["expires_in"], 3600);
    let before = http(
        Method::GET,
        &wire.url("/contacts"),
        &[("authorization", &bearer)],
        "",
    )
    .await
    .unwrap();
    assert_eq!(before.status, 200);
    let expired = http(
        Method::POST,
        &format!("{base}/_emulator/tokens:expire"),
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(expired.status, 200);
    let after = http(
        Method::GET,
        &wire.url("/contacts"),
        &[("authorization", &bearer)],
        "",
    )
    .await
    .unwrap();
    assert_eq!(after.status, 401);
    assert!(
        after.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("expired")
    );
    wire.server.shutdown().await;
}
