//! [`Emulator`]: the shared state and everything callers do with it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use sinch_contacts_model::{Contact, ContactCreateRequest, ValidationError, validate_create};

use crate::api;
use crate::config::{Config, EmulatorBuilder};
use crate::failure::Failure;
use crate::faults::{FaultCounts, FaultInjector, FaultKind, FaultSpec};
use crate::inbound::{InboundMessage, Injected, inject};
use crate::server::{self, RunningEmulator};
use crate::state::State;
use crate::transport::EmulatorTransport;
use crate::webhooks::{Delivery, Dispatcher, Webhook};

/// An in-memory Contacts API. Cheap to clone: clones share the same contacts, tokens, webhooks
/// and faults.
///
/// ```
/// use sinch_contacts_emulator::Emulator;
/// use sinch_contacts_model::{ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel};
/// use sinch_contacts_port::{Auth, ContactsClient};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let emulator = Emulator::new();
/// let client = ContactsClient::builder(emulator.transport(), emulator.project_id())
///     .base_url("http://emulator.invalid")
///     .auth(Auth::basic(emulator.key_id(), emulator.key_secret()))
///     .build()?;
/// let created = client
///     .create(&ContactCreateRequest::new(
///         vec![ChannelIdentity::new(ConversationChannel::Sms, "+46700000001")],
///         ContactLanguage::EnUs,
///     ))
///     .await?;
/// assert_eq!(emulator.contact_count(), 1);
/// assert_eq!(client.get(created.id.as_deref().unwrap()).await?, created);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
}

/// What every clone of an emulator shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: Config,
    state: Mutex<State>,
    faults: Mutex<FaultInjector>,
    pub(crate) dispatcher: Arc<Dispatcher>,
}

/// How the emulator answered a request.
#[derive(Debug)]
pub(crate) enum Handled {
    /// An HTTP answer.
    Response(Response<Bytes>),
    /// No answer: the connection is dropped (an injected fault).
    Dropped(FaultKind),
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The state holds plain data; a panic elsewhere while holding the lock leaves it usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn lock_state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Answers one request: emulator-only routes and the token endpoint as they are, API routes
    /// through fault injection.
    pub(crate) async fn handle(self: &Arc<Self>, request: Request<Bytes>) -> Handled {
        let path = request.uri().path();
        if path == "/_emulator" || path.starts_with("/_emulator/") {
            return Handled::Response(crate::admin::handle(self, &request));
        }
        if path == "/oauth2/token" {
            let mut state = self.lock_state();
            return Handled::Response(crate::auth::token_endpoint(
                &request,
                &self.config,
                &mut state.tokens,
            ));
        }
        let (fault, latency) = lock(&self.faults).draw();
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        match fault {
            Some(FaultKind::DropBefore) => return Handled::Dropped(FaultKind::DropBefore),
            Some(FaultKind::ServerError) => {
                return Handled::Response(Failure::unavailable().into_response());
            }
            Some(FaultKind::TooManyRequests { retry_after }) => {
                return Handled::Response(Failure::too_many_requests(retry_after).into_response());
            }
            Some(FaultKind::DropAfter) | None => {}
        }
        let response = api::handle(self, &request);
        match fault {
            Some(FaultKind::DropAfter) => Handled::Dropped(FaultKind::DropAfter),
            _ => Handled::Response(response),
        }
    }

    pub(crate) fn set_faults(&self, spec: FaultSpec) {
        lock(&self.faults).set_spec(spec);
    }

    pub(crate) fn faults(&self) -> (FaultSpec, FaultCounts) {
        let faults = lock(&self.faults);
        (faults.spec(), faults.counts())
    }

    pub(crate) fn reset(&self) {
        let mut state = self.lock_state();
        state.store.clear();
        state.tokens.clear();
        drop(state);
        lock(&self.faults).reset();
        self.dispatcher.reset();
    }

    pub(crate) fn inject_inbound(self: &Arc<Self>, message: &InboundMessage) -> Injected {
        let (injected, notifications) = {
            let mut state = self.lock_state();
            let (injected, mut notifications) = inject(&mut state, &self.config, message);
            state.stamp(&mut notifications);
            (injected, notifications)
        };
        self.dispatcher.dispatch(notifications);
        injected
    }

    /// Validates every request first, then stores them all (no callbacks): all or nothing.
    pub(crate) fn seed(
        &self,
        requests: Vec<ContactCreateRequest>,
    ) -> Result<Vec<Contact>, (usize, ValidationError)> {
        for (index, request) in requests.iter().enumerate() {
            validate_create(request).map_err(|error| (index, error))?;
        }
        let mut state = self.lock_state();
        Ok(requests
            .into_iter()
            .map(|request| {
                let mut contact = api::contacts::contact_from(request);
                contact.id = Some(state.ids.next_id());
                state.store.put(contact.clone());
                contact
            })
            .collect())
    }

    pub(crate) fn expire_tokens(&self) {
        self.lock_state().tokens.expire_all();
    }
}

impl Default for Emulator {
    fn default() -> Self {
        Self::new()
    }
}

impl Emulator {
    /// An emulator with every default: project `emulator-project`, key `emulator-key` /
    /// `emulator-secret`, app `emulator-app`, tokens living one hour, no faults, seed 0.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder to change the defaults.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::new()
    }

    pub(crate) fn from_parts(config: Config, faults: FaultSpec) -> Self {
        let dispatcher = Arc::new(Dispatcher::new(
            config.app_id.clone(),
            config.project_id.clone(),
            config.delivery,
            config.seed,
        ));
        Self {
            shared: Arc::new(Shared {
                state: Mutex::new(State::new(config.seed)),
                faults: Mutex::new(FaultInjector::new(faults, config.seed)),
                dispatcher,
                config,
            }),
        }
    }

    /// A [`sinch_contacts_port::Transport`] that answers in-process, without a socket. It
    /// looks only at the path, so any base URL works, and the token URL may be any URL whose
    /// path is `/oauth2/token`.
    pub fn transport(&self) -> EmulatorTransport {
        EmulatorTransport::new(self.shared.clone())
    }

    /// Serves the emulator over HTTP on `address` (use port 0 for any free port) until
    /// [`RunningEmulator::shutdown`].
    ///
    /// # Errors
    ///
    /// The I/O error of binding the address.
    pub async fn serve(&self, address: SocketAddr) -> std::io::Result<RunningEmulator> {
        server::serve(self.shared.clone(), address).await
    }

    /// The project id API paths must name.
    pub fn project_id(&self) -> &str {
        &self.shared.config.project_id
    }

    /// The accepted key id.
    pub fn key_id(&self) -> &str {
        &self.shared.config.key_id
    }

    /// The accepted key secret.
    pub fn key_secret(&self) -> &str {
        &self.shared.config.key_secret
    }

    /// The app id of callbacks.
    pub fn app_id(&self) -> &str {
        &self.shared.config.app_id
    }

    /// Registers a webhook; returns its id.
    pub fn register_webhook(&self, webhook: Webhook) -> String {
        self.shared.dispatcher.register(webhook)
    }

    /// Removes a webhook; whether it existed. Deliveries already started go on.
    pub fn unregister_webhook(&self, webhook_id: &str) -> bool {
        self.shared.dispatcher.unregister(webhook_id)
    }

    /// The registered webhooks with their ids.
    pub fn webhooks(&self) -> Vec<(String, Webhook)> {
        self.shared.dispatcher.webhooks()
    }

    /// The delivery log, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.dispatcher.deliveries()
    }

    /// Waits until no delivery is in progress (delivered or out of attempts), at most
    /// `timeout`; whether that happened. Needs a Tokio runtime with time enabled.
    pub async fn wait_for_deliveries(&self, timeout: Duration) -> bool {
        self.shared.dispatcher.wait_idle(timeout).await
    }

    /// A contact sends `message` to the app: delivered as MESSAGE_INBOUND to the webhooks (after
    /// CONTACT_CREATE when no contact had the identity yet).
    pub fn inject_inbound(&self, message: InboundMessage) -> Injected {
        self.shared.inject_inbound(&message)
    }

    /// Replaces the faults and restarts their sequence from the seed.
    pub fn set_faults(&self, faults: FaultSpec) {
        self.shared.set_faults(faults);
    }

    /// The faults in force.
    pub fn faults(&self) -> FaultSpec {
        self.shared.faults().0
    }

    /// How many faults of each kind were applied.
    pub fn fault_counts(&self) -> FaultCounts {
        self.shared.faults().1
    }

    /// Back to empty: no contacts, tokens, webhooks or deliveries, fault counts at zero and the
    /// fault sequence restarted. The configuration and the fault spec stay.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// How many contacts are stored.
    pub fn contact_count(&self) -> usize {
        self.shared.lock_state().store.len()
    }

    /// A stored contact, read directly (no auth, no faults).
    pub fn contact(&self, id: &str) -> Option<Contact> {
        self.shared.lock_state().store.get(id).cloned()
    }

    /// Stores contacts directly, without callbacks; every request is validated first and
    /// nothing is stored if one fails.
    ///
    /// # Errors
    ///
    /// The index of the first invalid request and its violations.
    pub fn seed_contacts(
        &self,
        requests: Vec<ContactCreateRequest>,
    ) -> Result<Vec<Contact>, (usize, ValidationError)> {
        self.shared.seed(requests)
    }

    /// Makes every issued bearer token expired: the next request with one gets 401 and
    /// `www-authenticate: Bearer error="expired"`.
    pub fn expire_tokens(&self) {
        self.shared.expire_tokens();
    }

    /// How many bearer tokens the token endpoint issued.
    pub fn tokens_issued(&self) -> u64 {
        self.shared.lock_state().tokens.issued()
    }
}
