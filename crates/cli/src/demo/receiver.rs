//! The tour's webhook receiver: the callbacks crate's axum `WebhookReceiver` on 127.0.0.1:0,
//! handing each verified, parsed callback to the tour through a channel.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sinch_contacts_callbacks::axum_handler::WebhookReceiver;
use sinch_contacts_callbacks::{Callback, Verifier};
use tokio::sync::{mpsc, oneshot};

use crate::error::{CliError, CliResult};

/// A running receiver.
#[derive(Debug)]
pub struct Receiver {
    /// Where the emulator posts callbacks.
    pub url: String,
    callbacks: mpsc::UnboundedReceiver<Callback>,
    stop: Option<oneshot::Sender<()>>,
}

impl Receiver {
    /// Starts a receiver verifying with `secret` (timestamps within 5 minutes, nonces not
    /// replayed).
    pub async fn start(secret: &str) -> CliResult<Self> {
        let (sender, callbacks) = mpsc::unbounded_channel();
        let verifier = Verifier::new(secret)
            .with_tolerance(Duration::from_secs(300))
            .with_replay_guard(10_000);
        let router = WebhookReceiver::new(verifier, move |callback: Callback| {
            let sender = sender.clone();
            async move { sender.send(callback).map_err(|_| "the tour has ended") }
        })
        .router("/callbacks");
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|error| {
                CliError::failure(format!("cannot start the webhook receiver: {error}"))
            })?;
        let address = listener.local_addr().map_err(|error| {
            CliError::failure(format!("cannot read the receiver's address: {error}"))
        })?;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self {
            url: format!("http://{address}/callbacks"),
            callbacks,
            stop: Some(stop),
        })
    }

    /// The next callback, waiting until `deadline`; `None` when it passed.
    pub async fn next_before(&mut self, deadline: Instant) -> Option<Callback> {
        let left = deadline.saturating_duration_since(Instant::now());
        tokio::time::timeout(left, self.callbacks.recv())
            .await
            .ok()
            .flatten()
    }

    /// Stops the server.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop();
    }
}
