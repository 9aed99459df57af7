//! The receiver end to end, with the release binary, on 127.0.0.1.
//!
//! 1. **Deliveries per second**: a sender with `--senders` keep-alive connections (64) posts
//!    `--deliveries` signed bodies (every one distinct: STOP keywords and contact creates) to
//!    `sinch-contacts callbacks listen`, in memory (the floor: HTTP, signature, parsing,
//!    printing) and with `--state` on a SQLite file and, when `SINCH_TEST_POSTGRES_URL` is
//!    set, a PostgreSQL database, in alternating rounds; a 503 is sent again after a pause.
//! 2. **Catch-up** (`--catch-up ROWS`): the emulator with a webhook to `listen --state`, then
//!    `contacts import` of ROWS rows; how long the import takes, and how long until the
//!    receiver has applied every CONTACT_CREATE.
//!
//! ```sh
//! cargo bench -p sinch-contacts-cli --bench receiver -- [--deliveries N] [--senders N]
//!     [--rounds N] [--catch-up ROWS] [--skip-rate] [--to URL]
//! ```

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sinch_contacts_callbacks::signature_headers;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const BIN: &str = env!("CARGO_BIN_EXE_sinch-contacts");
const SECRET: &str = "bench-secret";

#[derive(Debug, Clone)]
struct Args {
    deliveries: usize,
    senders: usize,
    rounds: usize,
    catch_up: Option<usize>,
    rate: bool,
    to: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        deliveries: 100_000,
        senders: 64,
        rounds: 3,
        catch_up: None,
        rate: true,
        to: None,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let mut number = || -> usize {
            words
                .next()
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("{word} takes a number"))
        };
        match word.as_str() {
            "--deliveries" => args.deliveries = number(),
            "--senders" => args.senders = number(),
            "--rounds" => args.rounds = number(),
            "--catch-up" => args.catch_up = Some(number()),
            "--skip-rate" => args.rate = false,
            "--to" => args.to = words.next(),
            _ => {}
        }
    }
    args
}

/// A started process, killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `command` with its standard output piped, and returns it with its first line.
fn start(mut command: Command) -> (Process, String) {
    use std::io::BufRead as _;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("readable");
    // Keep reading (and dropping) the rest, so the process never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (Process(child), first)
}

fn url_in(line: &str) -> String {
    let start = line.find("http://").expect("a URL");
    line[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == ',')
        .next()
        .unwrap()
        .to_owned()
}

fn listen(state: Option<&str>) -> (Process, String) {
    let mut command = Command::new(BIN);
    command.args([
        "--json",
        "callbacks",
        "listen",
        "--port",
        "0",
        "--secret",
        SECRET,
    ]);
    if let Some(state) = state {
        command.args(["--state", state]);
    }
    let (process, first) = start(command);
    (process, url_in(&first))
}

fn address_of(url: &str) -> SocketAddr {
    url.trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// `count` distinct bodies starting with `salt`.
fn bodies(salt: &str, count: usize) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| {
            if i % 2 == 0 {
                format!(
                    r#"{{"app_id":"bench","project_id":"p","accepted_time":"2024-01-01T00:00:00Z","message":{{"channel_identity":{{"channel":"SMS","identity":"{salt}{i}"}},"contact_message":{{"text_message":{{"text":"STOP"}}}}}}}}"#
                )
            } else {
                format!(
                    r#"{{"app_id":"bench","project_id":"p","accepted_time":"2024-01-01T00:00:00Z","contact_create_notification":{{"contact":{{"id":"{salt}-c{i}","display_name":"Person {i}","channel_identities":[{{"channel":"SMS","identity":"+46{i:09}"}}],"language":"EN_US"}}}}}}"#
                )
            }
            .into_bytes()
        })
        .collect()
}

/// A request, signed now with a nonce of its own.
fn request(body: &[u8], nonce: &str) -> Vec<u8> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut head = format!(
        "POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in signature_headers(SECRET.as_bytes(), body, nonce, now as i64) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends one request on a kept-alive connection and reads the status (skipping the body).
async fn exchange(stream: &mut BufReader<TcpStream>, request: &[u8]) -> u16 {
    stream.get_mut().write_all(request).await.unwrap();
    let mut line = String::new();
    stream.read_line(&mut line).await.unwrap();
    let status: u16 = line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut length = 0usize;
    loop {
        line.clear();
        stream.read_line(&mut line).await.unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(value) = line
            .to_ascii_lowercase()
            .strip_prefix("content-length:")
            .map(|value| value.trim().to_owned())
        {
            length = value.parse().unwrap();
        }
    }
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.unwrap();
    status
}

/// Posts every body with `senders` connections; the rate and the number of 503 answers.
async fn send_all(address: SocketAddr, bodies: Vec<Vec<u8>>, senders: usize) -> (f64, u64) {
    let bodies = Arc::new(bodies);
    let next = Arc::new(AtomicU64::new(0));
    let busy = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for sender in 0..senders {
        let (bodies, next, busy) = (bodies.clone(), next.clone(), busy.clone());
        tasks.spawn(async move {
            let mut stream = BufReader::new(TcpStream::connect(address).await.unwrap());
            let mut attempt = 0u64;
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed) as usize;
                let Some(body) = bodies.get(index) else {
                    return;
                };
                loop {
                    attempt += 1;
                    let nonce = format!("s{sender}-{attempt}");
                    match exchange(&mut stream, &request(body, &nonce)).await {
                        200 => break,
                        503 => {
                            busy.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                        other => panic!("answered {other}"),
                    }
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let rate = bodies.len() as f64 / started.elapsed().as_secs_f64();
    (rate, busy.load(Ordering::Relaxed))
}

fn fresh_postgres(url: &str, runtime: &tokio::runtime::Runtime, name: &str) -> String {
    use sqlx::Connection as _;
    runtime.block_on(async {
        let mut admin = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
    });
    let (server, _) = url.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

fn rates(args: &Args, runtime: &tokio::runtime::Runtime, dir: &Path) {
    let postgres = std::env::var("SINCH_TEST_POSTGRES_URL").ok();
    let mut table: Vec<(&str, Vec<f64>, u64)> =
        vec![("in memory", Vec::new(), 0), ("sqlite", Vec::new(), 0)];
    if postgres.is_some() {
        table.push(("postgres", Vec::new(), 0));
    }
    for round in 0..args.rounds {
        for (kind, rates, busy) in &mut table {
            let state = match *kind {
                "sqlite" => Some(dir.join(format!("rate-{round}.db")).display().to_string()),
                "postgres" => Some(fresh_postgres(
                    postgres.as_deref().unwrap(),
                    runtime,
                    "bench_receiver",
                )),
                _ => None,
            };
            let (_listener, url) = listen(state.as_deref());
            let (rate, refused) = runtime.block_on(send_all(
                address_of(&url),
                bodies(&format!("r{round}{kind}"), args.deliveries),
                args.senders,
            ));
            let text = runtime.block_on(metrics(address_of(&url)));
            if let Some(transactions) = sample(&text, "sinch_callbacks_transactions_total") {
                let applied = sample(&text, "sinch_callbacks_applied_total").unwrap_or(0.0);
                println!(
                    "listen {kind:<10} round {round}: {rate:.0} deliveries/s, {:.1} deliveries a transaction",
                    applied / transactions.max(1.0)
                );
            }
            rates.push(rate);
            *busy += refused;
        }
    }
    let floor = table[0].1.clone();
    for (kind, rates, busy) in &table {
        let ratios: Vec<f64> = rates
            .iter()
            .zip(&floor)
            .map(|(rate, floor)| rate / floor)
            .collect();
        println!(
            "listen {kind:<10} {:>7.0}–{:<7.0} deliveries/s over {} rounds of {}, {} senders; ÷ in memory {:.2}–{:.2}; 503 answers {busy}",
            rates.iter().copied().fold(f64::INFINITY, f64::min),
            rates.iter().copied().fold(0.0, f64::max),
            args.rounds,
            args.deliveries,
            args.senders,
            ratios.iter().copied().fold(f64::INFINITY, f64::min),
            ratios.iter().copied().fold(0.0, f64::max),
        );
    }
}

/// The value of a sample in a Prometheus text.
fn sample(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

async fn metrics(address: SocketAddr) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).await.unwrap();
    text
}

fn catch_up(rows: usize, runtime: &tokio::runtime::Runtime, dir: &Path) {
    let file = dir.join(format!("people-{rows}.csv"));
    let mut text = String::from("external_id,display_name,language,channel_identities\n");
    for i in 0..rows {
        text.push_str(&format!("ext-{i},Person {i},EN_US,SMS:+46{i:09}\n"));
    }
    std::fs::write(&file, text).unwrap();
    let mut states = vec![("sqlite", dir.join("catch-up.db").display().to_string())];
    if let Ok(url) = std::env::var("SINCH_TEST_POSTGRES_URL") {
        states.push(("postgres", fresh_postgres(&url, runtime, "bench_catch_up")));
    }
    for (kind, state) in states {
        let (_listener, hook) = listen(Some(&state));
        let mut emulator = Command::new(BIN);
        emulator.args([
            "emulator",
            "--port",
            "0",
            "--webhook",
            &hook,
            "--secret",
            SECRET,
        ]);
        let (_emulator, first) = start(emulator);
        let base_url = url_in(&first);
        let started = Instant::now();
        let imported = Command::new(BIN)
            .args([
                "contacts",
                "--base-url",
                &base_url,
                "import",
                "--no-journal",
            ])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(imported.success());
        let import_took = started.elapsed();
        let receiver = address_of(&hook);
        let applied = runtime.block_on(async {
            loop {
                let text = metrics(receiver).await;
                let applied = sample(&text, "sinch_callbacks_applied_total").unwrap_or(0.0);
                if applied as usize >= rows {
                    return applied;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        let total = started.elapsed();
        println!(
            "catch-up {kind:<8} {rows} rows: import {:.1} s ({:.0} rows/s); mirror complete after {:.1} s, {:.1} s after the import ended ({applied} applied)",
            import_took.as_secs_f64(),
            rows as f64 / import_took.as_secs_f64(),
            total.as_secs_f64(),
            (total - import_took).as_secs_f64(),
        );
    }
}

fn main() {
    if std::env::args().any(|arg| arg == "--list") {
        return;
    }
    let args = args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    if let Some(url) = &args.to {
        // Only send, to a receiver started by hand (for profiling it).
        let (rate, refused) = runtime.block_on(send_all(
            address_of(url),
            bodies("to", args.deliveries),
            args.senders,
        ));
        println!("sent to {url}: {rate:.0} deliveries/s, 503 answers {refused}");
        return;
    }
    if args.rate {
        rates(&args, &runtime, dir.path());
    }
    if let Some(rows) = args.catch_up {
        catch_up(rows, &runtime, dir.path());
    }
}
