//! Ingestion at volume: a bulk import into the emulator, whose webhook posts every
//! CONTACT_CREATE to durable receivers.
//!
//! - 20,000 rows into one `callbacks listen --state FILE` (SQLite), the burst that wedged the
//!   receiver before group commit;
//! - 4 receivers on one PostgreSQL database behind a round-robin TCP proxy, one of them killed
//!   in the middle of the run.
//!
//! At the end the emulator's delivery log holds no failed delivery, the ledger holds every
//! delivery once, the mirror equals the emulator's contacts, and no delivery was applied twice.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::{Running, bin, bin_std, http_get, listen_with_state, url_in};

const SECRET: &str = "ingest-secret";

/// A CSV of `count` people, each with one SMS identity.
fn people(dir: &Path, count: usize) -> PathBuf {
    let mut text = String::from("external_id,display_name,language,channel_identities\n");
    for i in 0..count {
        text.push_str(&format!("ext-{i},Person {i},EN_US,SMS:+4670{i:07}\n"));
    }
    let path = dir.join(format!("people-{count}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

fn emulator(webhook: &str) -> (Running, String) {
    let mut command = bin_std();
    command.args([
        "emulator",
        "--port",
        "0",
        "--webhook",
        webhook,
        "--secret",
        SECRET,
    ]);
    let emulator = Running::spawn(command);
    let base_url = url_in(&emulator.next_line(Duration::from_secs(20)));
    (emulator, base_url)
}

fn receiver(state: &str) -> (Running, String) {
    listen_with_state(SECRET, state, true)
}

fn import(base_url: &str, file: &Path) -> std::process::Child {
    bin_std()
        .args(["contacts", "--base-url", base_url, "import", "--no-journal"])
        .arg(file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

fn finished_ok(import: std::process::Child) {
    let output = import.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Waits until the emulator made `expected` deliveries and finished each; the log.
fn deliveries_done(base_url: &str, expected: usize, patience: Duration) -> Vec<serde_json::Value> {
    let deadline = Instant::now() + patience;
    loop {
        let (status, body) = http_get(base_url, "/_emulator/deliveries");
        assert_eq!(status, 200, "{body}");
        let log: serde_json::Value = serde_json::from_str(&body).unwrap();
        let deliveries = log["deliveries"].as_array().unwrap().clone();
        let finished = deliveries
            .iter()
            .filter(|delivery| delivery["finished"] == true)
            .count();
        if deliveries.len() >= expected && finished == deliveries.len() {
            return deliveries;
        }
        assert!(
            Instant::now() < deadline,
            "{finished} of {} deliveries finished (expected {expected}) after {patience:?}",
            deliveries.len()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn assert_all_delivered(deliveries: &[serde_json::Value]) {
    let failed: Vec<&serde_json::Value> = deliveries
        .iter()
        .filter(|delivery| delivery["delivered"] != true)
        .collect();
    assert!(
        failed.is_empty(),
        "{} deliveries failed, e.g. {:?}",
        failed.len(),
        failed.first().map(|delivery| (
            &delivery["attempts"],
            &delivery["last_status"],
            &delivery["last_error"]
        ))
    );
}

/// The emulator's contacts: id and display name.
fn emulator_contacts(base_url: &str) -> BTreeMap<String, String> {
    let output = bin()
        .args([
            "contacts",
            "--base-url",
            base_url,
            "export",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let contact: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                contact["id"].as_str().unwrap().to_owned(),
                contact["display_name"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// Id and display name of each live contact in the `contact_json` column's rows.
fn names(rows: Vec<(String, String)>) -> BTreeMap<String, String> {
    rows.into_iter()
        .map(|(id, json)| {
            let contact: serde_json::Value = serde_json::from_str(&json).unwrap();
            (
                id,
                contact["display_name"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The contact id of each callback a receiver printed as applied now (not already applied).
fn freshly_applied(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["already_applied"] == false)
        .filter_map(|line| {
            line["callback"]["contact_create_notification"]["contact"]["id"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

#[test]
fn a_20000_row_import_is_mirrored_whole_by_a_receiver_on_sqlite() {
    const ROWS: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let file = people(dir.path(), ROWS);
    let state = dir.path().join("state.db");
    let (mut receiver, hook) = receiver(state.to_str().unwrap());
    let (_emulator, base_url) = emulator(&hook);
    finished_ok(import(&base_url, &file));
    let deliveries = deliveries_done(&base_url, ROWS, Duration::from_secs(600));
    assert_eq!(deliveries.len(), ROWS);
    assert_all_delivered(&deliveries);

    // A signed STOP afterwards is taken too: the receiver did not wedge.
    let stop = dir.path().join("stop.json");
    std::fs::write(
        &stop,
        r#"{"app_id":"app","project_id":"proj","message":{"channel_identity":{"channel":"SMS","identity":"+46700000001"},"contact_message":{"text_message":{"text":"STOP"}}}}"#,
    )
    .unwrap();
    let sent = bin()
        .args(["callbacks", "send", "--to", &hook, "--secret", SECRET])
        .arg(&stop)
        .output()
        .unwrap();
    assert_eq!(
        sent.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    assert_eq!(receiver.terminate(Duration::from_secs(60)), Some(0));
    let lines = receiver.remaining_lines();

    let conn = rusqlite::Connection::open(&state).unwrap();
    let ledger: i64 = conn
        .query_row("SELECT COUNT(*) FROM deliveries", [], |row| row.get(0))
        .unwrap();
    assert_eq!(ledger, i64::try_from(ROWS).unwrap() + 1);
    let mut statement = conn
        .prepare("SELECT id, contact_json FROM contacts WHERE state = 'live'")
        .unwrap();
    let rows: Vec<(String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mirror = names(rows);
    let expected = emulator_contacts(&base_url);
    assert_eq!(expected.len(), ROWS);
    assert!(
        mirror == expected,
        "the mirror differs from the emulator's contacts"
    );
    let fresh = freshly_applied(&lines);
    assert_eq!(fresh.len(), ROWS);
    assert_eq!(fresh.iter().collect::<BTreeSet<_>>().len(), ROWS);
}

/// Accepts connections on 127.0.0.1 and pipes each to the next of `backends` in turn,
/// skipping those that refuse the connection.
fn round_robin(backends: Vec<SocketAddr>) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let mut next = 0usize;
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    continue;
                };
                let start = next;
                next = next.wrapping_add(1);
                let backends = backends.clone();
                tokio::spawn(async move {
                    for offset in 0..backends.len() {
                        let backend = backends[(start + offset) % backends.len()];
                        if let Ok(mut outbound) = tokio::net::TcpStream::connect(backend).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                            return;
                        }
                    }
                });
            }
        });
    });
    address
}

fn socket_of(url: &str) -> SocketAddr {
    url.trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn four_receivers_on_one_postgresql_apply_every_delivery_once_though_one_is_killed() {
    const ROWS: usize = 3_000;
    let Ok(server) = std::env::var("SINCH_TEST_POSTGRES_URL") else {
        eprintln!("SINCH_TEST_POSTGRES_URL is not set: PostgreSQL test skipped");
        return;
    };
    let database = crate::support::fresh_postgres_database(&server, "receivers");
    let dir = tempfile::tempdir().unwrap();
    let file = people(dir.path(), ROWS);
    let mut receivers: Vec<(Running, String)> = (0..4).map(|_| receiver(&database)).collect();
    let proxy = round_robin(receivers.iter().map(|(_, url)| socket_of(url)).collect());
    let (_emulator, base_url) = emulator(&format!("http://{proxy}/"));

    let importing = import(&base_url, &file);
    // Kill the third receiver once it has applied a few dozen deliveries: mid-run.
    let mut killed_lines = Vec::new();
    for _ in 0..50 {
        killed_lines.push(
            receivers[2]
                .0
                .line_containing("CONTACT_CREATE", Duration::from_secs(120)),
        );
    }
    receivers[2].0.kill();
    killed_lines.extend(receivers[2].0.remaining_lines());
    finished_ok(importing);
    let deliveries = deliveries_done(&base_url, ROWS, Duration::from_secs(600));
    assert_eq!(deliveries.len(), ROWS);
    assert_all_delivered(&deliveries);

    let mut fresh = freshly_applied(&killed_lines);
    for (index, (receiver, _)) in receivers.iter_mut().enumerate() {
        if index != 2 {
            assert_eq!(receiver.terminate(Duration::from_secs(60)), Some(0));
            fresh.extend(freshly_applied(&receiver.remaining_lines()));
        }
    }
    // A delivery committed by the killed receiver just before the kill may have gone
    // unprinted; none may be applied twice.
    let distinct: BTreeSet<&String> = fresh.iter().collect();
    assert_eq!(distinct.len(), fresh.len(), "a delivery was applied twice");
    assert!(
        fresh.len() <= ROWS && fresh.len() + 50 >= ROWS,
        "{}",
        fresh.len()
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (ledger, rows) = runtime.block_on(async {
        use sqlx::Connection as _;
        let mut conn = sqlx::PgConnection::connect(&database).await.unwrap();
        let ledger: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, contact_json FROM contacts WHERE state = 'live'")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        (ledger, rows)
    });
    assert_eq!(ledger, i64::try_from(ROWS).unwrap());
    let mirror = names(rows);
    let expected = emulator_contacts(&base_url);
    assert_eq!(expected.len(), ROWS);
    assert!(
        mirror == expected,
        "the mirror differs from the emulator's contacts"
    );
}
