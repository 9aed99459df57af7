//! A webhook receiver on 127.0.0.1 that holds every request open until the test releases it,
//! counting the requests open at once and the connections accepted.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};

/// How long a wait for the receiver may last before the test fails (a bound on a hang, not a
/// timing assertion).
const PATIENCE: Duration = Duration::from_secs(20);

#[derive(Default)]
struct Counts {
    open: usize,
    most_open: usize,
    bodies: Vec<Bytes>,
}

struct Inner {
    counts: Mutex<Counts>,
    changed: Notify,
    gate: Semaphore,
    connections: AtomicUsize,
    statuses: Mutex<VecDeque<u16>>,
    answer: Bytes,
}

/// The receiver; answers the scripted statuses in order once released, then 200.
#[derive(Clone)]
pub struct HeldReceiver {
    address: SocketAddr,
    inner: Arc<Inner>,
}

impl HeldReceiver {
    pub async fn start(script: &[u16]) -> Self {
        Self::start_answering(script, Bytes::new()).await
    }

    /// The receiver, answering every request with `answer` as its body.
    pub async fn start_answering(script: &[u16], answer: Bytes) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let address = listener.local_addr().expect("a local address");
        let inner = Arc::new(Inner {
            counts: Mutex::new(Counts::default()),
            changed: Notify::new(),
            gate: Semaphore::new(0),
            connections: AtomicUsize::new(0),
            statuses: Mutex::new(script.iter().copied().collect()),
            answer,
        });
        let accepting = inner.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accepting.connections.fetch_add(1, Ordering::SeqCst);
                let inner = accepting.clone();
                let service = service_fn(move |request: Request<Incoming>| {
                    let inner = inner.clone();
                    async move { Ok::<_, std::convert::Infallible>(inner.hold(request).await) }
                });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service),
                );
            }
        });
        Self { address, inner }
    }

    pub fn url(&self) -> String {
        format!("http://{}/callbacks", self.address)
    }

    /// Waits until exactly `count` requests are held open.
    pub async fn wait_until_open(&self, count: usize) {
        let waited = tokio::time::timeout(PATIENCE, async {
            loop {
                let changed = self.inner.changed.notified();
                if self.inner.counts.lock().unwrap().open == count {
                    return;
                }
                changed.await;
            }
        })
        .await;
        let open = self.inner.counts.lock().unwrap().open;
        assert!(waited.is_ok(), "{open} requests held open, never {count}");
    }

    /// Lets `count` held (or future) requests be answered.
    pub fn release(&self, count: usize) {
        self.inner.gate.add_permits(count);
    }

    /// Lets every request from now on be answered at once.
    pub fn release_all(&self) {
        self.release(1 << 20);
    }

    /// The most requests held open at once so far.
    pub fn most_open(&self) -> usize {
        self.inner.counts.lock().unwrap().most_open
    }

    /// The bodies received, in the order they arrived.
    pub fn bodies(&self) -> Vec<Bytes> {
        self.inner.counts.lock().unwrap().bodies.clone()
    }

    /// The connections accepted so far.
    pub fn connections(&self) -> usize {
        self.inner.connections.load(Ordering::SeqCst)
    }
}

impl Inner {
    async fn hold(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let body = request
            .into_body()
            .collect()
            .await
            .map(|collected| collected.to_bytes())
            .unwrap_or_default();
        {
            let mut counts = self.counts.lock().unwrap();
            counts.bodies.push(body);
            counts.open += 1;
            counts.most_open = counts.most_open.max(counts.open);
        }
        self.changed.notify_waiters();
        self.gate
            .acquire()
            .await
            .expect("the gate is never closed")
            .forget();
        let status = self.statuses.lock().unwrap().pop_front().unwrap_or(200);
        self.counts.lock().unwrap().open -= 1;
        self.changed.notify_waiters();
        let mut response = Response::new(Full::new(self.answer.clone()));
        *response.status_mut() = StatusCode::from_u16(status).expect("a valid status");
        response
    }
}
