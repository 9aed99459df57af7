//! Clients that hold connections without finishing a request, on real sockets: a head sent a
//! byte every 200 ms, a body sent as slowly, idle connections, and more connections than the
//! server serves at once. Each limit is set short for the test and every other one long, so
//! that what closes a connection can only be the limit under test; the tests wait for it with
//! generous deadlines and never assert how fast it came.

use std::net::SocketAddr;
use std::time::Duration;

use sinch_contacts_emulator::{ConnectionLimits, Emulator, RunningEmulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Long enough never to be reached in a test.
const NEVER: Duration = Duration::from_secs(3600);
/// How long a test waits for something to happen before it fails.
const DEADLINE: Duration = Duration::from_secs(60);

async fn serve(limits: ConnectionLimits) -> RunningEmulator {
    Emulator::builder()
        .connection_limits(limits)
        .build()
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn status_request() -> &'static [u8] {
    b"GET /_emulator/status HTTP/1.1\r\nhost: emulator\r\n\r\n"
}

/// What a client saw of a connection it wrote to slowly.
#[derive(Debug)]
struct Dribbled {
    /// Bytes written before the server closed the connection.
    sent: usize,
    /// Everything the server sent before closing it.
    received: Vec<u8>,
}

/// Writes `at_once`, then `bytes` one at a time, `pause` apart, while reading, until the server
/// closes the connection (fails the test if it is still open [`DEADLINE`] after the last byte).
async fn dribble(address: SocketAddr, at_once: &[u8], bytes: &[u8], pause: Duration) -> Dribbled {
    let (mut reader, mut writer) = TcpStream::connect(address).await.unwrap().into_split();
    writer.write_all(at_once).await.unwrap();
    let mut sent = 0;
    let mut writable = true;
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let waited = tokio::time::timeout(DEADLINE + pause * bytes.len() as u32, async {
        loop {
            tokio::select! {
                read = reader.read(&mut buffer) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => received.extend_from_slice(&buffer[..n]),
                },
                () = tokio::time::sleep(pause), if writable && sent < bytes.len() => {
                    if writer.write_all(&bytes[sent..=sent]).await.is_ok() {
                        sent += 1;
                    } else {
                        writable = false;
                    }
                }
            }
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "the connection is still open; sent {sent} of {} bytes, received {:?}",
        bytes.len(),
        String::from_utf8_lossy(&received)
    );
    Dribbled { sent, received }
}

/// Reads one answer (head and a `content-length` body); its status line and body.
async fn read_answer(stream: &mut TcpStream) -> (String, String) {
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
                let body = String::from_utf8_lossy(&received[end + 4..end + 4 + length]);
                let status = head.lines().next().unwrap_or_default().to_owned();
                return (status, body.into_owned());
            }
        }
        let n = stream.read(&mut buffer).await.unwrap();
        assert!(
            n > 0,
            "closed mid-answer: {:?}",
            String::from_utf8_lossy(&received)
        );
        received.extend_from_slice(&buffer[..n]);
    }
}

/// Waits until the server closes `stream` (end of file or reset), failing after [`DEADLINE`];
/// what it sent before.
async fn wait_for_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 1024];
    let closed = tokio::time::timeout(DEADLINE, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "still open after {DEADLINE:?}");
    received
}

#[tokio::test]
async fn a_head_sent_a_byte_every_200_ms_is_cut_off_at_the_header_timeout() {
    let server = serve(
        ConnectionLimits::default()
            .header_timeout(Duration::from_secs(1))
            .idle_timeout(NEVER),
    )
    .await;
    // 470 bytes: 94 s at 200 ms a byte, were it not cut off.
    let head = format!(
        "GET /_emulator/status HTTP/1.1\r\nhost: emulator\r\nx-padding: {}\r\n\r\n",
        "p".repeat(420)
    );
    let seen = dribble(
        server.local_addr(),
        b"",
        head.as_bytes(),
        Duration::from_millis(200),
    )
    .await;
    assert!(
        seen.sent < head.len(),
        "the whole head went through: {seen:?}"
    );
    assert!(
        seen.received.is_empty(),
        "no answer to half a head: {seen:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_sent_a_byte_every_200_ms_is_refused_after_the_header_timeout() {
    let server = serve(
        ConnectionLimits::default()
            .header_timeout(Duration::from_secs(1))
            .idle_timeout(NEVER),
    )
    .await;
    let body = format!(
        r#"{{"channel": "SMS", "identity": "+46700000001", "text": "{}"}}"#,
        "s".repeat(400)
    );
    let head = format!(
        "POST /_emulator/inbound HTTP/1.1\r\nhost: emulator\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let seen = dribble(
        server.local_addr(),
        head.as_bytes(),
        body.as_bytes(),
        Duration::from_millis(200),
    )
    .await;
    assert!(
        seen.sent < body.len(),
        "the whole body went through: {seen:?}"
    );
    let answer = String::from_utf8_lossy(&seen.received);
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert!(
        answer.contains(
            "Invalid argument: body: unreadable: the request body did not arrive within 1000 ms of its head"
        ),
        "{answer}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn idle_connections_are_closed_at_the_idle_timeout() {
    let server = serve(
        ConnectionLimits::default()
            .header_timeout(NEVER)
            .idle_timeout(Duration::from_secs(1)),
    )
    .await;
    // Twenty connections that never send a byte.
    let mut silent = Vec::new();
    for _ in 0..20 {
        silent.push(TcpStream::connect(server.local_addr()).await.unwrap());
    }
    // One kept alive after a request was answered.
    let mut kept = TcpStream::connect(server.local_addr()).await.unwrap();
    kept.write_all(status_request()).await.unwrap();
    let (status, body) = read_answer(&mut kept).await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        body.contains("\"project_id\":\"emulator-project\""),
        "{body}"
    );
    assert!(wait_for_close(&mut kept).await.is_empty());
    for stream in &mut silent {
        assert!(wait_for_close(stream).await.is_empty());
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_connection_beyond_the_cap_is_served_when_one_closes() {
    let server = serve(
        ConnectionLimits::default()
            .header_timeout(NEVER)
            .idle_timeout(NEVER)
            .max_connections(1),
    )
    .await;
    let mut first = TcpStream::connect(server.local_addr()).await.unwrap();
    first.write_all(status_request()).await.unwrap();
    assert_eq!(read_answer(&mut first).await.0, "HTTP/1.1 200 OK");
    // The second connection waits in the backlog: connected, its request sent, no answer while
    // the first stays open.
    let mut second = TcpStream::connect(server.local_addr()).await.unwrap();
    second.write_all(status_request()).await.unwrap();
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), second.read(&mut byte)).await;
    assert!(early.is_err(), "answered beside the first: {early:?}");
    // The first keeps being served.
    first.write_all(status_request()).await.unwrap();
    assert_eq!(read_answer(&mut first).await.0, "HTTP/1.1 200 OK");
    drop(first);
    let answered = tokio::time::timeout(DEADLINE, read_answer(&mut second)).await;
    assert_eq!(
        answered.expect("served once the first closed").0,
        "HTTP/1.1 200 OK"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_idle_and_half_sent_connections() {
    let server = serve(
        ConnectionLimits::default()
            .header_timeout(NEVER)
            .idle_timeout(NEVER),
    )
    .await;
    let mut idle = TcpStream::connect(server.local_addr()).await.unwrap();
    idle.write_all(status_request()).await.unwrap();
    assert_eq!(read_answer(&mut idle).await.0, "HTTP/1.1 200 OK");
    let mut half = TcpStream::connect(server.local_addr()).await.unwrap();
    half.write_all(b"GET /_emulator/status HTTP/1.1\r\nhost: emu")
        .await
        .unwrap();
    let stopped = tokio::time::timeout(DEADLINE, server.shutdown()).await;
    assert!(stopped.is_ok(), "shutdown did not return");
    assert!(wait_for_close(&mut idle).await.is_empty());
    assert!(wait_for_close(&mut half).await.is_empty());
}
