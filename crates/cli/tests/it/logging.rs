//! `-v`/`--verbose` and `RUST_LOG`: a line per request with method, path, status, attempt and
//! latency, the retries with their reasons, and never a secret or a token.

use crate::live::LiveEmulator;
use crate::stub::{Stub, response};
use crate::support::bin;

const LIST_PATH: &str = "GET /v1/projects/emulator-project/contacts";

/// Lines that would give a credential away.
fn leaks(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| {
            let lower = line.to_ascii_lowercase();
            lower.contains("emulator-secret")
                || lower.contains("bearer")
                || lower.contains("authorization")
                || lower.contains("access_token")
        })
        .collect()
}

#[test]
fn verbose_logs_each_request_and_never_a_secret_or_a_token() {
    let live = LiveEmulator::start();
    for flag in ["-v", "--verbose", "-vv"] {
        let output = bin()
            .args(live.base())
            .args(["list", flag])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{flag}");
        // Standard output holds the result only.
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "no contacts\n(last page)\n",
            "{flag}"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        let list = stderr
            .lines()
            .find(|line| line.contains(LIST_PATH))
            .unwrap_or_else(|| panic!("{flag}: no request line in {stderr}"));
        assert!(list.contains("status=200"), "{list}");
        assert!(list.contains("attempt=1"), "{list}");
        assert!(list.contains("latency_ms="), "{list}");
        // The token request is a request too, numbered apart from the list.
        let token = stderr
            .lines()
            .find(|line| line.contains("POST /oauth2/token"))
            .unwrap_or_else(|| panic!("{flag}: no token line in {stderr}"));
        assert!(token.contains("attempt=1 status=200"), "{token}");
        // The operation's end: its attempts and final status.
        assert!(
            stderr
                .lines()
                .any(|line| line.contains("operation=\"list_contacts\"")
                    && line.contains("attempts=1 http.status=200")),
            "{stderr}"
        );
        assert_eq!(leaks(&stderr), Vec::<&str>::new(), "{flag}");
    }
}

#[test]
fn rust_log_alone_turns_logging_on_and_at_trace_shows_no_secret_either() {
    let live = LiveEmulator::start();
    let quiet = bin().args(live.base()).arg("list").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    let output = bin()
        .args(live.base())
        .arg("list")
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.lines().any(|line| line.contains(LIST_PATH)),
        "{stderr}"
    );
    assert_eq!(leaks(&stderr), Vec::<&str>::new());
}

#[test]
fn a_retry_shows_each_attempt_and_the_reason() {
    let page = r#"{"contacts":[],"next_page_token":""}"#;
    let stub = Stub::start(vec![
        response(
            503,
            &["retry-after: 0"],
            r#"{"error":{"code":503,"message":"busy","status":"UNAVAILABLE"}}"#,
        ),
        response(200, &[], page),
    ]);
    let output = bin()
        .args(["contacts", "--base-url", &stub.url, "--auth", "basic"])
        .args(["--backoff-ms", "1", "-v", "list"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stub.heads().len(), 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let requests: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains(LIST_PATH))
        .collect();
    assert_eq!(requests.len(), 2, "{stderr}");
    assert!(requests[0].contains("attempt=1 status=503"), "{stderr}");
    assert!(requests[1].contains("attempt=2 status=200"), "{stderr}");
    assert!(
        stderr.lines().any(|line| line.contains("attempts=2")
            && line.contains("http.status=200")
            && line.contains("retry_reasons=\"503\"")),
        "{stderr}"
    );
    // HTTP Basic: the header holds the key secret; it is never logged.
    assert!(!stderr.to_ascii_lowercase().contains("basic "), "{stderr}");
    assert_eq!(leaks(&stderr), Vec::<&str>::new());
}

#[test]
fn a_request_that_got_no_answer_is_logged_with_its_error_kind() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = bin()
        .args([
            "contacts",
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
        ])
        .args([
            "--auth",
            "basic",
            "--max-attempts",
            "2",
            "--backoff-ms",
            "1",
        ])
        .args(["-v", "get", "some-id"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let path = "GET /v1/projects/emulator-project/contacts/some-id";
    for attempt in [1, 2] {
        assert!(
            stderr.lines().any(|line| line.contains(path)
                && line.contains(&format!("attempt={attempt} error=connect"))),
            "{stderr}"
        );
    }
    assert!(stderr.contains("retry_reasons=\"connect\""), "{stderr}");
    // The error line is still the last line, one line.
    assert!(
        stderr.lines().last().unwrap().starts_with("error: "),
        "{stderr}"
    );
}
