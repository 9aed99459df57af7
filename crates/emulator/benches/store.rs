//! Emulator get and merge with 1,000 and with 100,000 contacts stored: the indexed store should
//! make both flat. Criterion reports each case; a summary measured in the same run prints the
//! ratio 100,000 / 1,000 for each operation (target: at most 1.2).
//!
//! Run with `cargo bench -p sinch-contacts-emulator --bench store`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{BatchSize, Criterion};
use sinch_contacts_emulator::{Emulator, EmulatorTransport};
use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel,
};
use sinch_contacts_port::Transport;

const SIZES: [usize; 2] = [1_000, 100_000];
/// `Basic base64("emulator-key:emulator-secret")`.
const BASIC: &str = "Basic ZW11bGF0b3Ita2V5OmVtdWxhdG9yLXNlY3JldA==";

fn request(phone: &str) -> ContactCreateRequest {
    let mut request = ContactCreateRequest::new(
        vec![ChannelIdentity::new(ConversationChannel::Sms, phone)],
        ContactLanguage::EnUs,
    );
    request.display_name = Some("Bench".to_owned());
    request.external_id = Some(format!("ext-{phone}"));
    request
}

/// An emulator holding `size` contacts, and 1,000 of their ids spread over the whole store.
fn store_of(size: usize) -> (Emulator, Vec<String>) {
    let emulator = Emulator::new();
    let contacts = emulator
        .seed_contacts((0..size).map(|n| request(&format!("+1{n:09}"))).collect())
        .expect("valid contacts");
    let step = size / 1_000;
    let ids = contacts
        .iter()
        .step_by(step.max(1))
        .filter_map(|contact| contact.id.clone())
        .collect();
    (emulator, ids)
}

fn call(method: &str, path: &str, body: Bytes) -> http::Request<Bytes> {
    http::Request::builder()
        .method(method)
        .uri(format!(
            "http://emulator.invalid/v1/projects/emulator-project{path}"
        ))
        .header("authorization", BASIC)
        .header("content-type", "application/json")
        .body(body)
        .expect("valid request")
}

fn send(
    runtime: &tokio::runtime::Runtime,
    transport: &EmulatorTransport,
    request: http::Request<Bytes>,
) {
    let response = runtime.block_on(transport.send(request)).expect("answered");
    assert!(response.status().is_success(), "{:?}", response.body());
    black_box(response);
}

/// A fresh source contact to merge into `destination` (same channel, so nothing moves and the
/// destination does not grow).
fn fresh_source(emulator: &Emulator, counter: &mut u64) -> String {
    *counter += 1;
    emulator
        .seed_contacts(vec![request(&format!("+2{counter:09}"))])
        .expect("valid contact")
        .remove(0)
        .id
        .expect("an id")
}

struct Store {
    size: usize,
    emulator: Emulator,
    transport: EmulatorTransport,
    ids: Vec<String>,
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let stores: Vec<Store> = SIZES
        .iter()
        .map(|&size| {
            let (emulator, ids) = store_of(size);
            Store {
                size,
                transport: emulator.transport(),
                emulator,
                ids,
            }
        })
        .collect();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    let mut counter = 0u64;
    for store in &stores {
        let mut group = criterion.benchmark_group(format!("contacts_{}", store.size));
        let mut next = 0usize;
        group.bench_function("get", |b| {
            b.iter(|| {
                next = (next + 1) % store.ids.len();
                send(
                    &runtime,
                    &store.transport,
                    call(
                        "GET",
                        &format!("/contacts/{}", store.ids[next]),
                        Bytes::new(),
                    ),
                );
            });
        });
        let destination = store.ids[store.ids.len() / 2].clone();
        group.bench_function("merge", |b| {
            b.iter_batched(
                || fresh_source(&store.emulator, &mut counter),
                |source| {
                    let body =
                        Bytes::from(format!(r#"{{"source_id":"{source}","strategy":"MERGE"}}"#));
                    send(
                        &runtime,
                        &store.transport,
                        call("POST", &format!("/contacts/{destination}:merge"), body),
                    );
                },
                BatchSize::SmallInput,
            );
        });
        group.finish();
    }
    criterion.final_summary();
    if !std::env::args().any(|arg| arg == "--bench") {
        return; // `cargo test --benches` runs each benchmark once; skip the summary.
    }

    // The ratio, measured in this run: short blocks of the same operations alternate between
    // the two stores, each pair of blocks gives one ratio, and the median of those ratios is
    // reported (with the quartiles), so a burst of load from elsewhere on the machine spoils a
    // few pairs instead of the whole figure.
    const PAIRS: usize = 60;
    const GETS: usize = 200;
    const MERGES: usize = 40;
    let mut get_ratios = Vec::with_capacity(PAIRS);
    let mut merge_ratios = Vec::with_capacity(PAIRS);
    let mut per_call = [[Duration::ZERO; 2]; 2]; // [operation][store], summed over the pairs
    for pair in 0..PAIRS {
        let mut get_block = [Duration::ZERO; 2];
        let mut merge_block = [Duration::ZERO; 2];
        for (index, store) in stores.iter().enumerate() {
            let start = Instant::now();
            for call_number in 0..GETS {
                let id = &store.ids[(pair * GETS + call_number) % store.ids.len()];
                send(
                    &runtime,
                    &store.transport,
                    call("GET", &format!("/contacts/{id}"), Bytes::new()),
                );
            }
            get_block[index] = start.elapsed() / u32::try_from(GETS).unwrap_or(1);
            let destination = store.ids[store.ids.len() / 2].clone();
            for _ in 0..MERGES {
                let source = fresh_source(&store.emulator, &mut counter);
                let body = Bytes::from(format!(r#"{{"source_id":"{source}","strategy":"MERGE"}}"#));
                let start = Instant::now();
                send(
                    &runtime,
                    &store.transport,
                    call("POST", &format!("/contacts/{destination}:merge"), body),
                );
                merge_block[index] += start.elapsed();
            }
            merge_block[index] /= u32::try_from(MERGES).unwrap_or(1);
        }
        get_ratios.push(get_block[1].as_secs_f64() / get_block[0].as_secs_f64());
        merge_ratios.push(merge_block[1].as_secs_f64() / merge_block[0].as_secs_f64());
        for index in 0..2 {
            per_call[0][index] += get_block[index];
            per_call[1][index] += merge_block[index];
        }
    }
    println!(
        "\nemulator store: 100,000 contacts vs 1,000 (same run, {PAIRS} alternating pairs of blocks)"
    );
    for (operation, name, ratios) in [(0, "get", &mut get_ratios), (1, "merge", &mut merge_ratios)]
    {
        ratios.sort_by(f64::total_cmp);
        let quantile = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
        let pairs = u32::try_from(PAIRS).unwrap_or(1);
        println!(
            "  {name:<5}  1,000: {:>9.2?}  100,000: {:>9.2?}  ratio median {:.2} (quartiles {:.2}..{:.2})",
            per_call[operation][0] / pairs,
            per_call[operation][1] / pairs,
            quantile(0.5),
            quantile(0.25),
            quantile(0.75),
        );
    }
}
