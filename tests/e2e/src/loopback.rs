//! [`Loopback`]: an emulator served over HTTP on 127.0.0.1 and clients that reach it through the
//! reqwest adapter.

use std::time::Duration;

use sinch_contacts_emulator::{Emulator, RunningEmulator};
use sinch_contacts_port::{Auth, ContactsClient, RetryPolicy};
use sinch_contacts_reqwest::ReqwestTransport;

use crate::BoxError;

/// A retry policy for loopback runs: the policy's rules, with back-off in milliseconds so a
/// run with injected faults takes seconds.
pub fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(max_attempts)
        .with_initial_backoff(Duration::from_millis(1))
        .with_multiplier(2)
        .with_max_backoff(Duration::from_millis(20))
}

/// An emulator listening on `127.0.0.1:<any free port>`.
#[derive(Debug)]
pub struct Loopback {
    emulator: Emulator,
    running: RunningEmulator,
}

impl Loopback {
    /// Serves `emulator` on 127.0.0.1, port 0.
    ///
    /// # Errors
    ///
    /// The I/O error of binding the socket.
    pub async fn start(emulator: Emulator) -> std::io::Result<Self> {
        let running = emulator.serve(([127, 0, 0, 1], 0).into()).await?;
        Ok(Self { emulator, running })
    }

    /// The emulator (shares state with the one served).
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        self.running.base_url()
    }

    /// The emulator's OAuth2 token endpoint, `{base_url}/oauth2/token`.
    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.base_url())
    }

    /// HTTP Basic with the emulator's key.
    pub fn basic_auth(&self) -> Auth {
        Auth::basic(self.emulator.key_id(), self.emulator.key_secret())
    }

    /// OAuth2 client credentials with the emulator's key, against its token endpoint.
    pub fn oauth2_auth(&self) -> Auth {
        Auth::oauth2(self.emulator.key_id(), self.emulator.key_secret())
            .with_token_url(self.token_url())
    }

    /// A client over a default [`ReqwestTransport`] with `auth` and `retry_policy`.
    ///
    /// # Errors
    ///
    /// Building the transport or the client failed.
    pub fn client(
        &self,
        auth: Auth,
        retry_policy: RetryPolicy,
    ) -> Result<ContactsClient, BoxError> {
        let transport = ReqwestTransport::new()?;
        let client = ContactsClient::builder(transport, self.emulator.project_id())
            .base_url(self.base_url())
            .auth(auth)
            .retry_policy(retry_policy)
            .build()?;
        Ok(client)
    }

    /// A Basic-authenticated client with [`fast_retries`] of 3 attempts.
    ///
    /// # Errors
    ///
    /// Building the transport or the client failed.
    pub fn basic_client(&self) -> Result<ContactsClient, BoxError> {
        self.client(self.basic_auth(), fast_retries(3))
    }

    /// Stops serving.
    pub async fn shutdown(self) {
        self.running.shutdown().await;
    }
}
