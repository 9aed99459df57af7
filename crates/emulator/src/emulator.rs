//! [`Emulator`]: everything callers do with an emulator.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sinch_contacts_model::{Contact, ContactCreateRequest, ValidationError};

use crate::config::Config;
use crate::connections::ConnectionLimits;
use crate::consent::{Direction, OptChange, OptInjected};
use crate::faults::{FaultCounts, FaultSpec};
use crate::inbound::{InboundMessage, Injected};
use crate::injected_callback::{CallbackError, CallbackInjected};
use crate::rate_limit::RateLimit;
use crate::rate_limiter::RateLimitCounts;
use crate::request_counts::ApiRequestCounts;
use crate::server::{self, RunningEmulator};
use crate::shared::Shared;
use crate::transport::EmulatorTransport;
use crate::webhooks::{Delivery, DeliveryStats, Webhook};

/// An in-memory Contacts API. Cheap to clone: clones share the same contacts, tokens, webhooks,
/// faults and rate limit bucket.
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

impl Default for Emulator {
    fn default() -> Self {
        Self::new()
    }
}

impl Emulator {
    /// An emulator with every default: project `emulator-project`, key `emulator-key` /
    /// `emulator-secret`, app `emulator-app`, tokens living one hour, no faults, seed 0.
    pub fn new() -> Self {
        Self::from_parts(Config::default(), FaultSpec::none())
    }

    pub(crate) fn from_parts(config: Config, faults: FaultSpec) -> Self {
        Self {
            shared: Arc::new(Shared::new(config, faults)),
        }
    }

    /// A [`sinch_contacts_port::Transport`] that answers in-process, without a socket. It
    /// looks only at the path, so any base URL works, and the token URL may be any URL whose
    /// path is `/oauth2/token`.
    pub fn transport(&self) -> EmulatorTransport {
        EmulatorTransport::new(self.shared.clone())
    }

    /// Serves the emulator over HTTP on `address` (use port 0 for any free port) until
    /// [`RunningEmulator::shutdown`], under the [`connection_limits`](Self::connection_limits).
    ///
    /// # Errors
    ///
    /// The I/O error of binding the address.
    pub async fn serve(&self, address: SocketAddr) -> std::io::Result<RunningEmulator> {
        server::serve(self.shared.clone(), address).await
    }

    /// What the HTTP server allows a client (set with
    /// [`EmulatorBuilder::connection_limits`](crate::EmulatorBuilder::connection_limits)).
    pub fn connection_limits(&self) -> ConnectionLimits {
        self.shared.config.connections
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
        self.shared.outbox.register(webhook)
    }

    /// Removes a webhook; whether it existed. Deliveries already produced for it (queued, in
    /// flight or waiting for a retry) go on.
    pub fn unregister_webhook(&self, webhook_id: &str) -> bool {
        self.shared.outbox.unregister(webhook_id)
    }

    /// The registered webhooks with their ids.
    pub fn webhooks(&self) -> Vec<(String, Webhook)> {
        self.shared.outbox.webhooks()
    }

    /// The delivery log, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.outbox.deliveries()
    }

    /// Where each webhook's deliveries stand: queued, in flight, waiting for a retry, delivered,
    /// failed and dropped, one entry per webhook registered since the last reset (unregistered
    /// ones included), in the order they were registered. See [`DeliveryStats`] for an example.
    pub fn delivery_stats(&self) -> Vec<DeliveryStats> {
        self.shared.outbox.stats()
    }

    /// Waits until no delivery is queued, in flight or waiting for a retry (each is delivered,
    /// out of attempts or dropped), at most `timeout`; whether that happened. Needs a Tokio
    /// runtime with time enabled.
    pub async fn wait_for_deliveries(&self, timeout: Duration) -> bool {
        self.shared.outbox.wait_idle(timeout).await
    }

    /// A contact sends `message` to the app: delivered as MESSAGE_INBOUND to the webhooks (after
    /// CONTACT_CREATE when no contact had the identity yet).
    pub fn inject_inbound(&self, message: InboundMessage) -> Injected {
        self.shared.inject_inbound(&message)
    }

    /// A contact opts out on a channel with native opt-out (Viber Business Messages): delivered
    /// as an OPT_OUT callback (`OPT_OUT_SUCCEEDED`, or `OPT_OUT_FAILED` with
    /// [`OptChange::failed`]) to the webhooks subscribed to OPT_OUT. No contact is created or
    /// changed: the API only reports the consent.
    pub fn inject_opt_out(&self, change: OptChange) -> OptInjected {
        self.shared.inject_opt(Direction::Out, &change)
    }

    /// A contact opts (back) in on a channel with native opt-in: delivered as an OPT_IN callback,
    /// like [`inject_opt_out`](Self::inject_opt_out).
    pub fn inject_opt_in(&self, change: OptChange) -> OptInjected {
        self.shared.inject_opt(Direction::In, &change)
    }

    /// Delivers a callback body of your own (a realistic fixture, a callback of a trigger the
    /// emulator never produces, a body a receiver should handle in some odd way) to every
    /// registered webhook subscribed to its trigger, exactly as the emulator delivers its own
    /// callbacks: through each webhook's queue, signed with each webhook's secret, retried,
    /// logged in [`deliveries`](Self::deliveries) and counted in
    /// [`delivery_stats`](Self::delivery_stats).
    ///
    /// The body must parse with the callbacks crate as a callback of a trigger it types; its
    /// notification key tells the trigger (a top-level `trigger` member may name it as well,
    /// and must then agree). It is sent as given, bytes unchanged: its `app_id`,
    /// `project_id` and times are not replaced by the emulator's. A body subscribed to by no
    /// webhook is not an error: [`CallbackInjected::queued`] is then 0.
    ///
    /// ```
    /// use sinch_contacts_emulator::{Emulator, Webhook};
    /// use sinch_contacts_model::WebhookTrigger;
    ///
    /// let emulator = Emulator::new();
    /// let id = emulator.register_webhook(Webhook {
    ///     target: "http://127.0.0.1:9/callbacks".to_owned(),
    ///     secret: "webhook-secret".to_owned(),
    ///     triggers: vec![WebhookTrigger::OptOut],
    /// });
    /// let opt_out = r#"{"app_id": "emulator-app", "project_id": "emulator-project",
    ///   "accepted_time": "2024-06-15T14:00:00.123Z",
    ///   "opt_out_notification": {"contact_id": "c1", "channel": "VIBERBM",
    ///     "identity": "+46700000001", "status": "OPT_OUT_SUCCEEDED"}}"#;
    /// let injected = emulator.inject_callback(opt_out)?;
    /// assert_eq!(injected.trigger, WebhookTrigger::OptOut);
    /// assert_eq!(injected.webhook_ids, [id]);
    /// assert_eq!(emulator.deliveries()[0].body, opt_out);
    ///
    /// // No webhook is subscribed to CONTACT_DELETE: nothing is queued.
    /// let deleted = r#"{"app_id": "a", "project_id": "p",
    ///   "contact_delete_notification": {"contact": {"id": "c1"}}}"#;
    /// assert_eq!(emulator.inject_callback(deleted)?.queued(), 0);
    ///
    /// // A body that is not a callback is refused, naming what is wrong.
    /// let error = emulator.inject_callback(r#"{"app_id": "a", "project_id": "p",
    ///   "contact_delete_notification": {"contact": []}}"#).unwrap_err();
    /// assert_eq!(error.field(), "contact_delete_notification.contact");
    /// # Ok::<(), sinch_contacts_emulator::CallbackError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`CallbackError`] naming the field at fault when the body is not JSON, does not fit a
    /// callback, holds no notification key of a typed trigger, or has a `trigger` member naming
    /// another trigger. Nothing is delivered then.
    pub fn inject_callback(
        &self,
        body: impl AsRef<[u8]>,
    ) -> Result<CallbackInjected, CallbackError> {
        self.shared.inject_callback(body.as_ref())
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

    /// The rate limit of the project's API requests, if one was set with
    /// [`EmulatorBuilder::rate_limit`](crate::EmulatorBuilder::rate_limit).
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.shared.config.rate_limit
    }

    /// How many API requests the rate limit allowed and refused (zero without a limit).
    pub fn rate_limit_counts(&self) -> RateLimitCounts {
        self.shared
            .rate_limit()
            .map(|(_, counts)| counts)
            .unwrap_or_default()
    }

    /// How many API requests were received, by method (whatever their answer: refused by the
    /// rate limit, faulted or served; token requests and emulator-only routes not counted).
    pub fn api_request_counts(&self) -> ApiRequestCounts {
        self.shared.request_counts()
    }

    /// Back to empty: no contacts, tokens, webhooks or deliveries, fault, rate limit and request
    /// counts at zero, the fault sequence restarted and the rate limit's bucket full. The
    /// configuration and the fault spec stay.
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
