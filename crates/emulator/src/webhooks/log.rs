//! The delivery log: one [`Delivery`] per callback and webhook, kept until the emulator is reset.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use sinch_contacts_model::WebhookTrigger;

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
    /// Why the last attempt failed without an answer (connection refused, timeout, ...), or why
    /// no attempt was made (the webhook's queue was full, the target is not an `http://` URL).
    pub last_error: Option<String>,
    /// Whether an attempt got a 2xx answer.
    pub delivered: bool,
    /// Whether no more attempts will be made (delivered, out of attempts, or dropped).
    pub finished: bool,
    /// Whether the callback was dropped without an attempt because the webhook's queue was full
    /// ([`DeliveryPolicy::queue_capacity`](crate::DeliveryPolicy::queue_capacity)).
    pub dropped: bool,
    /// The JSON body posted (the same bytes on every attempt).
    pub body: String,
}

impl Delivery {
    /// A delivery not attempted yet.
    pub(crate) fn new(
        sequence: u64,
        webhook_id: String,
        trigger: WebhookTrigger,
        target: String,
        body: String,
    ) -> Self {
        Self {
            sequence,
            webhook_id,
            trigger,
            target,
            attempts: 0,
            last_status: None,
            last_error: None,
            delivered: false,
            finished: false,
            dropped: false,
            body,
        }
    }
}

/// Every delivery by sequence.
#[derive(Debug, Default)]
pub(crate) struct DeliveryLog {
    entries: Mutex<BTreeMap<u64, Delivery>>,
}

impl DeliveryLog {
    fn entries(&self) -> MutexGuard<'_, BTreeMap<u64, Delivery>> {
        // A panic while holding the lock leaves plain data behind; keep serving.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn insert(&self, delivery: Delivery) {
        self.entries().insert(delivery.sequence, delivery);
    }

    /// Updates the entry of `sequence`; `false` when it is gone (the log was reset).
    pub(crate) fn update(&self, sequence: u64, change: impl FnOnce(&mut Delivery)) -> bool {
        match self.entries().get_mut(&sequence) {
            Some(delivery) => {
                change(delivery);
                true
            }
            None => false,
        }
    }

    /// Forgets the entry of `sequence`.
    pub(crate) fn remove(&self, sequence: u64) {
        self.entries().remove(&sequence);
    }

    /// The log, oldest first.
    pub(crate) fn all(&self) -> Vec<Delivery> {
        self.entries().values().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.entries().clear();
    }
}
