//! Parse and verify cost, as ratios to their floors measured in the same run:
//! - parse: typed `parse_unverified` / `serde_json::from_slice::<IgnoredAny>` on the same bytes;
//! - verify: `Verifier::verify` / a bare HMAC-SHA256 of the same signed bytes;
//! - timestamps: `Timestamp::parse` / the hand-written parser it replaced (kept in
//!   `baseline/` for this comparison only), beside `time` and `jiff` alone.
//!
//! Payloads: the conformance callbacks when `SINCH_CONFORMANCE_DIR` is set, else the crate's
//! own fixtures. Prints a ratio table (median of interleaved rounds), then runs criterion.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

use criterion::{Criterion, criterion_group};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use sinch_contacts_callbacks::{Timestamp, Verifier, parse_unverified, signature_headers};

#[path = "baseline/hand_written_timestamp.rs"]
mod hand_written_timestamp;

const SECRET: &[u8] = b"bench-secret";
const NONCE: &str = "01FJA8B4A7BM43YGWSG9GBV067";
const TIMESTAMP: i64 = 1_634_579_353;

fn json_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((p.file_stem()?.to_string_lossy().into_owned(), bytes))
        })
        .collect()
}

/// (trigger label, payload) pairs.
fn payloads() -> Vec<(String, Vec<u8>)> {
    let conformance = std::env::var_os("SINCH_CONFORMANCE_DIR")
        .map(|dir| json_files(&PathBuf::from(dir).join("dotnet-hooks")))
        .unwrap_or_default();
    let files = if conformance.is_empty() {
        eprintln!("SINCH_CONFORMANCE_DIR unset or empty: benchmarking the crate's fixtures");
        let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut files = json_files(&fixtures.join("seeds"));
        files.extend(json_files(&fixtures.join("official")));
        files
    } else {
        conformance
    };
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

fn bare_hmac(body: &[u8], timestamp: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(SECRET).unwrap();
    mac.update(body);
    mac.update(b".");
    mac.update(NONCE.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.finalize().into_bytes().into()
}

fn verifier() -> Verifier {
    Verifier::new(SECRET).with_clock(|| UNIX_EPOCH + Duration::from_secs(TIMESTAMP as u64 + 1))
}

/// Median over interleaved rounds of (time of `a`) / (time of `b`).
fn ratio(mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64, f64) {
    let mut iterations = 1u32;
    loop {
        let start = Instant::now();
        for _ in 0..iterations {
            b();
        }
        if start.elapsed() > Duration::from_micros(300) || iterations > 1 << 20 {
            break;
        }
        iterations *= 2;
    }
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..iterations {
            f();
        }
        start.elapsed().as_nanos() as f64 / f64::from(iterations)
    };
    let mut rounds = Vec::new();
    for _ in 0..41 {
        let ta = time(&mut a);
        let tb = time(&mut b);
        rounds.push((ta / tb, ta, tb));
    }
    rounds.sort_by(|x, y| x.0.total_cmp(&y.0));
    rounds[rounds.len() / 2]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// `Timestamp::parse` (the `time` crate), and `jiff`'s and `time`'s own parsers alone, each
/// against the hand-written parser the crate used before, in the same interleaved rounds.
fn print_timestamp_table() {
    use time::format_description::well_known::Rfc3339;
    println!("\ntimestamp parse / hand-written baseline, median of 41 interleaved rounds");
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "text", "base ns", "new ns", "new", "time", "jiff"
    );
    let parser = jiff::fmt::temporal::DateTimeParser::new();
    for text in [
        "2020-11-17T16:05:51.724083Z",
        "2024-06-06T14:42:42.379863404Z",
        "2020-11-17T16:05:45Z",
        "2020-11-17T17:05:45+01:00",
        "2020-11-17T16:05:45",
    ] {
        let baseline = || {
            black_box(hand_written_timestamp::parse(black_box(text).as_bytes()).ok());
        };
        let (new, new_ns, base_ns) = ratio(
            || {
                black_box(Timestamp::parse(black_box(text)).ok());
            },
            baseline,
        );
        let (time, _, _) = ratio(
            || {
                let parsed = time::OffsetDateTime::parse(black_box(text), &Rfc3339);
                black_box(parsed.map(|t| (t.unix_timestamp(), t.nanosecond())).ok());
            },
            baseline,
        );
        let (jiff, _, _) = ratio(
            || {
                black_box(parser.parse_timestamp(black_box(text)).ok());
            },
            baseline,
        );
        println!("{text:<34} {base_ns:>9.1} {new_ns:>9.1} {new:>9.2} {time:>9.2} {jiff:>9.2}");
    }
}

fn print_ratio_tables(payloads: &[(String, Vec<u8>)]) {
    print_timestamp_table();
    println!("\nparse / floor (serde_json IgnoredAny), median of 41 interleaved rounds");
    println!(
        "{:<70} {:>6} {:>10} {:>10}",
        "payload", "bytes", "parse ns", "ratio"
    );
    let mut ratios = Vec::new();
    for (label, body) in payloads {
        let (r, typed, _) = ratio(
            || {
                black_box(parse_unverified(black_box(body)).ok());
            },
            || {
                black_box(serde_json::from_slice::<serde::de::IgnoredAny>(black_box(body)).ok());
            },
        );
        ratios.push(r);
        println!("{label:<70} {:>6} {typed:>10.0} {r:>10.2}", body.len());
    }
    println!(
        "median parse/floor ratio: {:.2} (target <= 1.5)",
        median(&mut ratios)
    );

    println!("\nverify / bare HMAC-SHA256, median of 41 interleaved rounds");
    println!(
        "{:<70} {:>6} {:>10} {:>10}",
        "payload", "bytes", "verify ns", "ratio"
    );
    let verifier = verifier();
    let timestamp = TIMESTAMP.to_string();
    let mut ratios = Vec::new();
    for (label, body) in payloads {
        let headers = signature_headers(SECRET, body, NONCE, TIMESTAMP);
        assert!(verifier.verify(&headers, body).is_ok());
        let (r, verify, _) = ratio(
            || {
                black_box(
                    verifier
                        .verify(black_box(&headers), black_box(body))
                        .is_ok(),
                );
            },
            || {
                black_box(bare_hmac(black_box(body), &timestamp));
            },
        );
        ratios.push(r);
        println!("{label:<70} {:>6} {verify:>10.0} {r:>10.2}", body.len());
    }
    println!(
        "median verify/HMAC ratio: {:.2} (target <= 1.2)\n",
        median(&mut ratios)
    );
}

fn criterion_benches(c: &mut Criterion) {
    let payloads = payloads();
    print_ratio_tables(&payloads);
    let mut group = c.benchmark_group("parse");
    for (label, body) in &payloads {
        group.bench_function(format!("typed {label}"), |b| {
            b.iter(|| parse_unverified(black_box(body)).ok())
        });
        group.bench_function(format!("floor {label}"), |b| {
            b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(body)).ok())
        });
    }
    group.finish();
    let verifier = verifier();
    let timestamp = TIMESTAMP.to_string();
    let mut group = c.benchmark_group("verify");
    for (label, body) in payloads.iter().take(3) {
        let headers = signature_headers(SECRET, body, NONCE, TIMESTAMP);
        group.bench_function(format!("verify {label}"), |b| {
            b.iter(|| {
                verifier
                    .verify(black_box(&headers), black_box(body))
                    .is_ok()
            })
        });
        group.bench_function(format!("hmac {label}"), |b| {
            b.iter(|| bare_hmac(black_box(body), &timestamp))
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
