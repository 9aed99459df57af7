//! `callbacks listen` as a service: `--bind`, `/healthz`, `/readyz`, `/metrics`, the lines
//! printed for refused deliveries, a drain on SIGTERM that exits 0 with a summary, and
//! `--state` on PostgreSQL.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crate::support::{Running, bin, bin_std, http_get, url_in, write};

const SECRET: &str = "service-secret";
const STOP: &str = r#"{"app_id":"app","project_id":"proj","message":{"id":"m-stop","channel_identity":{"channel":"SMS","identity":"+46700000042"},"contact_message":{"text_message":{"text":"STOP"}}}}"#;

fn listen(extra: &[&str]) -> (Running, String) {
    let mut command = bin_std();
    command
        .args([
            "--json",
            "callbacks",
            "listen",
            "--port",
            "0",
            "--secret",
            SECRET,
        ])
        .args(extra);
    let listener = Running::spawn(command);
    let url = url_in(&listener.next_line(Duration::from_secs(20)));
    (listener, url)
}

fn send(url: &str, file: &Path, secret: &str) -> Output {
    bin()
        .args(["callbacks", "send", "--to", url, "--secret", secret])
        .arg(file)
        .output()
        .unwrap()
}

/// The value of the sample `name` (with its labels) in a Prometheus text.
fn sample(metrics: &str, name: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn health_readiness_and_metrics_answer_beside_the_webhook() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let stop = write(dir.path(), "stop.json", STOP);
    let (mut listener, url) = listen(&["--bind", "127.0.0.1", "--state", state.to_str().unwrap()]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(http_get(&url, "/healthz"), (200, "ok\n".to_owned()));
    assert_eq!(http_get(&url, "/readyz"), (200, "ready\n".to_owned()));

    assert_eq!(send(&url, &stop, SECRET).status.code(), Some(0));
    assert_eq!(send(&url, &stop, SECRET).status.code(), Some(0));
    assert_eq!(send(&url, &stop, "not-the-secret").status.code(), Some(1));

    let (status, metrics) = http_get(&url, "/metrics");
    assert_eq!(status, 200);
    assert_eq!(
        sample(&metrics, "sinch_callbacks_applied_total"),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        sample(&metrics, "sinch_callbacks_redelivered_total"),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "sinch_callbacks_rejected_total{reason=\"unauthorized\"}"
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(
            &metrics,
            "sinch_callbacks_rejected_total{reason=\"overloaded\"}"
        ),
        Some(0.0)
    );
    assert_eq!(sample(&metrics, "sinch_callbacks_queue_depth"), Some(0.0));
    // Two commits (the second found the delivery in the ledger), each at most +Inf.
    assert_eq!(
        sample(
            &metrics,
            "sinch_callbacks_commit_latency_seconds_bucket{le=\"+Inf\"}"
        ),
        Some(2.0)
    );
    assert_eq!(
        sample(&metrics, "sinch_callbacks_commit_latency_seconds_count"),
        Some(2.0)
    );

    // SIGTERM: drains, exits 0, and prints the summary as JSON.
    assert_eq!(listener.terminate(Duration::from_secs(20)), Some(0));
    let summary = listener.line_containing("\"summary\":{", Duration::from_secs(5));
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["summary"]["applied"], 1);
    assert_eq!(summary["summary"]["redelivered"], 1);
    assert_eq!(summary["summary"]["rejected"]["unauthorized"], 1);
    let stderr = listener.stderr();
    assert!(stderr.contains("refused (401 unauthorized)"), "{stderr}");
    assert!(
        !stderr.contains("STOP"),
        "the body is never printed: {stderr}"
    );
}

#[test]
fn the_in_memory_receiver_answers_the_same_routes_and_summarizes_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let stop = write(dir.path(), "stop.json", STOP);
    let (mut listener, url) = listen(&[]);
    assert_eq!(http_get(&url, "/healthz").0, 200);
    assert_eq!(http_get(&url, "/readyz").0, 200);
    assert_eq!(send(&url, &stop, SECRET).status.code(), Some(0));
    let (_, metrics) = http_get(&url, "/metrics");
    assert_eq!(sample(&metrics, "sinch_callbacks_applied_total"), Some(1.0));
    assert!(!metrics.contains("queue_depth"), "{metrics}");
    assert_eq!(listener.terminate(Duration::from_secs(20)), Some(0));
    let summary = listener.line_containing("\"summary\":{", Duration::from_secs(5));
    let summary: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(summary["summary"]["applied"], 1);
    assert_eq!(summary["mirrored_contacts"], 0);
}

#[test]
fn a_webhook_path_taken_by_a_route_of_the_receiver_is_a_usage_error() {
    let output = bin()
        .args([
            "callbacks",
            "listen",
            "--port",
            "0",
            "--secret",
            SECRET,
            "--path",
            "metrics",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/metrics"));
}

#[test]
fn state_on_postgresql_is_shared_with_the_suppressed_command() {
    let Ok(url) = std::env::var("SINCH_TEST_POSTGRES_URL") else {
        eprintln!("SINCH_TEST_POSTGRES_URL is not set: PostgreSQL test skipped");
        return;
    };
    let database = crate::support::fresh_postgres_database(&url, "listen_service");
    let dir = tempfile::tempdir().unwrap();
    let stop = write(dir.path(), "stop.json", STOP);
    let (mut listener, hook) = listen(&["--state", &database]);
    assert_eq!(http_get(&hook, "/readyz").0, 200);
    assert_eq!(send(&hook, &stop, SECRET).status.code(), Some(0));
    assert_eq!(listener.terminate(Duration::from_secs(20)), Some(0));
    let listed = bin()
        .args(["callbacks", "suppressed", "--state", &database])
        .output()
        .unwrap();
    assert_eq!(listed.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout).trim(),
        "SMS:+46700000042"
    );
    let summary = listener.line_containing("\"summary\":{", Duration::from_secs(5));
    assert!(summary.contains("PostgreSQL at"), "{summary}");
    assert!(!summary.contains("postgres://"), "{summary}");
}

#[test]
fn readiness_fails_while_the_store_is_unreachable() {
    let Ok(url) = std::env::var("SINCH_TEST_POSTGRES_URL") else {
        eprintln!("SINCH_TEST_POSTGRES_URL is not set: PostgreSQL test skipped");
        return;
    };
    let database = crate::support::fresh_postgres_database(&url, "readiness");
    let (mut listener, hook) = listen(&["--state", &database]);
    assert_eq!(http_get(&hook, "/readyz").0, 200);
    // The database goes away under the receiver (its connections are ended).
    let name = database.rsplit('/').next().unwrap().to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        use sqlx::Connection as _;
        let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .unwrap();
    });
    let (status, text) = http_get(&hook, "/readyz");
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("the store does not answer"), "{text}");
    assert!(!text.contains("postgres://"), "{text}");
    // Still alive: health is about the process, readiness about the store.
    assert_eq!(http_get(&hook, "/healthz").0, 200);
    assert_eq!(listener.terminate(Duration::from_secs(20)), Some(0));
}

/// Posts distinct signed STOPs on one kept-alive connection until the connection fails or
/// `stop` is set; the bodies answered, with their status.
fn keep_sending(
    url: &str,
    sender: usize,
    stop: &std::sync::atomic::AtomicBool,
) -> Vec<(Vec<u8>, u16)> {
    use std::io::{BufRead, BufReader, Read, Write};
    let authority = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let mut answered = Vec::new();
    let Ok(stream) = std::net::TcpStream::connect(&authority) else {
        return answered;
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    for n in 0.. {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            break;
        }
        let body = format!(
            r#"{{"app_id":"app","project_id":"proj","message":{{"id":"m-{sender}-{n}","channel_identity":{{"channel":"SMS","identity":"+467{sender:02}{n:06}"}},"contact_message":{{"text_message":{{"text":"STOP"}}}}}}}}"#
        )
        .into_bytes();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut request = format!(
            "POST / HTTP/1.1\r\nhost: {authority}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        );
        let nonce = format!("drain-{sender}-{n}");
        for (name, value) in sinch_contacts_callbacks::signature_headers(
            SECRET.as_bytes(),
            &body,
            &nonce,
            i64::try_from(now).unwrap(),
        ) {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        if writer.write_all(request.as_bytes()).is_err() || writer.write_all(&body).is_err() {
            break;
        }
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                break;
            }
            if let Some(value) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut rest = vec![0u8; length];
        if reader.read_exact(&mut rest).is_err() {
            break;
        }
        answered.push((body, status));
    }
    answered
}

#[test]
fn a_drain_answers_every_delivery_it_committed_and_commits_every_one_it_answered() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("drain.db");
    let (mut listener, url) = listen(&["--state", state.to_str().unwrap()]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let senders: Vec<_> = (0..8)
        .map(|sender| {
            let (url, stop) = (url.clone(), stop.clone());
            std::thread::spawn(move || keep_sending(&url, sender, &stop))
        })
        .collect();
    // SIGTERM while the senders are in full flow.
    listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(60));
    for _ in 0..200 {
        listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(60));
    }
    assert_eq!(listener.terminate(Duration::from_secs(60)), Some(0));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let answered: Vec<(Vec<u8>, u16)> = senders
        .into_iter()
        .flat_map(|sender| sender.join().unwrap())
        .collect();
    assert!(answered.len() > 200, "{}", answered.len());
    assert!(answered.iter().all(|(_, status)| *status == 200));

    // The ledger holds exactly the deliveries answered 200: none committed without its answer,
    // none answered without its commit.
    let answered_ids: std::collections::BTreeSet<String> = answered
        .iter()
        .map(|(body, _)| {
            sinch_contacts_callbacks::store::DeliveryId::of_body(body)
                .as_str()
                .to_owned()
        })
        .collect();
    let conn = rusqlite::Connection::open(&state).unwrap();
    let mut statement = conn.prepare("SELECT id FROM deliveries").unwrap();
    let ledger: std::collections::BTreeSet<String> = statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ledger.len(), answered_ids.len());
    assert!(ledger == answered_ids, "the ledger and the answers differ");
}
