//! List-all of 10,000 contacts (page size 20) against the emulator over HTTP on 127.0.0.1:
//! the client with the reqwest adapter, divided by a hand-written reqwest + serde_json loop
//! making the same requests (same base URL, same Basic credentials, same page size, decoding
//! into the model's `ListContactsResponse`). The two alternate in one run; the ratio of their
//! medians is printed.
//!
//! `cargo bench -p sinch-contacts-e2e` (figures in `docs/e2e.md`).

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use sinch_contacts_e2e::BoxError;
use sinch_contacts_e2e::loopback::{Loopback, fast_retries};
use sinch_contacts_emulator::Emulator;
use sinch_contacts_model::{ContactCreateRequest, ListContactsQuery, ListContactsResponse};
use sinch_contacts_port::ContactsClient;
use sinch_contacts_reqwest::{ReqwestTransport, reqwest};

const CONTACTS: usize = 10_000;
const PAGE_SIZE: u32 = 20;
const WARM_UP_ROUNDS: usize = 2;
const MEASURED_ROUNDS: usize = 10;

/// `count` contacts with one SMS number each, written as the API's JSON.
fn seed_requests(count: usize) -> Vec<ContactCreateRequest> {
    (0..count)
        .map(|index| {
            serde_json::from_value(serde_json::json!({
                "channel_identities": [{"channel": "SMS", "identity": format!("+4670{index:07}")}],
                "language": "EN_US",
                "display_name": format!("Contact {index}"),
                "external_id": format!("bench-{index}"),
            }))
            .expect("a hand-written create request")
        })
        .collect()
}

/// The client under test: every page through `list_all`.
async fn through_client(client: &ContactsClient) -> Result<usize, BoxError> {
    let contacts: Vec<_> = client
        .list_all(ListContactsQuery::new().page_size(PAGE_SIZE))
        .try_collect()
        .await?;
    Ok(contacts.len())
}

/// The baseline: the same GETs written by hand with reqwest and serde_json.
struct HandWritten {
    http: reqwest::Client,
    url: String,
    key_id: String,
    key_secret: String,
}

impl HandWritten {
    async fn list_all(&self) -> Result<usize, BoxError> {
        let mut contacts = Vec::new();
        let mut page_token = String::new();
        loop {
            let mut url = format!("{}?page_size={PAGE_SIZE}", self.url);
            if !page_token.is_empty() {
                url.push_str("&page_token=");
                url.extend(utf8_percent_encode(&page_token, NON_ALPHANUMERIC));
            }
            let response = self
                .http
                .get(&url)
                .basic_auth(&self.key_id, Some(&self.key_secret))
                .send()
                .await?;
            if !response.status().is_success() {
                return Err(format!("page answered {}", response.status()).into());
            }
            let body = response.bytes().await?;
            let page: ListContactsResponse = serde_json::from_slice(&body)?;
            contacts.extend(page.contacts);
            match page.next_page_token {
                Some(token) if !token.is_empty() => page_token = token,
                _ => return Ok(contacts.len()),
            }
        }
    }
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

async fn run() -> Result<(), BoxError> {
    let emulator = Emulator::new();
    emulator
        .seed_contacts(seed_requests(CONTACTS))
        .map_err(|(index, error)| format!("seed request {index}: {error}"))?;
    let loopback = Loopback::start(emulator).await?;
    let client = loopback.client(loopback.basic_auth(), fast_retries(1))?;
    let emulator = loopback.emulator();
    let baseline = HandWritten {
        http: ReqwestTransport::new()?.client().clone(),
        url: format!(
            "{}/v1/projects/{}/contacts",
            loopback.base_url(),
            emulator.project_id()
        ),
        key_id: emulator.key_id().to_owned(),
        key_secret: emulator.key_secret().to_owned(),
    };

    let mut client_times = Vec::new();
    let mut baseline_times = Vec::new();
    for round in 0..WARM_UP_ROUNDS + MEASURED_ROUNDS {
        // Alternate which goes first so neither always runs on a warmer machine.
        let order = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        let (mut client_time, mut baseline_time) = (Duration::ZERO, Duration::ZERO);
        for use_client in order {
            let started = Instant::now();
            let listed = if use_client {
                through_client(&client).await?
            } else {
                baseline.list_all().await?
            };
            let elapsed = started.elapsed();
            if listed != CONTACTS {
                return Err(format!("listed {listed} contacts, expected {CONTACTS}").into());
            }
            if use_client {
                client_time = elapsed;
            } else {
                baseline_time = elapsed;
            }
        }
        if round >= WARM_UP_ROUNDS {
            client_times.push(client_time);
            baseline_times.push(baseline_time);
        }
    }
    let client_median = median(&mut client_times);
    let baseline_median = median(&mut baseline_times);
    let ratio = client_median.as_secs_f64() / baseline_median.as_secs_f64();
    println!(
        "list_all of {CONTACTS} contacts, page size {PAGE_SIZE}, {MEASURED_ROUNDS} alternating rounds"
    );
    println!(
        "  client + reqwest adapter: median {:.1} ms (min {:.1} ms)",
        ms(client_median),
        ms(client_times[0])
    );
    println!(
        "  hand-written reqwest + serde_json: median {:.1} ms (min {:.1} ms)",
        ms(baseline_median),
        ms(baseline_times[0])
    );
    println!("  ratio client / hand-written (medians): {ratio:.3} (target <= 1.1)");
    loopback.shutdown().await;
    Ok(())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn main() -> Result<(), BoxError> {
    // `cargo test --benches` runs bench binaries with `--bench` absent: keep that quick.
    if !std::env::args().any(|argument| argument == "--bench") {
        println!("list_all bench: skipped (run with `cargo bench -p sinch-contacts-e2e`)");
        return Ok(());
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(run())
}
