//! A webhook endpoint on 127.0.0.1 built on the callbacks crate's [`WebhookReceiver`]: every
//! callback it accepts (signature verified, body parsed) is applied to a [`ContactMirror`] and a
//! [`SuppressionList`] and kept for inspection.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use sinch_contacts_callbacks::axum_handler::WebhookReceiver;
use sinch_contacts_callbacks::mirror::ContactMirror;
use sinch_contacts_callbacks::optout::SuppressionList;
use sinch_contacts_callbacks::{Callback, Verifier};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The path the receiver answers on.
pub const CALLBACK_PATH: &str = "/sinch/callbacks";

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the receiver built from the callbacks it accepted.
#[derive(Debug, Default)]
struct Received {
    mirror: ContactMirror,
    suppression: SuppressionList,
    callbacks: Vec<Callback>,
}

/// A running webhook endpoint and what it received.
#[derive(Debug)]
pub struct CallbackReceiver {
    address: SocketAddr,
    received: Arc<Mutex<Received>>,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
}

impl CallbackReceiver {
    /// Serves a receiver verifying with `secret` on 127.0.0.1, port 0.
    ///
    /// # Errors
    ///
    /// The I/O error of binding the socket.
    pub async fn start(secret: &str) -> std::io::Result<Self> {
        let received = Arc::new(Mutex::new(Received::default()));
        let sink = received.clone();
        let router = WebhookReceiver::new(Verifier::new(secret), move |callback: Callback| {
            let sink = sink.clone();
            async move {
                let mut received = lock(&sink);
                received.mirror.apply(&callback);
                received.suppression.apply(&callback);
                received.callbacks.push(callback);
                Ok::<(), std::convert::Infallible>(())
            }
        })
        .router(CALLBACK_PATH);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Self {
            address,
            received,
            stop: Some(stop),
            server,
        })
    }

    /// The URL to register as the webhook target.
    pub fn url(&self) -> String {
        format!("http://{}{CALLBACK_PATH}", self.address)
    }

    /// A copy of the mirror built so far.
    pub fn mirror(&self) -> ContactMirror {
        lock(&self.received).mirror.clone()
    }

    /// A copy of the suppression list built so far.
    pub fn suppression(&self) -> SuppressionList {
        lock(&self.received).suppression.clone()
    }

    /// The callbacks accepted so far, in arrival order.
    pub fn callbacks(&self) -> Vec<Callback> {
        lock(&self.received).callbacks.clone()
    }

    /// Stops serving and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.server).await;
    }
}
