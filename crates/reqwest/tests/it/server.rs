//! Hand-written HTTP/1.1 servers on 127.0.0.1 (port 0): each connection is
//! handed to a test-supplied handler that reads and writes raw bytes, so a
//! test controls resets, stalls, huge and truncated bodies.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A request as it arrived on the socket.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// The request target: path and query as sent.
    pub target: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A listening server; aborted when dropped.
pub struct Server {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    connections: Arc<AtomicUsize>,
    accept_loop: JoinHandle<()>,
}

impl Server {
    /// Serves every connection with `handler`, which gets the stream and the
    /// shared log of received requests (filled by [`read_request`]).
    pub async fn start<H, F>(handler: H) -> Self
    where
        H: Fn(TcpStream, Log) -> F + Send + Sync + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Log(received.clone());
        let connections = Arc::new(AtomicUsize::new(0));
        let accepted = connections.clone();
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accepted.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(handler(stream, log.clone()));
            }
        });
        Self {
            addr,
            received,
            connections,
            accept_loop,
        }
    }

    /// Answers every request with the same raw response bytes.
    pub async fn answering(response: Vec<u8>) -> Self {
        let response = Arc::new(response);
        Self::start(move |mut stream, log| {
            let response = response.clone();
            async move {
                while read_request(&mut stream, &log).await.is_some() {
                    if stream.write_all(&response).await.is_err() {
                        return;
                    }
                }
            }
        })
        .await
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{}", self.addr, path_and_query)
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("log lock").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

/// The log a handler records requests into.
#[derive(Clone)]
pub struct Log(Arc<Mutex<Vec<Received>>>);

/// Reads one request (head and `Content-Length` body) and logs it; `None`
/// when the client closed the connection or sent something unreadable.
pub async fn read_request(stream: &mut (impl AsyncRead + Unpin), log: &Log) -> Option<Received> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break position;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map_or(Some(0), |(_, value)| value.parse().ok())?;
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = vec![0u8; length - body.len()];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    let received = Received {
        method,
        target,
        headers,
        body,
    };
    log.0.lock().expect("log lock").push(received.clone());
    Some(received)
}

/// A complete response with `Content-Length`.
pub fn response(status_line: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("HTTP/1.1 {status_line}\r\n").into_bytes();
    for (name, value) in headers {
        bytes.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    bytes.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    bytes.extend_from_slice(body);
    bytes
}

/// A JSON response with status `200 OK`.
pub fn json_ok(body: &str) -> Vec<u8> {
    response(
        "200 OK",
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
}

/// Keeps a connection open without answering, long past any test timeout.
pub async fn stall(stream: TcpStream) {
    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    drop(stream);
}
