//! Delivery: every callback is posted on a background task, signed afresh per attempt, retried
//! with doubling back-off on a non-2xx answer or none, and recorded in the delivery log.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{Method, Request, Uri, header};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use sinch_contacts_callbacks::signature_headers;
use sinch_contacts_model::WebhookTrigger;
use tokio::sync::Notify;

use super::{Notification, Webhook};
use crate::config::DeliveryPolicy;
use crate::ids::IdGenerator;
use crate::time::unix_seconds;

/// One callback to one webhook, as recorded in the delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Delivery {
    /// The delivery's number, increasing in the order callbacks were produced.
    pub sequence: u64,
    /// The webhook it goes to.
    pub webhook_id: String,
    /// The callback's trigger.
    pub trigger: WebhookTrigger,
    /// The URL it is posted to.
    pub target: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// The HTTP status of the last answer, if the last attempt got one.
    pub last_status: Option<u16>,
    /// Why the last attempt failed without an answer (connection refused, timeout, ...).
    pub last_error: Option<String>,
    /// Whether an attempt got a 2xx answer.
    pub delivered: bool,
    /// Whether no more attempts will be made (delivered, or out of attempts).
    pub finished: bool,
    /// The JSON body posted (the same bytes on every attempt).
    pub body: String,
}

/// A webhook as registered.
#[derive(Debug, Clone)]
struct Registered {
    id: String,
    webhook: Webhook,
}

/// Registered webhooks, the delivery log and the running deliveries.
#[derive(Debug)]
pub(crate) struct Outbox {
    app_id: String,
    project_id: String,
    policy: DeliveryPolicy,
    webhooks: Mutex<Vec<Registered>>,
    log: Mutex<BTreeMap<u64, Delivery>>,
    next_sequence: AtomicU64,
    pending: AtomicUsize,
    idle: Notify,
    ids: Mutex<IdGenerator>,
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
            webhooks: Mutex::new(Vec::new()),
            log: Mutex::new(BTreeMap::new()),
            next_sequence: AtomicU64::new(1),
            pending: AtomicUsize::new(0),
            idle: Notify::new(),
            ids: Mutex::new(IdGenerator::new(seed ^ 0x006E_6F6E_6365)),
        }
    }

    pub(crate) fn register(&self, webhook: Webhook) -> String {
        let id = lock(&self.ids).next_id();
        lock(&self.webhooks).push(Registered {
            id: id.clone(),
            webhook,
        });
        id
    }

    pub(crate) fn unregister(&self, id: &str) -> bool {
        let mut webhooks = lock(&self.webhooks);
        let before = webhooks.len();
        webhooks.retain(|registered| registered.id != id);
        webhooks.len() != before
    }

    pub(crate) fn webhooks(&self) -> Vec<(String, Webhook)> {
        lock(&self.webhooks)
            .iter()
            .map(|registered| (registered.id.clone(), registered.webhook.clone()))
            .collect()
    }

    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.log).values().cloned().collect()
    }

    /// Forgets webhooks and the log; deliveries still running stop at their next attempt.
    pub(crate) fn reset(&self) {
        lock(&self.webhooks).clear();
        lock(&self.log).clear();
    }

    /// Starts delivering each notification to every webhook subscribed to its trigger, on
    /// background tasks; returns at once.
    pub(crate) fn post(self: &Arc<Self>, notifications: Vec<Notification>) {
        if notifications.is_empty() {
            return;
        }
        let webhooks = lock(&self.webhooks).clone();
        for notification in notifications {
            let subscribed = webhooks
                .iter()
                .filter(|registered| registered.webhook.triggers.contains(&notification.trigger));
            for registered in subscribed {
                let body = notification
                    .envelope(&self.app_id, &self.project_id)
                    .to_string();
                let sequence = self.next_sequence.fetch_add(1, Ordering::Relaxed);
                lock(&self.log).insert(
                    sequence,
                    Delivery {
                        sequence,
                        webhook_id: registered.id.clone(),
                        trigger: notification.trigger.clone(),
                        target: registered.webhook.target.clone(),
                        attempts: 0,
                        last_status: None,
                        last_error: None,
                        delivered: false,
                        finished: false,
                        body: body.clone(),
                    },
                );
                let guard = PendingGuard::new(self.clone());
                let job = Job {
                    outbox: self.clone(),
                    sequence,
                    target: registered.webhook.target.clone(),
                    secret: registered.webhook.secret.clone(),
                    body: Bytes::from(body),
                };
                spawn(async move {
                    let _guard = guard;
                    job.run().await;
                });
            }
        }
    }

    /// Waits until no delivery is running, at most `timeout`; whether that happened.
    pub(crate) async fn wait_idle(&self, timeout: Duration) -> bool {
        let sleep = tokio::time::sleep(timeout);
        tokio::pin!(sleep);
        loop {
            let notified = self.idle.notified();
            if self.pending.load(Ordering::SeqCst) == 0 {
                return true;
            }
            tokio::select! {
                () = notified => {}
                () = &mut sleep => return self.pending.load(Ordering::SeqCst) == 0,
            }
        }
    }

    /// Updates the log entry of `sequence`; `false` when it is gone (the log was reset).
    fn record(&self, sequence: u64, update: impl FnOnce(&mut Delivery)) -> bool {
        match lock(&self.log).get_mut(&sequence) {
            Some(delivery) => {
                update(delivery);
                true
            }
            None => false,
        }
    }
}

/// Counts a running delivery until it is dropped (finished, or cancelled with its runtime).
struct PendingGuard {
    outbox: Arc<Outbox>,
}

impl PendingGuard {
    fn new(outbox: Arc<Outbox>) -> Self {
        outbox.pending.fetch_add(1, Ordering::SeqCst);
        Self { outbox }
    }
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        self.outbox.pending.fetch_sub(1, Ordering::SeqCst);
        self.outbox.idle.notify_waiters();
    }
}

/// Runs `task` on the current Tokio runtime, or on a thread of its own outside one.
fn spawn(task: impl Future<Output = ()> + Send + 'static) {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => {
            handle.spawn(task);
        }
        Err(_) => {
            std::thread::spawn(move || {
                // If no runtime can be built the task (and its pending guard) is dropped.
                if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    runtime.block_on(task);
                }
            });
        }
    }
}

/// One delivery's attempts.
struct Job {
    outbox: Arc<Outbox>,
    sequence: u64,
    target: String,
    secret: String,
    body: Bytes,
}

impl Job {
    async fn run(self) {
        let policy = self.outbox.policy;
        let uri = match self.target.parse::<Uri>() {
            Ok(uri) if uri.scheme_str() == Some("http") && uri.host().is_some() => uri,
            _ => {
                self.outbox.record(self.sequence, |delivery| {
                    delivery.last_error =
                        Some("the target is not an absolute http:// URL".to_owned());
                    delivery.finished = true;
                });
                return;
            }
        };
        // No pooling: deliveries are rare and a pooled connection could outlive its runtime.
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(0)
            .build_http();
        for attempt in 1..=policy.max_attempts {
            let outcome = self.attempt(&client, &uri, policy.attempt_timeout).await;
            let delivered = matches!(outcome, Ok(status) if (200..300).contains(&status));
            let last = attempt == policy.max_attempts;
            let still_logged = self.outbox.record(self.sequence, |delivery| {
                delivery.attempts = attempt;
                match &outcome {
                    Ok(status) => {
                        delivery.last_status = Some(*status);
                        delivery.last_error = None;
                    }
                    Err(error) => {
                        delivery.last_status = None;
                        delivery.last_error = Some(error.clone());
                    }
                }
                delivery.delivered = delivered;
                delivery.finished = delivered || last;
            });
            if delivered || last || !still_logged {
                return;
            }
            tokio::time::sleep(policy.backoff_after(attempt)).await;
        }
    }

    async fn attempt(
        &self,
        client: &Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
        uri: &Uri,
        timeout: Duration,
    ) -> Result<u16, String> {
        let nonce = lock(&self.outbox.ids).next_id();
        let timestamp = unix_seconds(SystemTime::now());
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(uri.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::USER_AGENT, "sinch-contacts-emulator");
        for (name, value) in
            signature_headers(self.secret.as_bytes(), &self.body, &nonce, timestamp)
        {
            builder = builder.header(name, value);
        }
        let request = builder
            .body(Full::new(self.body.clone()))
            .map_err(|error| format!("could not build the request: {error}"))?;
        match tokio::time::timeout(timeout, client.request(request)).await {
            Ok(Ok(response)) => Ok(response.status().as_u16()),
            Ok(Err(error)) => Err(describe(&error)),
            Err(_) => Err(format!("no answer within {} ms", timeout.as_millis())),
        }
    }
}

/// The error and its causes on one line.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
