//! Parse, route and verify cost, as ratios to their floors measured in the same run:
//! - parse: typed `parse_unverified` / `serde_json::from_slice::<IgnoredAny>` on the same bytes;
//! - route: `parse_route_unverified` (envelope and trigger typed, notification kept raw) / the
//!   same floor;
//! - serde: `serde_json::from_slice::<Callback>` (the typed reading alone, without the
//!   duplicated-member rule) / the same floor, to show where the parse's time goes;
//! - verify: `Verifier::verify` / a bare HMAC-SHA256 of the same signed bytes, keyed once
//!   beforehand exactly as the verifier keys its secrets (so neither pays the key setup).
//!
//! Payload sets: the crate's own fixtures, and every directory listed in
//! `SINCH_CONFORMANCE_DIR` (several may be given, separated like `PATH`), read recursively.
//! Each set prints a table (one row per payload, labelled with its trigger) and the median
//! ratios; the contenders run in alternating order within each round, and each ratio is the
//! median of 41 rounds. Allocations per call (counted by a global allocator) are shown beside
//! the times. Then criterion runs.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

use criterion::{Criterion, criterion_group};
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sinch_contacts_callbacks::{
    Callback, Verifier, parse_route_unverified, parse_unverified, signature_headers,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

const SECRET: &[u8] = b"bench-secret";
const NONCE: &str = "01FJA8B4A7BM43YGWSG9GBV067";
const TIMESTAMP: i64 = 1_634_579_353;
const ROUNDS: usize = 41;

/// A named list of (label, body) pairs.
struct PayloadSet {
    name: String,
    payloads: Vec<(String, Vec<u8>)>,
}

/// Every `.json` file under `dir`, recursively, sorted by path, except signature vectors.
fn json_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "json") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(dir, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            let vectors = serde_json::from_slice::<serde_json::Value>(&bytes)
                .is_ok_and(|json| json.get("vectors").is_some());
            if vectors || path.file_name().is_some_and(|n| n == "signatures.json") {
                return None;
            }
            Some((path.file_stem()?.to_string_lossy().into_owned(), bytes))
        })
        .collect()
}

fn labelled(files: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    files
        .into_iter()
        .map(|(name, bytes)| {
            let trigger = parse_unverified(&bytes)
                .map(|c| c.trigger().to_string())
                .unwrap_or_else(|_| "UNPARSEABLE".to_owned());
            (format!("{trigger} ({name})"), bytes)
        })
        .collect()
}

fn payload_sets() -> Vec<PayloadSet> {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut sets = vec![PayloadSet {
        name: "crate fixtures".to_owned(),
        payloads: labelled(json_files(&fixtures)),
    }];
    match std::env::var_os("SINCH_CONFORMANCE_DIR") {
        Some(dirs) => {
            for dir in std::env::split_paths(&dirs) {
                let payloads = labelled(json_files(&dir));
                if payloads.is_empty() {
                    eprintln!("no callback bodies under {}", dir.display());
                } else {
                    sets.push(PayloadSet {
                        name: dir.display().to_string(),
                        payloads,
                    });
                }
            }
        }
        None => eprintln!("SINCH_CONFORMANCE_DIR unset: benchmarking the crate's fixtures only"),
    }
    sets
}

fn verifier() -> Verifier {
    Verifier::new(SECRET).with_clock(|| UNIX_EPOCH + Duration::from_secs(TIMESTAMP as u64 + 1))
}

/// The floor of verify: HMAC-SHA256 of the signed text with a key state prepared once, as the
/// verifier prepares each secret's.
fn bare_hmac(keyed: &Hmac<Sha256>, body: &[u8], timestamp: &str) -> [u8; 32] {
    let mut mac = keyed.clone();
    mac.update(body);
    mac.update(b".");
    mac.update(NONCE.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Times each contender over interleaved rounds (the order rotates every round) and returns,
/// per contender, the median over rounds of (its time / the first contender's time in the
/// same round) and its median time per call in nanoseconds.
fn ratios(contenders: &mut [&mut dyn FnMut()]) -> Vec<(f64, f64)> {
    let mut iterations = 1u32;
    loop {
        let start = Instant::now();
        for _ in 0..iterations {
            (contenders[0])();
        }
        if start.elapsed() > Duration::from_micros(200) || iterations > 1 << 20 {
            break;
        }
        iterations *= 2;
    }
    let count = contenders.len();
    let mut times = vec![Vec::with_capacity(ROUNDS); count];
    for round in 0..ROUNDS {
        let mut this_round = vec![0.0; count];
        for step in 0..count {
            let which = (round + step) % count;
            let start = Instant::now();
            for _ in 0..iterations {
                (contenders[which])();
            }
            this_round[which] = start.elapsed().as_nanos() as f64 / f64::from(iterations);
        }
        for (which, time) in this_round.into_iter().enumerate() {
            times[which].push(time);
        }
    }
    (0..count)
        .map(|which| {
            let mut ratio: Vec<f64> = (0..ROUNDS)
                .map(|round| times[which][round] / times[0][round])
                .collect();
            (median(&mut ratio), median(&mut times[which].clone()))
        })
        .collect()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Heap allocations made by one call of `f`.
fn allocations(f: impl FnOnce()) -> usize {
    let region = Region::new(GLOBAL);
    f();
    region.change().allocations
}

/// Per-payload ratios of one set, printed; returns (parse ratios, route ratios).
fn parse_table(set: &PayloadSet) -> (Vec<f64>, Vec<f64>) {
    println!(
        "\n[{}] parse and route / floor (serde_json IgnoredAny on the same bytes)",
        set.name
    );
    println!(
        "{:<58} {:>6} {:>8} {:>8} {:>6} {:>6} {:>8} {:>6} {:>6} {:>7}",
        "payload",
        "bytes",
        "floor ns",
        "parse ns",
        "×",
        "allocs",
        "route ns",
        "×",
        "allocs",
        "serde ×"
    );
    let (mut parse_ratios, mut route_ratios) = (Vec::new(), Vec::new());
    for (label, body) in &set.payloads {
        let body = body.as_slice();
        let mut floor = || {
            let _ = black_box(serde_json::from_slice::<serde::de::IgnoredAny>(black_box(
                body,
            )));
        };
        let mut parse = || {
            let _ = black_box(parse_unverified(black_box(body)));
        };
        let mut route = || {
            let _ = black_box(parse_route_unverified(black_box(body)));
        };
        let mut serde_alone = || {
            let _ = black_box(serde_json::from_slice::<Callback>(black_box(body)));
        };
        let measured = ratios(&mut [&mut floor, &mut parse, &mut route, &mut serde_alone]);
        let parse_allocations = allocations(|| drop(black_box(parse_unverified(body))));
        let route_allocations = allocations(|| drop(black_box(parse_route_unverified(body))));
        let label: String = label.chars().take(58).collect();
        println!(
            "{label:<58} {:>6} {:>8.0} {:>8.0} {:>6.2} {:>6} {:>8.0} {:>6.2} {:>6} {:>7.2}",
            body.len(),
            measured[0].1,
            measured[1].1,
            measured[1].0,
            parse_allocations,
            measured[2].1,
            measured[2].0,
            route_allocations,
            measured[3].0,
        );
        parse_ratios.push(measured[1].0);
        route_ratios.push(measured[2].0);
    }
    println!(
        "median: parse {:.2} (target <= 2.0), route {:.2} (target <= 1.5)",
        median(&mut parse_ratios.clone()),
        median(&mut route_ratios.clone())
    );
    (parse_ratios, route_ratios)
}

fn verify_table(set: &PayloadSet) -> Vec<f64> {
    println!(
        "\n[{}] verify / bare HMAC-SHA256 with a key state prepared once",
        set.name
    );
    println!(
        "{:<58} {:>6} {:>8} {:>9} {:>6} {:>6}",
        "payload", "bytes", "hmac ns", "verify ns", "×", "allocs"
    );
    let verifier = verifier();
    let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET).expect("any key length");
    let timestamp = TIMESTAMP.to_string();
    let mut verify_ratios = Vec::new();
    for (label, body) in &set.payloads {
        let body = body.as_slice();
        let headers = signature_headers(SECRET, body, NONCE, TIMESTAMP);
        assert!(verifier.verify(&headers, body).is_ok());
        let mut floor = || {
            black_box(bare_hmac(&keyed, black_box(body), &timestamp));
        };
        let mut verify = || {
            black_box(
                verifier
                    .verify(black_box(&headers), black_box(body))
                    .is_ok(),
            );
        };
        let measured = ratios(&mut [&mut floor, &mut verify]);
        let verify_allocations = allocations(|| drop(black_box(verifier.verify(&headers, body))));
        let label: String = label.chars().take(58).collect();
        println!(
            "{label:<58} {:>6} {:>8.0} {:>9.0} {:>6.2} {:>6}",
            body.len(),
            measured[0].1,
            measured[1].1,
            measured[1].0,
            verify_allocations
        );
        verify_ratios.push(measured[1].0);
    }
    println!(
        "median: verify {:.2} (target <= 1.2)",
        median(&mut verify_ratios.clone())
    );
    verify_ratios
}

fn print_ratio_tables(sets: &[PayloadSet]) {
    let (mut parse_all, mut route_all, mut verify_all) = (Vec::new(), Vec::new(), Vec::new());
    for set in sets {
        let (parse, route) = parse_table(set);
        parse_all.extend(parse);
        route_all.extend(route);
        verify_all.extend(verify_table(set));
    }
    println!(
        "\nall sets ({} payloads), medians: parse {:.2} (<= 2.0), route {:.2} (<= 1.5), verify {:.2} (<= 1.2)\n",
        parse_all.len(),
        median(&mut parse_all),
        median(&mut route_all),
        median(&mut verify_all)
    );
}

fn criterion_benches(c: &mut Criterion) {
    let sets = payload_sets();
    print_ratio_tables(&sets);
    let payloads: Vec<&(String, Vec<u8>)> = sets.iter().flat_map(|s| &s.payloads).collect();
    let mut group = c.benchmark_group("parse");
    for (label, body) in payloads.iter().copied() {
        group.bench_function(format!("typed {label}"), |b| {
            b.iter(|| parse_unverified(black_box(body)).ok())
        });
        group.bench_function(format!("route {label}"), |b| {
            b.iter(|| parse_route_unverified(black_box(body)).ok())
        });
        group.bench_function(format!("floor {label}"), |b| {
            b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(body)).ok())
        });
    }
    group.finish();
    let verifier = verifier();
    let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET).expect("any key length");
    let timestamp = TIMESTAMP.to_string();
    let mut group = c.benchmark_group("verify");
    for (label, body) in payloads.iter().copied().take(3) {
        let headers = signature_headers(SECRET, body, NONCE, TIMESTAMP);
        group.bench_function(format!("verify {label}"), |b| {
            b.iter(|| {
                verifier
                    .verify(black_box(&headers), black_box(body))
                    .is_ok()
            })
        });
        group.bench_function(format!("hmac {label}"), |b| {
            b.iter(|| bare_hmac(&keyed, black_box(body), &timestamp))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(400))
        .sample_size(10);
    targets = criterion_benches
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
