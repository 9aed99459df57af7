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
    /// Callbacks still to refuse (answered 500) before accepting any.
    to_refuse: usize,
    refused: usize,
}

/// The handler's refusal of a callback, to make the sender deliver it again.
#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("refused on purpose, to be delivered again")
    }
}

impl std::error::Error for Refused {}

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
        Self::start_refusing(secret, 0).await
    }

    /// Like [`start`](Self::start), but the handler refuses the first `refusals` verified
    /// callbacks (the endpoint answers 500) before accepting every callback.
    ///
    /// # Errors
    ///
    /// The I/O error of binding the socket.
    pub async fn start_refusing(secret: &str, refusals: usize) -> std::io::Result<Self> {
        let received = Arc::new(Mutex::new(Received {
            to_refuse: refusals,
            ..Received::default()
        }));
        let sink = received.clone();
        let router = WebhookReceiver::new(Verifier::new(secret), move |callback: Callback| {
            let sink = sink.clone();
            async move {
                let mut received = lock(&sink);
                if received.to_refuse > 0 {
                    received.to_refuse -= 1;
                    received.refused += 1;
                    return Err(Refused);
                }
                received.mirror.apply(&callback);
                received.suppression.apply(&callback);
                received.callbacks.push(callback);
                Ok(())
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

    /// How many verified callbacks the handler refused.
    pub fn refused(&self) -> usize {
        lock(&self.received).refused
    }

    /// Stops serving and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.server).await;
    }
}
