//! [`Outbox`]: the registered webhooks, one delivery lane each, and the delivery log.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use sinch_contacts_model::WebhookTrigger;

use super::lane::Lane;
use super::log::{Delivery, DeliveryLog};
use super::notification::Notification;
use super::pending::Pending;
use super::runtime::DeliveryRuntime;
use super::stats::DeliveryStats;
use super::webhook::Webhook;
use crate::config::DeliveryPolicy;
use crate::ids::IdGenerator;

/// Mixed into the seed of webhook ids and nonces.
const NONCE_SEED: u64 = 0x006E_6F6E_6365;

/// Webhooks, their lanes (kept after unregistering, until a reset, so their deliveries finish
/// and their counts stay visible), the delivery log and the runtime deliveries run on.
#[derive(Debug)]
pub(crate) struct Outbox {
    app_id: String,
    project_id: String,
    policy: DeliveryPolicy,
    lanes: Mutex<Vec<Arc<Lane>>>,
    log: Arc<DeliveryLog>,
    pending: Arc<Pending>,
    next_sequence: AtomicU64,
    /// Webhook ids and the nonces of every attempt.
    ids: Arc<Mutex<IdGenerator>>,
    runtime: DeliveryRuntime,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep serving.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Outbox {
    pub(crate) fn new(
        app_id: String,
        project_id: String,
        policy: DeliveryPolicy,
        seed: u64,
    ) -> Self {
        Self {
            app_id,
            project_id,
            policy,
            lanes: Mutex::new(Vec::new()),
            log: Arc::new(DeliveryLog::default()),
            pending: Arc::new(Pending::default()),
            next_sequence: AtomicU64::new(1),
            ids: Arc::new(Mutex::new(IdGenerator::new(seed ^ NONCE_SEED))),
            runtime: DeliveryRuntime::new(policy.background),
        }
    }

    /// Registers `webhook` with a lane of its own, started on the delivery runtime; its id.
    pub(crate) fn register(&self, webhook: Webhook) -> String {
        let id = lock(&self.ids).next_id();
        let mut lanes = lock(&self.lanes);
        let runtime = self.runtime.handle();
        let lane = Arc::new(Lane::new(
            id.clone(),
            webhook,
            self.policy,
            self.log.clone(),
            self.pending.clone(),
            self.ids.clone(),
            runtime.as_ref().err().cloned(),
        ));
        if let Ok(handle) = runtime {
            handle.spawn(lane.clone().run());
        }
        lanes.push(lane);
        id
    }

    /// Stops sending callbacks to the webhook; whether it was registered. Its queued deliveries
    /// and retries go on.
    pub(crate) fn unregister(&self, id: &str) -> bool {
        lock(&self.lanes)
            .iter()
            .any(|lane| lane.id() == id && lane.unregister())
    }

    /// The registered webhooks with their ids, in the order they were registered.
    pub(crate) fn webhooks(&self) -> Vec<(String, Webhook)> {
        self.registered()
            .iter()
            .map(|lane| (lane.id().to_owned(), lane.webhook().clone()))
            .collect()
    }

    fn registered(&self) -> Vec<Arc<Lane>> {
        lock(&self.lanes)
            .iter()
            .filter(|lane| lane.is_registered())
            .cloned()
            .collect()
    }

    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        self.log.all()
    }

    /// Each webhook's counts since the last reset, unregistered ones included, in the order
    /// they were registered.
    pub(crate) fn stats(&self) -> Vec<DeliveryStats> {
        lock(&self.lanes).iter().map(|lane| lane.stats()).collect()
    }

    /// Forgets webhooks, queued deliveries and the log; attempts in flight end when answered.
    pub(crate) fn reset(&self) {
        let lanes = std::mem::take(&mut *lock(&self.lanes));
        for lane in &lanes {
            lane.close();
        }
        self.log.clear();
    }

    /// Logs and queues each notification for every webhook subscribed to its trigger; returns
    /// at once (a full queue drops the callback rather than wait).
    pub(crate) fn post(&self, notifications: Vec<Notification>) {
        if notifications.is_empty() {
            return;
        }
        let lanes = self.registered();
        for notification in notifications {
            let mut body: Option<String> = None;
            for lane in subscribed(&lanes, &notification.trigger) {
                let body = body
                    .get_or_insert_with(|| {
                        notification
                            .envelope(&self.app_id, &self.project_id)
                            .to_string()
                    })
                    .clone();
                // A callback not queued is logged with the reason; nobody waits for it here.
                let _ = self.queue(lane, &notification.trigger, body);
            }
        }
    }

    /// Logs and queues `body`, as given, for every webhook subscribed to `trigger`, like
    /// [`post`](Self::post) does a notification's envelope: each such webhook's id, with `Err`
    /// and the reason when the callback was not queued for it (the reason is logged too).
    pub(crate) fn post_body(
        &self,
        trigger: &WebhookTrigger,
        body: &str,
    ) -> Vec<(String, Result<(), String>)> {
        let lanes = self.registered();
        subscribed(&lanes, trigger)
            .map(|lane| {
                let queued = self.queue(lane, trigger, body.to_owned());
                (lane.id().to_owned(), queued)
            })
            .collect()
    }

    /// Logs one delivery of `body` to `lane` and offers it to the lane's queue.
    fn queue(&self, lane: &Lane, trigger: &WebhookTrigger, body: String) -> Result<(), String> {
        let sequence = self.next_sequence.fetch_add(1, Ordering::Relaxed);
        self.log.insert(Delivery::new(
            sequence,
            lane.id().to_owned(),
            trigger.clone(),
            lane.webhook().target.clone(),
            body.clone(),
        ));
        lane.offer(sequence, Bytes::from(body))
    }

    /// Waits until no delivery is queued, in flight or waiting for a retry, at most `timeout`;
    /// whether that happened.
    pub(crate) async fn wait_idle(&self, timeout: Duration) -> bool {
        self.pending.wait_idle(timeout).await
    }
}

/// The lanes whose webhook is subscribed to `trigger`.
fn subscribed<'a>(
    lanes: &'a [Arc<Lane>],
    trigger: &'a WebhookTrigger,
) -> impl Iterator<Item = &'a Arc<Lane>> {
    lanes
        .iter()
        .filter(move |lane| lane.webhook().triggers.contains(trigger))
}
