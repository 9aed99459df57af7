//! `callbacks listen` prints one line on standard error per refused delivery (401, 400, 413):
//! the status, the reason and a detail, never the body; with `--json` the summary comes at exit
//! on SIGINT as on SIGTERM; a callback's text is printed with its control characters escaped.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crate::support::{Running, bin, bin_std, url_in, write};

const SECRET: &str = "refusal-secret";
/// In every body sent here: it must never be printed.
const MARKER: &str = "BODY-MARKER-7f3a";

fn create(name: &str) -> String {
    serde_json::json!({
        "app_id": "app",
        "project_id": "proj",
        "accepted_time": "2026-01-01T10:00:00Z",
        "contact_create_notification": {
            "contact": {
                "id": "01HCREATED",
                "display_name": name,
                "channel_identities": [{"channel": "SMS", "identity": "+46700000001"}]
            }
        }
    })
    .to_string()
}

fn listen(json: bool) -> (Running, String) {
    let mut command = bin_std();
    if json {
        command.arg("--json");
    }
    command.args(["callbacks", "listen", "--port", "0", "--secret", SECRET]);
    let listener = Running::spawn(command);
    let url = url_in(&listener.line_containing("listening", Duration::from_secs(20)));
    (listener, url)
}

fn send(url: &str, file: &Path, secret: &str) -> Output {
    bin()
        .args(["callbacks", "send", "--to", url, "--secret", secret])
        .arg(file)
        .output()
        .unwrap()
}

/// Sends a body whose `Content-Length` promises more than comes before the socket's write side
/// closes: the receiver cannot read it (400).
fn send_truncated(url: &str) {
    let authority = url.trim_start_matches("http://").split('/').next().unwrap();
    let mut stream = TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nhost: {authority}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{{\"x\":\"{MARKER}\""
    )
    .unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
}

#[test]
fn each_refused_delivery_is_one_line_with_its_reason_and_never_the_body() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.json", &create(&format!("Ada {MARKER}")));
    let unparsable = write(
        dir.path(),
        "unparsable.json",
        &format!(r#"["not", "a", "callback", "{MARKER}"]"#),
    );
    // Over the receiver's 1 MiB limit.
    let too_large = write(
        dir.path(),
        "large.json",
        &format!(
            r#"{{"padding":"{}","m":"{MARKER}"}}"#,
            "x".repeat(1_100_000)
        ),
    );
    let (mut listener, url) = listen(false);

    let output = send(&url, &good, "wrong-secret");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("HTTP 401"));
    let output = send(&url, &unparsable, SECRET);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("HTTP 400"));
    let output = send(&url, &too_large, SECRET);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("HTTP 413"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    send_truncated(&url);
    assert_eq!(send(&url, &good, SECRET).status.code(), Some(0));

    assert_eq!(listener.terminate(Duration::from_secs(20)), Some(0));
    let stdout = listener.remaining_lines().join("\n");
    let stderr = listener.stderr();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{stderr}");
    assert!(
        lines[0].starts_with("refused (401 unauthorized): "),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with("refused (400 unparsable): "),
        "{stderr}"
    );
    assert!(
        lines[2].starts_with("refused (413 too_large): "),
        "{stderr}"
    );
    assert!(
        lines[3].starts_with("refused (400 unreadable_body): "),
        "{stderr}"
    );
    assert!(!stderr.contains(MARKER), "{stderr}");
    // The one accepted delivery is printed on standard output, as always.
    assert!(stdout.contains("Ada BODY-MARKER-7f3a"), "{stdout}");
}

/// Sends one accepted and one refused delivery to a `--json` receiver, stops it with `signal`
/// and returns its summary document.
fn summary_after(signal: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.json", &create("Ada"));
    let (mut listener, url) = listen(true);
    assert_eq!(send(&url, &good, SECRET).status.code(), Some(0));
    assert_eq!(send(&url, &good, "wrong").status.code(), Some(1));
    let code = match signal {
        "INT" => listener.interrupt(Duration::from_secs(20)),
        _ => listener.terminate(Duration::from_secs(20)),
    };
    assert_eq!(code, Some(0), "SIG{signal}");
    let line = listener.line_containing("\"summary\":{", Duration::from_secs(10));
    serde_json::from_str(&line).unwrap()
}

#[test]
fn the_json_summary_is_printed_on_sigint_and_on_sigterm() {
    for signal in ["INT", "TERM"] {
        let summary = summary_after(signal);
        assert_eq!(summary["summary"]["applied"], 1, "SIG{signal}: {summary}");
        assert_eq!(summary["summary"]["redelivered"], 0, "SIG{signal}");
        assert_eq!(
            summary["summary"]["rejected"]["unauthorized"], 1,
            "SIG{signal}"
        );
        assert_eq!(
            summary["summary"]["rejected"]["too_large"], 0,
            "SIG{signal}"
        );
        assert_eq!(summary["mirrored_contacts"], 1, "SIG{signal}");
    }
}

#[test]
fn a_callback_with_terminal_escapes_is_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = write(
        dir.path(),
        "hostile.json",
        &create("Eve\u{1b}[2J\u{1b}]0;title\u{7}\u{9b}31m\nforged: line"),
    );
    for json in [false, true] {
        let (mut listener, url) = listen(json);
        assert_eq!(send(&url, &hostile, SECRET).status.code(), Some(0));
        assert_eq!(listener.terminate(Duration::from_secs(20)), Some(0));
        let lines = listener.remaining_lines();
        let text = lines.join("\n");
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "json {json}: {text:?}"
        );
        assert!(
            !lines.iter().any(|line| line.starts_with("forged")),
            "{text}"
        );
        if json {
            let received: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
            assert_eq!(
                received["callback"]["contact_create_notification"]["contact"]["display_name"],
                "Eve\u{1b}[2J\u{1b}]0;title\u{7}\u{9b}31m\nforged: line"
            );
        } else {
            assert!(
                text.contains(r"Eve\u{1b}[2J\u{1b}]0;title\u{7}\u{9b}31m\nforged: line"),
                "{text}"
            );
        }
    }
}
