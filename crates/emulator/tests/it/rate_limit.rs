//! The project's rate limit over a real HTTP connection and in-process: a burst above it is
//! answered 429 in the error envelope with an honest `Retry-After`, the status route counts it,
//! only the project's API paths count, and the random 429 fault is unchanged beside it.
//!
//! Every limit here gives one token per 10,000 s (the slowest rate accepted), so no token comes
//! back while a test runs, however slow the machine: the counts are exact, not timed.

use bytes::Bytes;
use futures_util::future::join_all;
use http::Method;
use serde_json::{Value, json};
use sinch_contacts_emulator::{Emulator, FaultSpec, RateLimit, RateLimitCounts};
use sinch_contacts_port::Transport;

use crate::support::{Answer, basic_header, http};

/// One token per 10,000 s, `burst` at once.
fn slow(burst: u32) -> RateLimit {
    RateLimit::new(0.0001).burst(burst)
}

fn counts(allowed: u64, refused: u64) -> (u64, u64) {
    (allowed, refused)
}

fn pair(counts: RateLimitCounts) -> (u64, u64) {
    (counts.allowed, counts.refused)
}

async fn list_contacts(base_url: &str, basic: &str) -> Answer {
    http(
        Method::GET,
        &format!("{base_url}/v1/projects/emulator-project/contacts"),
        &[("authorization", basic)],
        "",
    )
    .await
    .unwrap()
}

/// Checks a rate limit refusal and returns its `Retry-After` seconds.
fn retry_after_of_refusal(answer: &Answer) -> u64 {
    assert_eq!(answer.status, 429);
    assert_eq!(answer.headers["content-type"], "application/json");
    let body = answer.json();
    let error = &body["error"];
    assert_eq!(error["code"], 429);
    assert_eq!(error["status"], "RESOURCE_EXHAUSTED");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "Rate limit of project `emulator-project` exceeded (0.0001/s,burst=3); the next request is allowed in "
        ),
        "{message}"
    );
    let details = error["details"].as_array().unwrap();
    assert_eq!(details.len(), 1, "{body}");
    assert_eq!(
        details[0]["@type"],
        "type.googleapis.com/google.rpc.RetryInfo"
    );
    let delay = details[0]["retry_delay"].as_str().unwrap();
    let delay: f64 = delay.strip_suffix('s').unwrap().parse().unwrap();
    assert!(message.ends_with(&details[0]["retry_delay"].as_str().unwrap()));
    let retry_after: u64 = answer.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // The header is the exact wait rounded up to whole seconds; with one token per 10,000 s
    // and the bucket just emptied, that wait is at most 10,000 s.
    assert!(0.0 < delay && delay <= 10_000.0, "{delay}");
    assert_eq!(retry_after, delay.ceil() as u64, "{delay}");
    retry_after
}

#[tokio::test]
async fn a_burst_above_the_limit_is_refused_in_the_envelope_and_counted() {
    let emulator = Emulator::builder().rate_limit(slow(3)).build();
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (base_url, basic) = (server.base_url(), basic_header(&emulator));
    // Eight requests at once, each on its own connection: three find a token.
    let answers = join_all((0..8).map(|_| list_contacts(&base_url, &basic))).await;
    let statuses: Vec<u16> = answers
        .iter()
        .map(|answer| answer.status.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|status| **status == 200).count(),
        3,
        "{statuses:?}"
    );
    for refused in answers.iter().filter(|answer| answer.status != 200) {
        let retry_after = retry_after_of_refusal(refused);
        assert!((1..=10_000).contains(&retry_after), "{retry_after}");
    }
    assert_eq!(pair(emulator.rate_limit_counts()), counts(3, 5));

    let status = http(
        Method::GET,
        &format!("{base_url}/_emulator/status"),
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(status.status, 200);
    assert_eq!(
        status.json()["rate_limit"],
        json!({"spec": "0.0001/s,burst=3", "per_second": 0.0001, "burst": 3, "allowed": 3, "refused": 5})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn only_the_projects_api_paths_take_tokens() {
    let emulator = Emulator::builder().rate_limit(slow(3)).build();
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (base_url, basic) = (server.base_url(), basic_header(&emulator));
    for _ in 0..3 {
        assert_eq!(list_contacts(&base_url, &basic).await.status, 200);
    }
    retry_after_of_refusal(&list_contacts(&base_url, &basic).await);
    // With the bucket empty: the token endpoint, the emulator's routes and another project's
    // paths answer as usual and take nothing.
    for _ in 0..5 {
        let token = http(
            Method::POST,
            &format!("{base_url}/oauth2/token"),
            &[
                ("authorization", &basic),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            "grant_type=client_credentials",
        )
        .await
        .unwrap();
        assert_eq!(token.status, 200, "{:?}", token.body);
        let status = http(
            Method::GET,
            &format!("{base_url}/_emulator/status"),
            &[],
            "",
        )
        .await
        .unwrap();
        assert_eq!(status.status, 200);
        let other = http(
            Method::GET,
            &format!("{base_url}/v1/projects/other-project/contacts"),
            &[("authorization", &basic)],
            "",
        )
        .await
        .unwrap();
        assert_eq!(other.status, 404);
    }
    // A path of the project that names no operation still counts: it is the project's.
    let unknown = http(
        Method::GET,
        &format!("{base_url}/v1/projects/emulator-project/unknown"),
        &[],
        "",
    )
    .await
    .unwrap();
    retry_after_of_refusal(&unknown);
    assert_eq!(pair(emulator.rate_limit_counts()), counts(3, 2));
    server.shutdown().await;
}

#[tokio::test]
async fn reset_fills_the_bucket_and_zeroes_the_counts() {
    let emulator = Emulator::builder().rate_limit(slow(3)).build();
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (base_url, basic) = (server.base_url(), basic_header(&emulator));
    for _ in 0..4 {
        list_contacts(&base_url, &basic).await;
    }
    assert_eq!(pair(emulator.rate_limit_counts()), counts(3, 1));
    let reset = http(
        Method::POST,
        &format!("{base_url}/_emulator/reset"),
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(reset.status, 200);
    assert_eq!(pair(emulator.rate_limit_counts()), counts(0, 0));
    let statuses: Vec<u16> = join_all((0..4).map(|_| list_contacts(&base_url, &basic)))
        .await
        .iter()
        .map(|answer| answer.status.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|status| **status == 200).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(pair(emulator.rate_limit_counts()), counts(3, 1));
    assert_eq!(
        emulator.rate_limit(),
        Some(slow(3)),
        "the limit itself stays"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn without_a_limit_nothing_is_counted_and_the_status_says_so() {
    let emulator = Emulator::new();
    let server = emulator
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (base_url, basic) = (server.base_url(), basic_header(&emulator));
    for _ in 0..5 {
        assert_eq!(list_contacts(&base_url, &basic).await.status, 200);
    }
    assert_eq!(emulator.rate_limit(), None);
    assert_eq!(pair(emulator.rate_limit_counts()), counts(0, 0));
    let status = http(
        Method::GET,
        &format!("{base_url}/_emulator/status"),
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(status.json()["rate_limit"], Value::Null);
    server.shutdown().await;
}

/// `count` GETs through the in-process transport, all at once on a multi-threaded runtime;
/// the statuses in the order they were sent.
async fn concurrent_statuses(emulator: &Emulator, count: usize) -> Vec<u16> {
    let basic = basic_header(emulator);
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let (transport, basic) = (emulator.transport(), basic.clone());
            tokio::spawn(async move {
                let request = http::Request::builder()
                    .method(Method::GET)
                    .uri("http://emulator.invalid/v1/projects/emulator-project/contacts")
                    .header("authorization", basic)
                    .body(Bytes::new())
                    .unwrap();
                transport.send(request).await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_take_exactly_the_burst() {
    let emulator = Emulator::builder().rate_limit(slow(50)).build();
    let statuses = concurrent_statuses(&emulator, 400).await;
    assert_eq!(statuses.iter().filter(|status| **status == 200).count(), 50);
    assert_eq!(
        statuses.iter().filter(|status| **status == 429).count(),
        350
    );
    assert_eq!(pair(emulator.rate_limit_counts()), counts(50, 350));
}

/// What happened to each of `count` GETs sent one after another in-process: the status, and
/// whether a 429 came from the rate limit (`limit`) or was the injected fault (`fault`).
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
            Ok(response) if response.status() == 429 => {
                let body: Value = serde_json::from_slice(response.body()).unwrap();
                let message = body["error"]["message"].as_str().unwrap().to_owned();
                if message.contains("injected fault") {
                    assert!(body["error"]["details"].as_array().unwrap().is_empty());
                    let retry_after = &response.headers()["retry-after"];
                    assert!(retry_after == "0" || retry_after == "1", "{retry_after:?}");
                    "fault".to_owned()
                } else {
                    assert!(message.starts_with("Rate limit"), "{message}");
                    "limit".to_owned()
                }
            }
            Ok(response) => response.status().as_u16().to_string(),
            Err(_) => "drop".to_owned(),
        });
    }
    seen
}

#[tokio::test]
async fn the_random_429_fault_is_unchanged_beside_the_limit() {
    let spec: FaultSpec = "5xx=0.2,429=0.3,drop-before=0.1".parse().unwrap();
    let unlimited = outcomes(&Emulator::builder().faults(spec).seed(11).build(), 40).await;
    let limited_emulator = Emulator::builder()
        .faults(spec)
        .seed(11)
        .rate_limit(slow(40))
        .build();
    let limited = outcomes(&limited_emulator, 60).await;
    // The 40 requests the limit lets through draw the same faults as without a limit; the 20
    // after them are refused by the limit and draw none.
    assert_eq!(limited[..40], unlimited[..]);
    assert!(
        limited[40..].iter().all(|outcome| outcome == "limit"),
        "{limited:?}"
    );
    assert!(
        unlimited.iter().any(|outcome| outcome == "fault"),
        "{unlimited:?}"
    );
    let faults = limited_emulator.fault_counts();
    let tally = |what: &str| unlimited.iter().filter(|outcome| *outcome == what).count() as u64;
    assert_eq!(faults.too_many_requests, tally("fault"));
    assert_eq!(faults.server_error, tally("503"));
    // A faulted request took its token first: it counts as allowed.
    assert_eq!(pair(limited_emulator.rate_limit_counts()), counts(40, 20));
}
