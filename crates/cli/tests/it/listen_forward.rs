//! `callbacks listen --forward-to URL`: an accepted delivery goes on to a scripted app on
//! 127.0.0.1 as it came (body and signature headers), the sender gets the app's answer, or 502
//! when the app is down; a refused delivery never reaches the app.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::Mac as _;

use crate::stub::{Stub, response};
use crate::support::{Running, bin, bin_std, url_in, write};

const SECRET: &str = "forward-secret";
const CREATE: &str = r#"{"app_id":"app","project_id":"proj","accepted_time":"2026-01-01T10:00:00Z","contact_create_notification":{"contact":{"id":"01HFORWARD","display_name":"Ada","channel_identities":[{"channel":"SMS","identity":"+46700000001"}]}}}"#;
const STOP: &str = r#"{"app_id":"app","project_id":"proj","accepted_time":"2026-01-01T10:00:01Z","message":{"channel_identity":{"channel":"SMS","identity":"+46700000007"},"contact_message":{"text_message":{"text":"STOP"}}}}"#;

/// HMAC-SHA256 over `body.nonce.timestamp`, from the documented rule.
fn signature(body: &[u8], nonce: &str, timestamp: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    mac.update(format!(".{nonce}.{timestamp}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The value of header `name` in a request head.
fn header<'h>(head: &'h str, name: &str) -> &'h str {
    head.lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
        .unwrap_or_else(|| panic!("no {name} in {head}"))
}

/// `callbacks listen --port 0 --forward-to APP` (and `extra`), with its webhook URL.
fn listen(app: &str, extra: &[&str], dir: &Path) -> (Running, String) {
    let secret = write(dir, "secret", SECRET);
    let mut command = bin_std();
    command
        .args(["callbacks", "listen", "--port", "0", "--forward-to", app])
        .args(extra)
        .arg("--secret-file")
        .arg(secret);
    let listener = Running::spawn(command);
    let url = url_in(&listener.next_line(Duration::from_secs(20)));
    (listener, url)
}

/// POSTs `body` to `url` signed with `nonce` and `timestamp`: the status and the answer's body.
fn post_signed(
    url: &str,
    body: &str,
    nonce: &str,
    timestamp: &str,
    secret_ok: bool,
) -> (u16, String) {
    let authority = url.trim_start_matches("http://").split('/').next().unwrap();
    let signed = if secret_ok {
        signature(body.as_bytes(), nonce, timestamp)
    } else {
        "AAAA".to_owned()
    };
    let mut stream = TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nhost: {authority}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nx-sinch-webhook-signature-nonce: {nonce}\r\n\
         x-sinch-webhook-signature-timestamp: {timestamp}\r\n\
         x-sinch-webhook-signature-algorithm: HmacSHA256\r\n\
         x-sinch-webhook-signature: {signed}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).unwrap().parse().unwrap();
    let body = answer.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

fn now() -> String {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

#[test]
fn the_app_gets_the_exact_body_and_headers_and_the_sender_gets_the_apps_answer() {
    let app = Stub::start(vec![response(
        201,
        &["retry-after: 7"],
        r#"{"app":"took it"}"#,
    )]);
    let dir = tempfile::tempdir().unwrap();
    let (listener, url) = listen(&format!("{}/sinch/webhook", app.url), &[], dir.path());

    let timestamp = now();
    let (status, answer) = post_signed(&url, CREATE, "nonce-forward-1", &timestamp, true);
    assert_eq!(status, 201);
    assert_eq!(answer, r#"{"app":"took it"}"#);

    let heads = app.heads();
    assert_eq!(heads.len(), 1);
    let head = &heads[0];
    assert!(head.starts_with("POST /sinch/webhook HTTP/1.1"), "{head}");
    assert_eq!(app.bodies()[0], CREATE.as_bytes());
    assert_eq!(header(head, "content-type"), "application/json");
    assert_eq!(
        header(head, "x-sinch-webhook-signature-nonce"),
        "nonce-forward-1"
    );
    assert_eq!(
        header(head, "x-sinch-webhook-signature-timestamp"),
        timestamp
    );
    assert_eq!(
        header(head, "x-sinch-webhook-signature-algorithm"),
        "HmacSHA256"
    );
    assert_eq!(
        header(head, "x-sinch-webhook-signature"),
        signature(CREATE.as_bytes(), "nonce-forward-1", &timestamp)
    );

    let line = listener.line_containing("CONTACT_CREATE", Duration::from_secs(10));
    assert!(
        line.contains("mirror: inserted 01HFORWARD") && line.ends_with(" | forwarded: HTTP 201"),
        "{line}"
    );
}

#[test]
fn a_delivery_with_a_bad_signature_is_not_forwarded() {
    let app = Stub::start(vec![response(200, &[], "{}")]);
    let dir = tempfile::tempdir().unwrap();
    let (mut listener, url) = listen(&app.url, &[], dir.path());

    let (status, _) = post_signed(&url, STOP, "nonce-bad", &now(), false);
    assert_eq!(status, 401);
    // The next (good) delivery is the first the app sees.
    let (status, _) = post_signed(&url, CREATE, "nonce-good", &now(), true);
    assert_eq!(status, 200);
    assert_eq!(app.bodies(), vec![CREATE.as_bytes().to_vec()]);
    listener.line_containing("forwarded: HTTP 200", Duration::from_secs(10));

    assert_eq!(listener.interrupt(Duration::from_secs(30)), Some(0));
    let stderr = listener.stderr();
    assert!(stderr.contains("refused (401 unauthorized)"), "{stderr}");
}

#[test]
fn an_app_that_is_down_gets_the_sender_a_502_and_the_retry_is_not_taken_for_a_replay() {
    // Bind a port, then free it, so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let (listener, url) = listen(
        &format!("http://127.0.0.1:{port}/"),
        &["--json"],
        dir.path(),
    );

    let timestamp = now();
    let (status, answer) = post_signed(&url, STOP, "nonce-down", &timestamp, true);
    assert_eq!(status, 502);
    assert!(!answer.contains("127.0.0.1"), "{answer}");
    let line = listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(10));
    let printed: serde_json::Value = serde_json::from_str(&line).unwrap();
    let forwarded = &printed["forwarded"];
    assert_eq!(forwarded["to"], format!("http://127.0.0.1:{port}/"));
    assert_eq!(forwarded["status"], serde_json::Value::Null);
    let error = forwarded["error"].as_str().unwrap();
    assert!(error.starts_with("cannot connect to the app"), "{error}");

    // The sender retries the same signed body: verified again (not a replay: 401), and the
    // app is still down.
    let (status, _) = post_signed(&url, STOP, "nonce-down", &timestamp, true);
    assert_eq!(status, 502);
}

#[test]
fn with_state_a_delivery_is_committed_then_forwarded_and_a_retry_forwarded_again() {
    let app = Stub::start(vec![
        response(500, &[], r#"{"app":"down for a moment"}"#),
        response(200, &[], r#"{"app":"ok"}"#),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.sqlite");
    let state_arg = state.to_str().unwrap().to_owned();
    let (mut listener, url) = listen(&app.url, &["--state", &state_arg], dir.path());

    let timestamp = now();
    let (status, answer) = post_signed(&url, STOP, "nonce-state", &timestamp, true);
    assert_eq!(
        (status, answer.as_str()),
        (500, r#"{"app":"down for a moment"}"#)
    );
    let line = listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(10));
    assert!(
        line.contains("suppression: opted out SMS:+46700000007")
            && line.ends_with(" | forwarded: HTTP 500"),
        "{line}"
    );
    // Committed before the app was asked: the opt-out is in the file already.
    let check = bin()
        .args([
            "callbacks",
            "suppressed",
            "--state",
            &state_arg,
            "--check",
            "SMS",
            "+46700000007",
        ])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));

    // The retry of the same signed body: found in the ledger, changes nothing, reaches the app.
    let (status, answer) = post_signed(&url, STOP, "nonce-state", &timestamp, true);
    assert_eq!((status, answer.as_str()), (200, r#"{"app":"ok"}"#));
    let line = listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(10));
    assert!(
        line.contains("already applied") && line.ends_with(" | forwarded: HTTP 200"),
        "{line}"
    );
    assert_eq!(app.bodies().len(), 2);
    assert_eq!(listener.terminate(Duration::from_secs(30)), Some(0));
}

#[test]
fn a_forward_url_that_is_not_http_is_a_usage_error() {
    let output = bin()
        .args([
            "callbacks",
            "listen",
            "--port",
            "0",
            "--secret",
            "s",
            "--forward-to",
            "file:///etc/passwd",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--forward-to"));
}
