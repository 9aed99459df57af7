//! `contacts import` never creates a contact twice, whatever its journal says, and stops at
//! once, with one message, when the server cannot be used at all.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::Path;

use serde_json::Value;
use sinch_contacts_emulator::{Emulator, FaultSpec, RateLimit};
use sinch_contacts_model::ContactCreateRequest;

use crate::live::LiveEmulator;
use crate::support::{bin, external_id_counts, jsonl_rows, write};

/// The rows of [`jsonl_rows`] as CSV.
fn csv_rows(count: usize) -> String {
    let mut text = String::from("external_id,display_name,language,channel_identities\n");
    for n in 0..count {
        text.push_str(&format!("row-{n},Person {n},EN_US,SMS:+4671{n:07}\n"));
    }
    text
}

/// Every row once, nothing else.
fn assert_each_row_once(live: &LiveEmulator, rows: usize) {
    let counts = external_id_counts(&live.contacts());
    let expected: BTreeMap<String, usize> = (0..rows).map(|n| (format!("row-{n}"), 1)).collect();
    assert_eq!(counts, expected);
}

/// Runs `import` with `flags` and returns the exit code, the JSON summary and standard error.
fn import(live_base: [&str; 3], file: &Path, flags: &[&str]) -> (Option<i32>, Value, String) {
    let output = bin()
        .args(live_base)
        .arg("--json")
        .arg("import")
        .args(flags)
        .arg(file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary = stdout
        .lines()
        .last()
        .map(|line| serde_json::from_str(line).unwrap())
        .unwrap_or(Value::Null);
    (output.status.code(), summary, stderr)
}

/// An emulator whose rate limit never binds, for its count of API requests.
fn counting_emulator() -> LiveEmulator {
    LiveEmulator::with(
        Emulator::builder()
            .rate_limit("1000000/s,burst=1000000".parse::<RateLimit>().unwrap())
            .build(),
    )
}

#[test]
fn the_same_rows_as_csv_with_a_fresh_journal_create_nothing() {
    const ROWS: usize = 200;
    let live = counting_emulator();
    let dir = tempfile::tempdir().unwrap();
    let jsonl = write(dir.path(), "people.jsonl", &jsonl_rows(ROWS));
    let (code, summary, stderr) = import(live.base(), &jsonl, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(summary["created"], ROWS);

    let before = live.emulator.rate_limit_counts().allowed;
    let csv = write(dir.path(), "people.csv", &csv_rows(ROWS));
    let fresh = dir.path().join("fresh.import-state");
    let (code, summary, stderr) =
        import(live.base(), &csv, &["--journal", fresh.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(summary["created"], 0, "{summary}");
    assert_eq!(summary["already_present"], ROWS, "{summary}");
    // Checked in pages, not a request per row: 200 contacts are 10 pages of 20 (and perhaps an
    // empty last one).
    let requests = live.emulator.rate_limit_counts().allowed - before;
    assert!(
        requests <= 11,
        "{requests} requests for {ROWS} rows: {summary}"
    );
    assert_each_row_once(&live, ROWS);
}

#[test]
fn a_deleted_journal_or_no_journal_creates_nothing_twice() {
    const ROWS: usize = 120;
    let live = LiveEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", &jsonl_rows(ROWS));
    let (code, _, stderr) = import(live.base(), &file, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    std::fs::remove_file(dir.path().join("people.jsonl.import-state")).unwrap();

    let (code, summary, stderr) = import(live.base(), &file, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        (
            summary["created"].as_u64(),
            summary["already_present"].as_u64()
        ),
        (Some(0), Some(ROWS as u64)),
        "{summary}"
    );
    let (code, summary, stderr) = import(live.base(), &file, &["--no-journal"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(summary["created"], 0, "{summary}");
    assert_each_row_once(&live, ROWS);
}

#[test]
fn rows_added_to_a_file_are_created_and_the_rest_found() {
    let live = LiveEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", &jsonl_rows(50));
    let (code, _, stderr) = import(live.base(), &file, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    // New rows first: every old row moves to another line, so the journal's lines no longer
    // match and the server is asked instead.
    let more = jsonl_rows(80);
    let (old, new) = more.split_at(jsonl_rows(50).len());
    std::fs::write(&file, format!("{new}{old}")).unwrap();
    let (code, summary, stderr) = import(live.base(), &file, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(summary["created"], 30, "{summary}");
    assert_eq!(summary["already_present"], 50, "{summary}");
    assert_each_row_once(&live, 80);
}

#[test]
fn a_small_file_against_a_large_project_looks_its_rows_up_one_by_one() {
    let live = counting_emulator();
    let others: Vec<ContactCreateRequest> = (0..400)
        .map(|n| {
            let mut request = ContactCreateRequest::new(
                vec![sinch_contacts_model::ChannelIdentity::new(
                    sinch_contacts_model::ConversationChannel::Sms,
                    format!("+4673{n:07}"),
                )],
                sinch_contacts_model::ContactLanguage::EnUs,
            );
            request.external_id = Some(format!("other-{n}"));
            request
        })
        .collect();
    live.seed(others);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", &jsonl_rows(3));
    let before = live.emulator.rate_limit_counts().allowed;
    let (code, summary, stderr) = import(live.base(), &file, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(summary["existing_check"], "per row", "{summary}");
    assert_eq!(summary["created"], 3);
    // 400 contacts are 20 pages; 3 rows cost at most 3 pages, then a look-up and a create each.
    let requests = live.emulator.rate_limit_counts().allowed - before;
    assert!(requests <= 4 + 6, "{requests} requests");
    let counts = external_id_counts(&live.contacts());
    assert_eq!(counts.len(), 403);
    assert!(counts.values().all(|count| *count == 1));
}

/// Creates applied while their answers were lost, with one attempt a row, leave rows reported
/// failed that exist; the rerun looks each of them up before creating it.
#[test]
fn rows_reported_failed_after_a_lost_answer_are_looked_up_on_the_rerun() {
    const ROWS: usize = 200;
    let emulator = Emulator::builder()
        .faults("drop-after=0.2".parse::<FaultSpec>().unwrap())
        .seed(2)
        .build();
    let live = LiveEmulator::with(emulator);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", &jsonl_rows(ROWS));
    let (code, summary, _) = import(live.base(), &file, &["--max-attempts", "1"]);
    assert_eq!(code, Some(1));
    let failed = summary["failed"].as_u64().unwrap();
    assert!(failed > 0, "{summary}");
    // Every failed row was in fact created: its answer was lost after the create was applied.
    let stored = live.emulator.contact_count() as u64;
    assert_eq!(stored, ROWS as u64, "{summary}");

    live.emulator.set_faults(FaultSpec::none());
    let (code, summary, stderr) = import(live.base(), &file, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(summary["in_doubt_from_earlier_runs"], failed, "{summary}");
    assert_eq!(summary["created"], 0, "{summary}");
    assert_eq!(summary["already_present"], ROWS, "{summary}");
    assert_each_row_once(&live, ROWS);
}

#[test]
fn under_a_rate_limit_with_no_burst_every_row_is_created_once() {
    const ROWS: usize = 300;
    let live = LiveEmulator::with(
        Emulator::builder()
            .rate_limit("100/s,burst=1".parse::<RateLimit>().unwrap())
            .build(),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", &jsonl_rows(ROWS));
    let (code, summary, stderr) = import(live.base(), &file, &["--concurrency", "64"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(summary["created"], ROWS, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_each_row_once(&live, ROWS);
    let refused = live.emulator.rate_limit_counts().refused;
    assert!(refused > 0, "the limit was met");
}

/// Lines of standard error that are not the progress bar.
fn error_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.starts_with("error:") || line.starts_with("line "))
        .collect()
}

#[test]
fn a_dead_server_stops_the_import_with_one_message_and_a_rerun_continues() {
    // A port that was free a moment ago: connections are refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", &jsonl_rows(100));
    let output = bin()
        .args(["contacts", "--base-url", &dead, "import"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors = error_lines(&stderr);
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("could not be reached"), "{stderr}");
    // Nothing was journalled as done, and the journal still belongs to that target.
    let journal = dir.path().join("people.jsonl.import-state");
    if let Ok(text) = std::fs::read_to_string(&journal) {
        assert!(!text.contains("\"done\""), "{text}");
    }
}

#[test]
fn wrong_credentials_stop_the_import_with_one_message_and_no_row_failed() {
    let live = LiveEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", &jsonl_rows(300));
    let output = bin()
        .args(live.base())
        .args(["--key-secret", "wrong", "--json", "import"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors = error_lines(&stderr);
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("refused the key"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let summary: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["failed"], 0, "{summary}");
    assert_eq!(summary["created"], 0, "{summary}");
    assert_eq!(live.emulator.contact_count(), 0);

    // The right key: the same journal continues and creates every row once.
    let (code, summary, stderr) = import(live.base(), &file, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(summary["created"], 300, "{summary}");
    assert_each_row_once(&live, 300);
}

#[test]
fn an_empty_file_is_an_error_and_leaves_no_journal() {
    let live = LiveEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", "\n\n");
    let (code, _, stderr) = import(live.base(), &file, &[]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("holds no rows"), "{stderr}");
    assert!(!dir.path().join("people.jsonl.import-state").exists());
}
