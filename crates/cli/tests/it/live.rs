//! An emulator served on 127.0.0.1:0 by the test process, and a direct client to check what it
//! holds.

use std::net::SocketAddr;

use futures_util::TryStreamExt;
use sinch_contacts_emulator::{Emulator, FaultSpec, RunningEmulator};
use sinch_contacts_model::{Contact, ContactCreateRequest, ListContactsQuery};
use sinch_contacts_port::{Auth, ContactsClient};

/// A served emulator; stops when dropped.
pub struct LiveEmulator {
    pub emulator: Emulator,
    pub base_url: String,
    runtime: tokio::runtime::Runtime,
    server: Option<RunningEmulator>,
}

impl LiveEmulator {
    /// An emulator with the default configuration.
    pub fn start() -> Self {
        Self::with(Emulator::new())
    }

    /// Serves `emulator`.
    pub fn with(emulator: Emulator) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime
            .block_on(emulator.serve(SocketAddr::from(([127, 0, 0, 1], 0))))
            .unwrap();
        Self {
            base_url: server.base_url(),
            emulator,
            runtime,
            server: Some(server),
        }
    }

    /// `contacts --base-url URL`, to which a test adds the operation.
    pub fn base(&self) -> [&str; 3] {
        ["contacts", "--base-url", &self.base_url]
    }

    /// Every stored contact, read through the in-process transport with faults switched off.
    pub fn contacts(&self) -> Vec<Contact> {
        let faults = self.emulator.faults();
        self.emulator.set_faults(FaultSpec::none());
        let client = ContactsClient::builder(self.emulator.transport(), self.emulator.project_id())
            .base_url("http://emulator.invalid")
            .auth(Auth::basic(
                self.emulator.key_id(),
                self.emulator.key_secret(),
            ))
            .build()
            .unwrap();
        let contacts: Vec<Contact> = self
            .runtime
            .block_on(
                client
                    .list_all(ListContactsQuery::new().page_size(20))
                    .try_collect(),
            )
            .unwrap();
        self.emulator.set_faults(faults);
        contacts
    }

    /// Waits until every callback produced so far is delivered (or given up), at most
    /// `timeout`; whether that happened.
    pub fn wait_for_deliveries(&self, timeout: std::time::Duration) -> bool {
        self.runtime
            .block_on(self.emulator.wait_for_deliveries(timeout))
    }

    /// Stores contacts directly (no callbacks, no faults).
    pub fn seed(&self, requests: Vec<ContactCreateRequest>) -> Vec<Contact> {
        self.emulator.seed_contacts(requests).unwrap()
    }
}

impl Drop for LiveEmulator {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}
