//! Fault injection: reproducible from a seed, counted, applied before or after the request, and
//! never on emulator-only routes.

use bytes::Bytes;
use http::Method;
use sinch_contacts_emulator::{Emulator, FaultSpec};
use sinch_contacts_port::{Auth, ContactsClient, Error, RetryPolicy, Transport};

use crate::support::{basic_header, client, http, sms};

const SPEC: &str = "5xx=0.3,429=0.2,drop-before=0.1,drop-after=0.1";

/// What happened to each of `count` GETs sent straight through the transport: the status, or
/// "drop".
async fn outcomes(emulator: &Emulator, count: usize) -> Vec<String> {
    let transport = emulator.transport();
    let basic = basic_header(emulator);
    let mut seen = Vec::new();
    for _ in 0..count {
        let request = http::Request::builder()
            .method(Method::GET)
            .uri("http://emulator.invalid/v1/projects/emulator-project/contacts")
            .header("authorization", &basic)
            .body(Bytes::new())
            .unwrap();
        seen.push(match transport.send(request).await {
            Ok(response) => response.status().as_u16().to_string(),
            Err(error) => {
                assert!(error.may_have_been_sent());
                "drop".to_owned()
            }
        });
    }
    seen
}

fn tally(seen: &[String], what: &str) -> u64 {
    seen.iter().filter(|outcome| *outcome == what).count() as u64
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults() {
    let spec: FaultSpec = SPEC.parse().unwrap();
    let first = outcomes(&Emulator::builder().faults(spec).seed(42).build(), 200).await;
    let second = outcomes(&Emulator::builder().faults(spec).seed(42).build(), 200).await;
    let other_seed = outcomes(&Emulator::builder().faults(spec).seed(43).build(), 200).await;
    assert_eq!(first, second);
    assert_ne!(first, other_seed);
    // Every kind shows up in 200 draws with these shares.
    for kind in ["200", "503", "429", "drop"] {
        assert!(tally(&first, kind) > 0, "{kind} never happened: {first:?}");
    }
}

#[tokio::test]
async fn faults_set_at_run_time_restart_the_seeded_sequence() {
    let spec: FaultSpec = SPEC.parse().unwrap();
    let built_with = outcomes(&Emulator::builder().faults(spec).seed(5).build(), 50).await;
    let emulator = Emulator::builder().seed(5).build();
    assert_eq!(tally(&outcomes(&emulator, 5).await, "200"), 5);
    emulator.set_faults(spec);
    assert_eq!(outcomes(&emulator, 50).await, built_with);
}

#[tokio::test]
async fn applied_faults_are_counted_by_kind() {
    let emulator = Emulator::builder()
        .faults(SPEC.parse().unwrap())
        .seed(9)
        .build();
    let seen = outcomes(&emulator, 300).await;
    let counts = emulator.fault_counts();
    assert_eq!(counts.server_error, tally(&seen, "503"));
    assert_eq!(counts.too_many_requests, tally(&seen, "429"));
    assert_eq!(counts.drop_before + counts.drop_after, tally(&seen, "drop"));
    assert_eq!(counts.total() + tally(&seen, "200"), 300);
    emulator.reset();
    assert_eq!(emulator.fault_counts().total(), 0);
}

#[tokio::test]
async fn a_429_carries_retry_after_of_zero_or_one_second() {
    let emulator = Emulator::builder().faults("429=1".parse().unwrap()).build();
    let client = client(&emulator);
    for _ in 0..20 {
        let Error::Api(api) = client.get("x").await.unwrap_err() else {
            panic!("expected 429")
        };
        assert_eq!(api.status().as_u16(), 429);
        assert_eq!(api.api_status(), Some("RESOURCE_EXHAUSTED"));
        let seconds = api.retry_after().unwrap().as_secs();
        assert!(seconds <= 1, "{seconds}");
    }
}

#[tokio::test]
async fn drop_before_applies_nothing_and_drop_after_applies_the_request() {
    let emulator = Emulator::builder()
        .faults("drop-before=1".parse().unwrap())
        .build();
    let client = client(&emulator);
    let error = client.create(&sms("+1")).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport(ref transport) if transport.may_have_been_sent()),
        "{error:?}"
    );
    assert_eq!(emulator.contact_count(), 0);

    emulator.set_faults("drop-after=1".parse().unwrap());
    let error = client.create(&sms("+1")).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(
        emulator.contact_count(),
        1,
        "the create was applied before the drop"
    );
}

#[tokio::test]
async fn the_client_recovers_through_429s_and_drops_on_reads() {
    let emulator = Emulator::builder().seed(3).build();
    let plain = client(&emulator);
    let created = plain.create(&sms("+2")).await.unwrap();
    emulator.set_faults("429=0.2,drop-before=0.1,5xx=0.1".parse().unwrap());
    let retrying = ContactsClient::builder(emulator.transport(), emulator.project_id())
        .base_url("http://emulator.invalid")
        .auth(Auth::basic(emulator.key_id(), emulator.key_secret()))
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(10)
                .with_initial_backoff(std::time::Duration::from_millis(1))
                .with_max_backoff(std::time::Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    for _ in 0..20 {
        assert_eq!(
            retrying.get(created.id.as_deref().unwrap()).await.unwrap(),
            created
        );
    }
    assert!(emulator.fault_counts().total() > 0);
}

#[tokio::test]
async fn over_http_a_drop_closes_the_connection_and_emulator_routes_are_never_faulted() {
    let emulator = Emulator::builder()
        .faults("drop-before=1".parse().unwrap())
        .build();
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = server.base_url();
    let basic = basic_header(&emulator);
    let dropped = http(
        Method::GET,
        &format!("{base}/v1/projects/emulator-project/contacts"),
        &[("authorization", &basic)],
        "",
    )
    .await;
    assert!(dropped.is_err(), "{dropped:?}");

    let status = http(Method::GET, &format!("{base}/_emulator/status"), &[], "")
        .await
        .unwrap();
    assert_eq!(status.status, 200);
    let set = http(
        Method::PUT,
        &format!("{base}/_emulator/faults"),
        &[],
        "5xx=1",
    )
    .await
    .unwrap();
    assert_eq!(set.json()["spec"], "5xx=1");
    let unavailable = http(
        Method::GET,
        &format!("{base}/v1/projects/emulator-project/contacts"),
        &[("authorization", &basic)],
        "",
    )
    .await
    .unwrap();
    assert_eq!(unavailable.status, 503);
    assert_eq!(unavailable.json()["error"]["status"], "UNAVAILABLE");
    let counts = http(Method::GET, &format!("{base}/_emulator/faults"), &[], "")
        .await
        .unwrap()
        .json();
    assert_eq!(counts["counts"]["drop_before"], 1);
    assert_eq!(counts["counts"]["server_error"], 1);
    let bad = http(
        Method::PUT,
        &format!("{base}/_emulator/faults"),
        &[],
        r#"{"spec":"5xx=7"}"#,
    )
    .await
    .unwrap();
    assert_eq!(bad.status, 400);
    server.shutdown().await;
}
