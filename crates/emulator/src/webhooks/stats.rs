//! [`DeliveryStats`]: where each webhook's deliveries stand.

use serde::Serialize;

/// Where one webhook's deliveries stand: what [`Emulator::delivery_stats`] returns for each
/// webhook and `GET /_emulator/status` shows under `webhooks`.
///
/// Every callback accepted for the webhook is in exactly one of `queued`, `in_flight`,
/// `waiting_for_retry`, `delivered` and `failed`; one that found the queue full is `dropped`
/// instead.
///
/// ```
/// use std::time::Duration;
/// use sinch_contacts_emulator::{DeliveryPolicy, Emulator, InboundMessage, Webhook};
/// use sinch_contacts_model::{ConversationChannel, WebhookTrigger};
///
/// let emulator = Emulator::builder()
///     .delivery_policy(DeliveryPolicy::new(1, Duration::from_millis(10)).max_in_flight(4))
///     .build();
/// // A port nothing listens on any more: the one attempt fails.
/// let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
/// let webhook_id = emulator.register_webhook(Webhook {
///     target: format!("http://127.0.0.1:{port}/callbacks"),
///     secret: "webhook-secret".to_owned(),
///     triggers: vec![WebhookTrigger::MessageInbound],
/// });
/// emulator.inject_inbound(InboundMessage::text(ConversationChannel::Sms, "+46700000001", "hi"));
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// assert!(emulator.wait_for_deliveries(Duration::from_secs(10)).await);
/// # });
/// let stats = &emulator.delivery_stats()[0];
/// assert_eq!(stats.webhook_id, webhook_id);
/// assert_eq!((stats.queued, stats.in_flight, stats.waiting_for_retry), (0, 0, 0));
/// assert_eq!((stats.delivered, stats.failed, stats.dropped), (0, 1, 0));
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`Emulator::delivery_stats`]: crate::Emulator::delivery_stats
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DeliveryStats {
    /// The webhook's id.
    pub webhook_id: String,
    /// The URL its callbacks are posted to.
    pub target: String,
    /// Whether it is still registered (an unregistered webhook finishes the deliveries it had).
    pub registered: bool,
    /// Callbacks waiting for a free delivery slot: new ones, and retries whose back-off is over.
    pub queued: usize,
    /// Attempts under way (at most [`DeliveryPolicy::max_in_flight`](crate::DeliveryPolicy)).
    pub in_flight: usize,
    /// Deliveries whose last attempt failed, waiting for their back-off to end (they hold no
    /// delivery slot meanwhile).
    pub waiting_for_retry: usize,
    /// Deliveries that got a 2xx answer.
    pub delivered: u64,
    /// Deliveries given up after their last attempt (or never attempted: a target that is not an
    /// `http://` URL).
    pub failed: u64,
    /// Callbacks not delivered because the queue was full when they were produced.
    pub dropped: u64,
}
