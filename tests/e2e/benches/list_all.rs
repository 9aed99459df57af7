//! List-all of 10,000 contacts (page size 20) against the emulator over HTTP on 127.0.0.1:
//! the client with the reqwest adapter, divided by a hand-written reqwest + serde_json loop
//! making the same requests (same base URL, same Basic credentials, same page size, decoding
//! into the model's `ListContactsResponse`). The two alternate in one run; it prints the median
//! of the per-round wall-time ratios, the ratio of the fastest rounds, and the ratio of process
//! CPU time.
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
const WARM_UP_ROUNDS: usize = 3;
const MEASURED_ROUNDS: usize = 30;

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

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// CPU time used so far by the whole process (all threads: the client, the emulator and the
/// runtime), from `/proc/self/stat` in clock ticks; `None` where that file is missing.
fn process_cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the file, 12 and 13 after the name.
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some(user + system)
}

/// One timed listing: wall time and process CPU ticks.
struct Sample {
    wall: Duration,
    cpu_ticks: Option<u64>,
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

    let mut wall_ratios = Vec::new();
    let (mut client_walls, mut baseline_walls) = (Vec::new(), Vec::new());
    let (mut client_ticks, mut baseline_ticks) = (Some(0_u64), Some(0_u64));
    for round in 0..WARM_UP_ROUNDS + MEASURED_ROUNDS {
        // Alternate which goes first so neither always runs on a warmer machine.
        let order = if round % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        let mut client_sample = None;
        let mut baseline_sample = None;
        for use_client in order {
            let ticks_before = process_cpu_ticks();
            let started = Instant::now();
            let listed = if use_client {
                through_client(&client).await?
            } else {
                baseline.list_all().await?
            };
            let sample = Sample {
                wall: started.elapsed(),
                cpu_ticks: process_cpu_ticks()
                    .zip(ticks_before)
                    .map(|(after, before)| after.saturating_sub(before)),
            };
            if listed != CONTACTS {
                return Err(format!("listed {listed} contacts, expected {CONTACTS}").into());
            }
            if use_client {
                client_sample = Some(sample);
            } else {
                baseline_sample = Some(sample);
            }
        }
        let (Some(client_sample), Some(baseline_sample)) = (client_sample, baseline_sample) else {
            return Err("a round did not time both listings".into());
        };
        if round >= WARM_UP_ROUNDS {
            wall_ratios.push(client_sample.wall.as_secs_f64() / baseline_sample.wall.as_secs_f64());
            client_walls.push(ms(client_sample.wall));
            baseline_walls.push(ms(baseline_sample.wall));
            client_ticks = client_ticks
                .zip(client_sample.cpu_ticks)
                .map(|(sum, t)| sum + t);
            baseline_ticks = baseline_ticks
                .zip(baseline_sample.cpu_ticks)
                .map(|(sum, t)| sum + t);
        }
    }
    println!(
        "list_all of {CONTACTS} contacts, page size {PAGE_SIZE}, {MEASURED_ROUNDS} alternating rounds"
    );
    println!(
        "  client + reqwest adapter:          wall median {:.1} ms, min {:.1} ms",
        median(&mut client_walls),
        client_walls[0]
    );
    println!(
        "  hand-written reqwest + serde_json: wall median {:.1} ms, min {:.1} ms",
        median(&mut baseline_walls),
        baseline_walls[0]
    );
    println!(
        "  ratio client / hand-written, wall (median of per-round ratios): {:.3} (target <= 1.1)",
        median(&mut wall_ratios)
    );
    println!(
        "  ratio client / hand-written, wall (min / min): {:.3}",
        client_walls[0] / baseline_walls[0]
    );
    match (client_ticks, baseline_ticks) {
        (Some(client), Some(baseline)) if baseline > 0 => println!(
            "  ratio client / hand-written, process CPU time (client and emulator, summed over rounds): {:.3} ({client} / {baseline} ticks)",
            client as f64 / baseline as f64
        ),
        _ => println!("  process CPU time: not available on this system"),
    }
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
