//! `callbacks parse | verify | send | listen` on the conformance files and on files made here.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::Mac;

use crate::support::{Running, bin, bin_std, conformance_dir, url_in, write};

const CREATE: &str = r#"{"app_id":"app","project_id":"proj","accepted_time":"2026-01-01T10:00:00Z","contact_create_notification":{"contact":{"id":"01HCREATED","display_name":"Ada","channel_identities":[{"channel":"SMS","identity":"+46700000001"}]}}}"#;
const STOP: &str = r#"{"app_id":"app","project_id":"proj","accepted_time":"2026-01-01T10:00:01Z","message":{"channel_identity":{"channel":"SMS","identity":"+46700000001"},"contact_message":{"text_message":{"text":"STOP"}}}}"#;

/// HMAC-SHA256 over `body.nonce.timestamp`, written here from the documented rule.
fn signature(secret: &str, body: &[u8], nonce: &str, timestamp: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    mac.update(b".");
    mac.update(nonce.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

#[test]
fn parse_prints_one_json_line_per_conformance_file() {
    let Some(dir) = conformance_dir("parse_prints_one_json_line_per_conformance_file") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(dir.join("dotnet-hooks"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let output = bin()
        .args(["callbacks", "parse"])
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.len(), files.len());
    for (line, file) in lines.iter().zip(&files) {
        assert_eq!(line["file"], file.display().to_string());
        assert_eq!(line["ok"], true);
        assert!(line["error"].is_null());
        let trigger = line["trigger"].as_str().unwrap();
        assert!(!trigger.is_empty(), "{line}");
    }
    let by_name = |name: &str| {
        lines
            .iter()
            .find(|line| line["file"].as_str().unwrap().ends_with(name))
            .map(|line| line["trigger"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        by_name("ContactMergeEvent.json").as_deref(),
        Some("CONTACT_MERGE")
    );
    assert_eq!(
        by_name("ContactCreateEvent.json").as_deref(),
        Some("CONTACT_CREATE")
    );
}

#[test]
fn parse_reports_each_bad_file_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.json", CREATE);
    let bad = write(
        dir.path(),
        "bad.json",
        r#"{"app_id":"a","contact_create_notification":{"contact":{"id":5}}}"#,
    );
    let missing = dir.path().join("missing.json");
    let output = bin()
        .args(["callbacks", "parse"])
        .args([&good, &bad, &missing])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(lines[0]["trigger"], "CONTACT_CREATE");
    assert_eq!(lines[1]["ok"], false);
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("contact_create_notification.contact.id"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2]["ok"], false);
    assert!(lines[2]["error"].as_str().unwrap().contains("cannot read"));
    assert!(String::from_utf8_lossy(&output.stderr).contains("2 of 3 files did not parse"));
}

#[test]
fn verify_accepts_the_conformance_vectors_that_are_valid_and_refuses_the_others() {
    let Some(dir) = conformance_dir("verify_accepts_the_conformance_vectors") else {
        return;
    };
    let vectors: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("signatures.json")).unwrap()).unwrap();
    for vector in vectors["vectors"].as_array().unwrap() {
        let mut command = bin();
        command.args([
            "callbacks",
            "verify",
            "--no-tolerance",
            "--secret",
            vector["secret"].as_str().unwrap(),
        ]);
        for (name, value) in vector["headers"].as_object().unwrap() {
            command.args(["--header", &format!("{name}: {}", value.as_str().unwrap())]);
        }
        command.arg(dir.join(vector["body_file"].as_str().unwrap()));
        let output = command.output().unwrap();
        let expected = if vector["valid"].as_bool().unwrap() {
            0
        } else {
            1
        };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{}: {}",
            vector["name"],
            String::from_utf8_lossy(&output.stderr)
        );
        if expected == 1 {
            assert!(
                String::from_utf8_lossy(&output.stderr).contains("signature verification failed")
            );
        }
    }
}

#[test]
fn verify_checks_a_body_signed_here_and_refuses_a_changed_byte_or_an_old_timestamp() {
    let dir = tempfile::tempdir().unwrap();
    let body = write(dir.path(), "create.json", CREATE);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sig = signature("s3cret", CREATE.as_bytes(), "nonce1", &now);
    let run = |file: &std::path::Path, timestamp: &str, signature: &str, extra: &[&str]| {
        bin()
            .args(["callbacks", "verify", "--secret", "s3cret"])
            .args(extra)
            .args([
                "--header",
                &format!("x-sinch-webhook-signature: {signature}"),
            ])
            .args(["--header", "x-sinch-webhook-signature-nonce: nonce1"])
            .args([
                "--header",
                &format!("x-sinch-webhook-signature-timestamp: {timestamp}"),
            ])
            .arg(file)
            .output()
            .unwrap()
    };
    let ok = run(&body, &now, &sig, &[]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(stdout.contains("valid signature"), "{stdout}");
    assert!(
        stdout.contains("CONTACT_CREATE contact 01HCREATED"),
        "{stdout}"
    );

    let changed = write(dir.path(), "changed.json", &CREATE.replace("Ada", "Adb"));
    let refused = run(&changed, &now, &sig, &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("signature mismatch"));

    let old = "1634579353";
    let old_sig = signature("s3cret", CREATE.as_bytes(), "nonce1", old);
    let stale = run(&body, old, &old_sig, &[]);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(
        stderr.contains("stale timestamp") && stderr.contains("--no-tolerance"),
        "{stderr}"
    );
    let recorded = run(&body, old, &old_sig, &["--no-tolerance"]);
    assert_eq!(recorded.status.code(), Some(0));
}

#[test]
fn verify_without_headers_says_which_one_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let body = write(dir.path(), "create.json", CREATE);
    let output = bin()
        .args(["callbacks", "verify", "--secret", "s"])
        .arg(&body)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("missing header x-sinch-webhook-signature"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
}

#[test]
fn listen_receives_what_send_signs_and_keeps_a_mirror_and_a_suppression_list() {
    let dir = tempfile::tempdir().unwrap();
    let create = write(dir.path(), "create.json", CREATE);
    let stop = write(dir.path(), "stop.json", STOP);
    let mut command = bin_std();
    command.args([
        "callbacks",
        "listen",
        "--port",
        "0",
        "--secret",
        "hook-secret",
        "--path",
        "/hooks",
    ]);
    let listener = Running::spawn(command);
    let url = url_in(&listener.next_line(Duration::from_secs(20)));
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/hooks"),
        "{url}"
    );

    let sent = bin()
        .args(["callbacks", "send", "--to", &url, "--secret", "hook-secret"])
        .arg(&create)
        .output()
        .unwrap();
    assert_eq!(
        sent.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    assert!(String::from_utf8_lossy(&sent.stdout).contains("HTTP 200"));
    let line = listener.line_containing("CONTACT_CREATE", Duration::from_secs(10));
    assert!(
        line.contains("01HCREATED") && line.contains("mirror: inserted 01HCREATED"),
        "{line}"
    );

    let sent = bin()
        .args(["callbacks", "send", "--to", &url, "--secret", "hook-secret"])
        .arg(&stop)
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(0));
    let line = listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(10));
    assert!(
        line.contains("suppression: opted out SMS:+46700000001"),
        "{line}"
    );

    // A wrong secret is refused by the receiver (401) and `send` says so with exit code 1.
    let refused = bin()
        .args(["callbacks", "send", "--to", &url, "--secret", "wrong"])
        .arg(&create)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("401") && stderr.contains("signature mismatch"),
        "{stderr}"
    );
}

#[test]
fn listen_prints_json_lines_with_the_callback() {
    let dir = tempfile::tempdir().unwrap();
    let create = write(dir.path(), "create.json", CREATE);
    let mut command = bin_std();
    command.args([
        "--json",
        "callbacks",
        "listen",
        "--port",
        "0",
        "--secret",
        "k",
    ]);
    let listener = Running::spawn(command);
    let first: serde_json::Value =
        serde_json::from_str(&listener.next_line(Duration::from_secs(20))).unwrap();
    let url = first["listening"].as_str().unwrap().to_owned();
    let sent = bin()
        .args(["callbacks", "send", "--to", &url, "--secret", "k"])
        .arg(&create)
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(0));
    let line: serde_json::Value =
        serde_json::from_str(&listener.next_line(Duration::from_secs(10))).unwrap();
    assert_eq!(line["trigger"], "CONTACT_CREATE");
    assert_eq!(line["mirror"], "inserted 01HCREATED");
    assert_eq!(
        line["callback"]["contact_create_notification"]["contact"]["display_name"],
        "Ada"
    );
}

#[test]
fn send_to_a_closed_port_fails_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let create = write(dir.path(), "create.json", CREATE);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = bin()
        .args([
            "callbacks",
            "send",
            "--to",
            &format!("http://127.0.0.1:{port}/"),
            "--secret",
            "k",
        ])
        .arg(&create)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot post to") && stderr.contains("check --to"),
        "{stderr}"
    );
}
