//! `callbacks listen --state FILE` and `callbacks suppressed`: the state survives a killed
//! listener, a redelivery is recognized, and a store failure is answered 500.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crate::support::{Running, bin, listen_with_state, write};

const SECRET: &str = "state-secret";

// STOP and START carry no `accepted_time`, so the suppression list applies them in arrival
// order: a redelivered STOP applied a second time would opt the identity out again.
const STOP: &str = r#"{"app_id":"app","project_id":"proj","message":{"id":"m-stop","channel_identity":{"channel":"SMS","identity":"+46700000001"},"contact_message":{"text_message":{"text":"STOP"}}}}"#;
const START: &str = r#"{"app_id":"app","project_id":"proj","message":{"id":"m-start","channel_identity":{"channel":"SMS","identity":"+46700000001"},"contact_message":{"text_message":{"text":"START"}}}}"#;
const CREATE: &str = r#"{"app_id":"app","project_id":"proj","accepted_time":"2026-01-01T10:00:00Z","contact_create_notification":{"contact":{"id":"01HCREATED","display_name":"Ada","channel_identities":[{"channel":"SMS","identity":"+46700000001"}]}}}"#;
const OPT_OUT: &str = r#"{"app_id":"app","project_id":"proj","accepted_time":"2026-01-01T10:00:00Z","opt_out_notification":{"request_id":"r1","channel":"WHATSAPP","identity":"46700000009","status":"OPT_OUT_SUCCEEDED"}}"#;

/// Starts `callbacks listen --state FILE` on a free port; returns it and its URL.
fn listen(state: &Path, json: bool) -> (Running, String) {
    listen_with_state(SECRET, state, json)
}

/// Signs and posts `file` to `url` with `callbacks send`.
fn send(url: &str, file: &Path) -> Output {
    bin()
        .args(["callbacks", "send", "--to", url, "--secret", SECRET])
        .arg(file)
        .output()
        .unwrap()
}

fn assert_sent(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("HTTP 200"));
}

/// `callbacks suppressed --state FILE` with `extra` arguments.
fn suppressed(state: &Path, extra: &[&str]) -> Output {
    bin()
        .args(["callbacks", "suppressed", "--state"])
        .arg(state)
        .args(extra)
        .output()
        .unwrap()
}

fn stdout_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn opt_outs_survive_a_killed_listener_and_a_redelivery_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("callbacks.db");
    let stop = write(dir.path(), "stop.json", STOP);
    let start = write(dir.path(), "start.json", START);
    let opt_out = write(dir.path(), "opt_out.json", OPT_OUT);

    // First run: a STOP keyword and an OPT_OUT callback, each answered 200, then SIGKILL (no
    // cleanup runs: what was acknowledged must already be in the file).
    let (mut listener, url) = listen(&state, false);
    assert_sent(&send(&url, &stop));
    let line = listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(10));
    assert!(
        line.contains("suppression: opted out SMS:+46700000001") && !line.contains("already"),
        "{line}"
    );
    assert_sent(&send(&url, &opt_out));
    let line = listener.line_containing("OPT_OUT", Duration::from_secs(10));
    assert!(
        line.contains("suppression: opted out WHATSAPP:46700000009"),
        "{line}"
    );
    listener.kill();

    // Channels in the API's order (WHATSAPP comes before SMS), identities ascending.
    let listed = suppressed(&state, &[]);
    assert_eq!(listed.status.code(), Some(0));
    assert_eq!(
        stdout_lines(&listed),
        ["WHATSAPP:46700000009", "SMS:+46700000001"]
    );

    // Second run on the same file: the very same STOP body (signed afresh, as the API retries)
    // is recognized by the ledger.
    let (mut listener, url) = listen(&state, false);
    assert_sent(&send(&url, &stop));
    let line = listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(10));
    assert!(
        line.contains("already applied (duplicate delivery), nothing changed")
            && !line.contains("suppression:"),
        "{line}"
    );
    // START opts the identity back in; the STOP redelivered after it must not opt it out again.
    assert_sent(&send(&url, &start));
    let line = listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(10));
    assert!(
        line.contains("suppression: opted in SMS:+46700000001"),
        "{line}"
    );
    assert_sent(&send(&url, &stop));
    let line = listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(10));
    assert!(line.contains("already applied"), "{line}");
    assert_eq!(listener.terminate(Duration::from_secs(10)), Some(0));
    let summary = listener.line_containing("received", Duration::from_secs(5));
    assert!(
        summary.contains("received 3 callbacks (1 applied, 2 already applied, 0 not stored, 0 refused as overloaded)"),
        "{summary}"
    );

    let listed = suppressed(&state, &[]);
    assert_eq!(stdout_lines(&listed), ["WHATSAPP:46700000009"]);

    let may = suppressed(&state, &["--check", "SMS", "+46700000001"]);
    assert_eq!(may.status.code(), Some(0));
    assert_eq!(
        stdout_lines(&may),
        ["SMS:+46700000001 may be messaged (not opted out)"]
    );
    let blocked = suppressed(&state, &["--check", "whatsapp", "46700000009"]);
    assert_eq!(blocked.status.code(), Some(1));
    assert_eq!(
        stdout_lines(&blocked),
        ["WHATSAPP:46700000009 is suppressed (opted out): do not message it"]
    );
    assert!(blocked.stderr.is_empty(), "the one line says it all");
    // The same identity on another channel is not suppressed.
    let other_channel = suppressed(&state, &["--check", "SMS", "46700000009"]);
    assert_eq!(other_channel.status.code(), Some(0));
}

#[test]
fn suppressed_lists_one_channel_as_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("callbacks.db");
    let stop = write(dir.path(), "stop.json", STOP);
    let opt_out = write(dir.path(), "opt_out.json", OPT_OUT);
    let (mut listener, url) = listen(&state, true);
    assert_sent(&send(&url, &stop));
    let line: serde_json::Value =
        serde_json::from_str(&listener.next_line(Duration::from_secs(10))).unwrap();
    assert_eq!(line["trigger"], "MESSAGE_INBOUND");
    assert_eq!(line["suppression"], "opted out SMS:+46700000001");
    assert_eq!(line["already_applied"], false);
    assert_sent(&send(&url, &opt_out));
    listener.next_line(Duration::from_secs(10));
    assert_sent(&send(&url, &stop));
    let line: serde_json::Value =
        serde_json::from_str(&listener.next_line(Duration::from_secs(10))).unwrap();
    assert_eq!(line["already_applied"], true);
    assert_eq!(line["suppression"], "");
    // The contact mirror lives in the file too.
    let create = write(dir.path(), "create.json", CREATE);
    assert_sent(&send(&url, &create));
    let line: serde_json::Value =
        serde_json::from_str(&listener.next_line(Duration::from_secs(10))).unwrap();
    assert_eq!(line["trigger"], "CONTACT_CREATE");
    assert_eq!(line["mirror"], "inserted 01HCREATED");
    assert_eq!(line["already_applied"], false);
    listener.kill();

    let listed = bin()
        .args([
            "--json",
            "callbacks",
            "suppressed",
            "--channel",
            "sms",
            "--state",
        ])
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(listed.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = stdout_lines(&listed)
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines,
        [serde_json::json!({"channel": "SMS", "identity": "+46700000001"})]
    );

    let checked = bin()
        .args(["--json", "callbacks", "suppressed", "--state"])
        .arg(&state)
        .args(["--check", "SMS", "+46700000001"])
        .output()
        .unwrap();
    assert_eq!(checked.status.code(), Some(1));
    let answer: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&checked.stdout).trim()).unwrap();
    assert_eq!(
        answer,
        serde_json::json!({"channel": "SMS", "identity": "+46700000001", "suppressed": true})
    );
}

#[test]
fn a_store_failure_is_answered_500_and_the_delivery_is_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("callbacks.db");
    let stop = write(dir.path(), "stop.json", STOP);
    let start = write(dir.path(), "start.json", START);
    let (mut listener, url) = listen(&state, false);
    assert_sent(&send(&url, &stop));
    listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(10));

    // Damage the identity's consent row behind the listener's back: reading it fails.
    corrupt_consent(&state, "+46700000001");
    let refused = send(&url, &start);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("500"), "{stderr}");
    assert_eq!(listener.terminate(Duration::from_secs(10)), Some(0));
    let summary = listener.line_containing("received", Duration::from_secs(5));
    assert!(
        summary.contains("received 2 callbacks (1 applied, 0 already applied, 1 not stored, 0 refused as overloaded)"),
        "{summary}"
    );
    let listener_stderr = listener.stderr();
    assert!(
        listener_stderr.contains("callback not stored"),
        "{listener_stderr}"
    );

    // Repair the row: the START was not recorded, so its redelivery applies it.
    repair_consent(&state, "+46700000001");
    let (mut listener, url) = listen(&state, false);
    assert_sent(&send(&url, &start));
    let line = listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(10));
    assert!(
        line.contains("suppression: opted in SMS:+46700000001"),
        "{line}"
    );
    listener.kill();
}

fn sqlite(state: &Path, sql: String) {
    let conn = rusqlite::Connection::open(state).unwrap();
    let changed = conn.execute(&sql, []).unwrap();
    assert_eq!(changed, 1, "{sql}");
}

fn corrupt_consent(state: &Path, identity: &str) {
    sqlite(
        state,
        format!("UPDATE consents SET changed_at = 'not a time' WHERE identity = '{identity}'"),
    );
}

fn repair_consent(state: &Path, identity: &str) {
    sqlite(
        state,
        format!("UPDATE consents SET changed_at = NULL WHERE identity = '{identity}'"),
    );
}

#[test]
fn suppressed_refuses_a_missing_state_file_and_check_with_channel() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    let output = suppressed(&missing, &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("does not exist") && stderr.contains("missing.db"),
        "{stderr}"
    );
    assert!(!missing.exists());

    let both = bin()
        .args(["callbacks", "suppressed", "--state"])
        .arg(&missing)
        .args(["--channel", "SMS", "--check", "SMS", "+46700000001"])
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2), "a usage error");
    assert!(!missing.exists());
}
