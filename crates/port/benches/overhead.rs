//! Per-request overhead of `ContactsClient` over an in-memory transport,
//! against a hand-written baseline doing the same work (build the request,
//! decode the JSON answer with serde_json) in the same run.
//!
//! Besides criterion's own report, the summary at the end prints ns per call
//! and the ratio client / baseline, measured interleaved so machine drift
//! affects both sides alike.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::Criterion;
use sinch_contacts_model::{Contact, ListContactsQuery, ListContactsResponse};
use sinch_contacts_port::test_util::json_response;
use sinch_contacts_port::{Auth, ContactsClient, HttpResponse, Region, transport_fn};

const CONTACT: &str = r#"{"id":"01CONTACT","channel_identities":[{"channel":"SMS","identity":"+46701234567"}],
"channel_priority":["SMS"],"display_name":"Ada","email":"ada@example.com","external_id":"ext-1",
"language":"EN_US","metadata":"m"}"#;

fn page_body() -> String {
    let contacts = vec![CONTACT; 20].join(",");
    format!(r#"{{"contacts":[{contacts}],"next_page_token":"next"}}"#)
}

fn client_answering(body: Bytes) -> ContactsClient {
    let transport = transport_fn(move |_request| {
        let body = body.clone();
        async move {
            let response: HttpResponse = json_response(200, "");
            let (parts, _) = response.into_parts();
            Ok(http::Response::from_parts(parts, body))
        }
    });
    ContactsClient::builder(transport, "project-1")
        .region(Region::Eu)
        .auth(Auth::basic("key-id", "key-secret"))
        .build()
        .expect("valid configuration")
}

/// The same work without the client: URL, headers, request, JSON decode.
fn by_hand<T: serde::de::DeserializeOwned>(path_and_query: &str, body: &Bytes) -> T {
    let request = http::Request::builder()
        .method("GET")
        .uri(format!(
            "https://eu.conversation.api.sinch.com/v1/projects/project-1{path_and_query}"
        ))
        .header("authorization", "Basic a2V5LWlkOmtleS1zZWNyZXQ=")
        .header("accept", "application/json")
        .body(Bytes::new())
        .expect("valid request");
    black_box(&request);
    let response: HttpResponse = http::Response::new(body.clone());
    serde_json::from_slice(response.body()).expect("valid JSON")
}

struct Case {
    name: &'static str,
    client: Box<dyn Fn()>,
    baseline: Box<dyn Fn()>,
}

fn cases(runtime: &'static tokio::runtime::Runtime) -> Vec<Case> {
    let contact = Bytes::from_static(CONTACT.as_bytes());
    let page = Bytes::from(page_body());
    let get_client = client_answering(contact.clone());
    let list_client = client_answering(page.clone());
    vec![
        Case {
            name: "get",
            client: Box::new(move || {
                let contact = runtime.block_on(get_client.get("01CONTACT")).expect("ok");
                black_box(contact);
            }),
            baseline: Box::new(move || {
                let contact: Contact =
                    runtime.block_on(async { by_hand("/contacts/01CONTACT", &contact) });
                black_box(contact);
            }),
        },
        Case {
            name: "list_20",
            client: Box::new(move || {
                let query = ListContactsQuery::new().page_size(20);
                let page = runtime.block_on(list_client.list(query)).expect("ok");
                black_box(page);
            }),
            baseline: Box::new(move || {
                let page: ListContactsResponse =
                    runtime.block_on(async { by_hand("/contacts?page_size=20", &page) });
                black_box(page);
            }),
        },
    ]
}

fn time_per_call(function: &dyn Fn(), iterations: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        function();
    }
    start.elapsed() / iterations
}

fn main() {
    let runtime: &'static tokio::runtime::Runtime = Box::leak(Box::new(
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime"),
    ));
    let cases = cases(runtime);
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20)
        .configure_from_args();
    for case in &cases {
        let mut group = criterion.benchmark_group(case.name);
        group.bench_function("client", |b| b.iter(|| (case.client)()));
        group.bench_function("baseline", |b| b.iter(|| (case.baseline)()));
        group.finish();
    }
    criterion.final_summary();
    if !std::env::args().any(|arg| arg == "--bench") {
        return; // `cargo test --benches` runs each benchmark once; skip the summary.
    }

    // Interleaved rounds; the fastest round of each side is the one least
    // disturbed by other work on the machine.
    println!("\nclient overhead (15 interleaved rounds, fastest round of each side):");
    for case in &cases {
        let (mut client, mut baseline) = (Duration::MAX, Duration::MAX);
        for _ in 0..15 {
            client = client.min(time_per_call(&*case.client, 1_000));
            baseline = baseline.min(time_per_call(&*case.baseline, 1_000));
        }
        println!(
            "  {:<8} client {:>8} ns  baseline {:>8} ns  overhead {:>7} ns  ratio {:.2}",
            case.name,
            client.as_nanos(),
            baseline.as_nanos(),
            client.as_nanos() as i128 - baseline.as_nanos() as i128,
            client.as_secs_f64() / baseline.as_secs_f64()
        );
    }
}
