//! The two servers, `emulator` and `callbacks listen`, against clients that misbehave: a
//! request head sent a byte every 200 ms, idle connections, more connections than
//! `--max-connections`; a webhook flag the emulator cannot use, a string longer than any
//! request the emulator takes. The limit under test is set short and the others long, so only
//! it can close a connection; waits are bounded by generous deadlines, never asserted short.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::support::{Running, bin, bin_std, url_in, write};

/// How long a test waits for the server to close a connection before it fails.
const DEADLINE: Duration = Duration::from_secs(60);

/// A server under test: the running binary, its address and a path it answers with GET.
struct Server {
    running: Running,
    authority: String,
    path: &'static str,
}

impl Server {
    fn emulator(extra: &[&str]) -> Self {
        let (running, url) = emulator(extra);
        Self {
            running,
            authority: url.trim_start_matches("http://").to_owned(),
            path: "/_emulator/status",
        }
    }

    fn listen(extra: &[&str]) -> Self {
        let mut command = bin_std();
        command
            .args(["callbacks", "listen", "--port", "0", "--secret", "s"])
            .args(extra);
        let running = Running::spawn(command);
        let url = url_in(&running.next_line(Duration::from_secs(20)));
        let authority = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        Self {
            running,
            authority,
            path: "/healthz",
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.authority).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        stream
    }

    fn request(&self) -> String {
        format!(
            "GET {} HTTP/1.1\r\nhost: {}\r\n\r\n",
            self.path, self.authority
        )
    }

    fn stop(mut self) {
        assert_eq!(self.running.terminate(Duration::from_secs(20)), Some(0));
    }
}

/// Reads until the server closes the connection; what it sent. Fails after [`DEADLINE`].
fn wait_for_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return received,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("still open after {DEADLINE:?}")
            }
            Err(_) => return received,
        }
    }
}

/// Reads one answer with a `content-length` body; its status line.
fn read_answer(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        if let Some(end) = received.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&received[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            if received.len() >= end + 4 + length {
                return head.lines().next().unwrap_or_default().to_owned();
            }
        }
        let n = stream.read(&mut buffer).expect("an answer");
        assert!(n > 0, "closed mid-answer");
        received.extend_from_slice(&buffer[..n]);
    }
}

/// Writes `at_once`, then `slowly` a byte every 200 ms, until the server closes the connection;
/// how many bytes of `slowly` went out, and what the server sent.
fn dribble(server: &Server, at_once: &str, slowly: String) -> (usize, Vec<u8>) {
    let mut stream = server.connect();
    stream.write_all(at_once.as_bytes()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let closed = Arc::new(AtomicBool::new(false));
    let stop = closed.clone();
    let dribbler = std::thread::spawn(move || {
        let mut sent = 0;
        for byte in slowly.as_bytes() {
            if stop.load(Ordering::SeqCst) || writer.write_all(&[*byte]).is_err() {
                break;
            }
            sent += 1;
            std::thread::sleep(Duration::from_millis(200));
        }
        sent
    });
    let received = wait_for_close(&mut stream);
    closed.store(true, Ordering::SeqCst);
    (dribbler.join().unwrap(), received)
}

/// Sends a long request head a byte every 200 ms; asserts the server hung up before it was
/// complete, without answering.
fn head_is_cut_off(server: &Server) {
    let head = format!(
        "GET {} HTTP/1.1\r\nhost: {}\r\nx-padding: {}\r\n\r\n",
        server.path,
        server.authority,
        "p".repeat(420)
    );
    let length = head.len();
    let (sent, received) = dribble(server, "", head);
    assert!(sent < length, "all {length} bytes of the head went through");
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
}

/// Twenty silent connections and one kept alive after an answer: all closed.
fn idle_connections_are_closed(server: &Server) {
    let mut silent: Vec<TcpStream> = (0..20).map(|_| server.connect()).collect();
    let mut kept = server.connect();
    kept.write_all(server.request().as_bytes()).unwrap();
    assert_eq!(read_answer(&mut kept), "HTTP/1.1 200 OK");
    assert!(wait_for_close(&mut kept).is_empty());
    for stream in &mut silent {
        assert!(wait_for_close(stream).is_empty());
    }
}

/// With `--max-connections 1`: a second connection is answered only after the first closes.
fn second_connection_waits_for_the_first(server: &Server) {
    let mut first = server.connect();
    first.write_all(server.request().as_bytes()).unwrap();
    assert_eq!(read_answer(&mut first), "HTTP/1.1 200 OK");
    let mut second = server.connect();
    second.write_all(server.request().as_bytes()).unwrap();
    second
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut byte = [0u8; 1];
    let early = second.read(&mut byte);
    assert!(
        early.as_ref().is_err_and(|error| matches!(
            error.kind(),
            ErrorKind::WouldBlock | ErrorKind::TimedOut
        )),
        "answered beside the first: {early:?}"
    );
    second.set_read_timeout(Some(DEADLINE)).unwrap();
    drop(first);
    assert_eq!(read_answer(&mut second), "HTTP/1.1 200 OK");
}

const SHORT_HEADER: [&str; 4] = ["--header-timeout", "1s", "--idle-timeout", "60m"];
const SHORT_IDLE: [&str; 4] = ["--header-timeout", "60m", "--idle-timeout", "1s"];
const ONE_CONNECTION: [&str; 6] = [
    "--header-timeout",
    "60m",
    "--idle-timeout",
    "60m",
    "--max-connections",
    "1",
];

#[test]
fn the_emulator_cuts_off_a_head_sent_a_byte_every_200_ms() {
    let server = Server::emulator(&SHORT_HEADER);
    head_is_cut_off(&server);
    server.stop();
}

#[test]
fn the_receiver_cuts_off_a_head_sent_a_byte_every_200_ms() {
    let server = Server::listen(&SHORT_HEADER);
    head_is_cut_off(&server);
    server.stop();
}

#[test]
fn the_receiver_refuses_a_body_sent_a_byte_every_200_ms() {
    let mut server = Server::listen(&SHORT_HEADER);
    let body = "b".repeat(400);
    let head = format!(
        "POST / HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        server.authority,
        body.len()
    );
    let length = body.len();
    let (sent, received) = dribble(&server, &head, body);
    assert!(sent < length, "all {length} bytes of the body went through");
    let answer = String::from_utf8_lossy(&received);
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert_eq!(server.running.terminate(Duration::from_secs(20)), Some(0));
    let stderr = server.running.stderr();
    assert!(stderr.contains("refused (400 unreadable_body)"), "{stderr}");
}

#[test]
fn the_emulator_closes_idle_connections() {
    let server = Server::emulator(&SHORT_IDLE);
    idle_connections_are_closed(&server);
    server.stop();
}

#[test]
fn the_receiver_closes_idle_connections() {
    let server = Server::listen(&SHORT_IDLE);
    idle_connections_are_closed(&server);
    server.stop();
}

#[test]
fn the_emulator_serves_at_most_max_connections() {
    let server = Server::emulator(&ONE_CONNECTION);
    second_connection_waits_for_the_first(&server);
    server.stop();
}

#[test]
fn the_receiver_serves_at_most_max_connections() {
    let server = Server::listen(&ONE_CONNECTION);
    second_connection_waits_for_the_first(&server);
    server.stop();
}

#[test]
fn bad_limits_are_usage_errors() {
    for (flag, value, expected) in [
        ("--header-timeout", "0s", "must be more than 0"),
        ("--idle-timeout", "10", "has no unit"),
        ("--idle-timeout", "1h", "the unit must be ms, s or m"),
        ("--max-connections", "0", "--max-connections"),
    ] {
        for command in [
            &["emulator", "--port", "0"][..],
            &["callbacks", "listen", "--port", "0", "--secret", "s"][..],
        ] {
            let output = bin().args(command).args([flag, value]).output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{command:?} {flag} {value}: {stderr}"
            );
            assert!(
                stderr.contains(expected),
                "{command:?} {flag} {value}: {stderr}"
            );
        }
    }
}

/// `sinch-contacts emulator` on a free port, with these extra flags; its base URL.
fn emulator(extra: &[&str]) -> (Running, String) {
    let mut command = bin_std();
    command.args(["emulator", "--port", "0"]).args(extra);
    let running = Running::spawn(command);
    let first = running.next_line(Duration::from_secs(20));
    assert!(first.starts_with("emulator listening on"), "{first}");
    let url = url_in(&first);
    (running, url)
}

#[test]
fn the_emulator_command_refuses_a_webhook_it_cannot_sign_or_send_to() {
    for (target, secret, expected) in [
        (
            "http://127.0.0.1:9/hooks",
            "",
            "--secret must not be empty: every callback is signed with it",
        ),
        (
            "file:///etc/passwd",
            "s",
            "--webhook not an absolute http:// or https:// URL",
        ),
        (
            "https://127.0.0.1:9/hooks",
            "s",
            "the emulator posts to http:// URLs only",
        ),
    ] {
        let output = bin()
            .args([
                "emulator",
                "--port",
                "0",
                "--webhook",
                target,
                "--secret",
                secret,
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{target}: {stderr}");
        assert!(stderr.contains(expected), "{target}: {stderr}");
        assert!(output.stdout.is_empty(), "{target}: nothing is served");
    }
}

#[test]
fn a_display_name_over_one_mib_is_refused_before_it_is_sent() {
    let (mut emulator, base_url) = emulator(&[]);
    let dir = tempfile::tempdir().unwrap();
    // 1,048,577 characters: one over the limit. Sent, the body would be over the emulator's
    // 1 MiB and answered 413; the model's message shows it was refused before.
    let csv = format!(
        "external_id,display_name,language,channel_identities\n\
         ext-1,{},EN_US,SMS:+46700000001\n\
         ext-2,Short,EN_US,SMS:+46700000002\n",
        "x".repeat(1_048_577)
    );
    let file = write(dir.path(), "long.csv", &csv);
    let output = bin()
        .args([
            "contacts",
            "--base-url",
            &base_url,
            "--json",
            "import",
            "--no-journal",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let summary: serde_json::Value =
        serde_json::from_slice(output.stdout.trim_ascii_end()).unwrap();
    assert_eq!(summary["created"], 1, "{summary}");
    assert_eq!(summary["refused"], 1, "{summary}");
    assert_eq!(
        summary["problems"][0]["error"],
        "display_name: 1048577 characters, at most 1048576 allowed"
    );
    assert_eq!(emulator.terminate(Duration::from_secs(10)), Some(0));
}
