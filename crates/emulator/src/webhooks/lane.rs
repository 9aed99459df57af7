//! One webhook's deliveries: a bounded first-in first-out queue in front of a bounded number of
//! attempts in flight. A delivery whose attempt failed waits for its back-off without holding a
//! slot, then queues again ahead of the callbacks not yet attempted.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use tokio::sync::{Notify, watch};

use super::attempt::Poster;
use super::log::DeliveryLog;
use super::pending::{Pending, PendingGuard};
use super::stats::DeliveryStats;
use super::webhook::Webhook;
use crate::config::DeliveryPolicy;
use crate::ids::IdGenerator;

/// A callback accepted for delivery, counted as pending until it is dropped.
#[derive(Debug)]
struct Job {
    sequence: u64,
    body: Bytes,
    attempts: u32,
    _pending: PendingGuard,
}

/// What the lane holds and has done, under one lock so that a snapshot adds up.
#[derive(Debug, Default)]
struct Tally {
    /// Callbacks not attempted yet, oldest first.
    fresh: VecDeque<Job>,
    /// Deliveries whose back-off is over, started before any fresh callback.
    retries: VecDeque<Job>,
    in_flight: usize,
    waiting_for_retry: usize,
    delivered: u64,
    failed: u64,
    dropped: u64,
    registered: bool,
    closed: bool,
}

/// One webhook with its queue, its delivery slots and its connection pool.
#[derive(Debug)]
pub(crate) struct Lane {
    id: String,
    webhook: Webhook,
    /// `Err` with the reason when no attempt can be made (the target is not an `http://` URL,
    /// or the delivery runtime could not start).
    poster: Result<Poster, String>,
    policy: DeliveryPolicy,
    log: Arc<DeliveryLog>,
    pending: Arc<Pending>,
    tally: Mutex<Tally>,
    /// Wakes the lane's starter: a callback was queued, a slot freed, or the lane closed.
    wake: Notify,
    /// Becomes `true` when the lane is closed (the emulator was reset).
    closed: watch::Sender<bool>,
}

impl Lane {
    pub(crate) fn new(
        id: String,
        webhook: Webhook,
        policy: DeliveryPolicy,
        log: Arc<DeliveryLog>,
        pending: Arc<Pending>,
        nonces: Arc<Mutex<IdGenerator>>,
        cannot_start: Option<String>,
    ) -> Self {
        let poster = match cannot_start {
            Some(reason) => Err(reason),
            None => Poster::new(
                &webhook.target,
                &webhook.secret,
                policy.attempt_timeout,
                policy.max_in_flight,
                nonces,
            ),
        };
        Self {
            id,
            webhook,
            poster,
            policy,
            log,
            pending,
            tally: Mutex::new(Tally {
                registered: true,
                ..Tally::default()
            }),
            wake: Notify::new(),
            closed: watch::Sender::new(false),
        }
    }

    fn tally(&self) -> MutexGuard<'_, Tally> {
        // A panic while holding the lock leaves plain counts behind; keep delivering.
        self.tally.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn webhook(&self) -> &Webhook {
        &self.webhook
    }

    pub(crate) fn is_registered(&self) -> bool {
        self.tally().registered
    }

    /// Stops taking new callbacks; whether it took them until now. Queued deliveries go on.
    pub(crate) fn unregister(&self) -> bool {
        std::mem::replace(&mut self.tally().registered, false)
    }

    /// Queues the callback logged as `sequence`, or, when the queue is full or no attempt can be
    /// made, logs why and counts it. Never waits. `Err` with the reason when it was not queued.
    pub(crate) fn offer(&self, sequence: u64, body: Bytes) -> Result<(), String> {
        let mut tally = self.tally();
        if tally.closed {
            // Reset while the callback was being posted: the log was (or is about to be)
            // cleared, and the entry goes with it.
            drop(tally);
            self.log.remove(sequence);
            return Err("not sent: the emulator was reset".to_owned());
        }
        let (reason, dropped) = match &self.poster {
            Err(reason) => {
                tally.failed += 1;
                (reason.clone(), false)
            }
            Ok(_) if tally.fresh.len() >= self.policy.queue_capacity => {
                tally.dropped += 1;
                let waiting = tally.fresh.len();
                (
                    format!("dropped: the webhook's queue was full ({waiting} callbacks waiting)"),
                    true,
                )
            }
            Ok(_) => {
                tally.fresh.push_back(Job {
                    sequence,
                    body,
                    attempts: 0,
                    _pending: self.pending.start(),
                });
                let slot_free = tally.in_flight < self.policy.max_in_flight;
                drop(tally);
                // With every slot taken, the attempt that frees one wakes the starter.
                if slot_free {
                    self.wake.notify_one();
                }
                return Ok(());
            }
        };
        drop(tally);
        self.log.update(sequence, |delivery| {
            delivery.last_error = Some(reason.clone());
            delivery.dropped = dropped;
            delivery.finished = true;
        });
        Err(reason)
    }

    /// Where the lane's deliveries stand.
    pub(crate) fn stats(&self) -> DeliveryStats {
        let tally = self.tally();
        DeliveryStats {
            webhook_id: self.id.clone(),
            target: self.webhook.target.clone(),
            registered: tally.registered,
            queued: tally.fresh.len() + tally.retries.len(),
            in_flight: tally.in_flight,
            waiting_for_retry: tally.waiting_for_retry,
            delivered: tally.delivered,
            failed: tally.failed,
            dropped: tally.dropped,
        }
    }

    /// Forgets every queued delivery and stops the lane: deliveries waiting for a retry end,
    /// attempts in flight end when they are answered.
    pub(crate) fn close(&self) {
        let discarded = {
            let mut tally = self.tally();
            tally.closed = true;
            (
                std::mem::take(&mut tally.fresh),
                std::mem::take(&mut tally.retries),
            )
        };
        drop(discarded);
        self.closed.send_replace(true);
        self.wake.notify_one();
    }

    /// Starts queued deliveries, oldest first and retries before fresh callbacks, whenever a
    /// slot is free, until the lane is closed. Runs on the delivery runtime.
    pub(crate) async fn run(self: Arc<Self>) {
        while let Some(job) = self.next_start().await {
            tokio::spawn(self.clone().attempt(job));
        }
    }

    /// The next delivery to start, once a slot is free (taken for it); `None` once closed.
    async fn next_start(&self) -> Option<Job> {
        loop {
            {
                let mut tally = self.tally();
                if tally.closed {
                    return None;
                }
                if tally.in_flight < self.policy.max_in_flight {
                    let next = match tally.retries.pop_front() {
                        Some(retry) => Some(retry),
                        None => tally.fresh.pop_front(),
                    };
                    if let Some(job) = next {
                        tally.in_flight += 1;
                        return Some(job);
                    }
                }
            }
            // A wake-up sent since the lock was released is kept for this wait.
            self.wake.notified().await;
        }
    }

    /// One attempt of `job` in its slot, then, if it failed and attempts are left, the back-off
    /// outside the slot and back to the queue.
    async fn attempt(self: Arc<Self>, mut job: Job) {
        let outcome = match &self.poster {
            Ok(poster) => poster.post(&job.body).await,
            Err(reason) => Err(reason.clone()),
        };
        job.attempts += 1;
        let delivered = matches!(outcome, Ok(status) if (200..300).contains(&status));
        let last = job.attempts >= self.policy.max_attempts;
        let still_logged = self.log.update(job.sequence, |delivery| {
            delivery.attempts = job.attempts;
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
        let retry = !delivered && !last && still_logged;
        let queued = {
            let mut tally = self.tally();
            tally.in_flight -= 1;
            if delivered {
                tally.delivered += 1;
            } else if retry {
                tally.waiting_for_retry += 1;
            } else {
                tally.failed += 1;
            }
            !tally.fresh.is_empty() || !tally.retries.is_empty()
        };
        // With nothing queued, the next callback queued wakes the starter.
        if queued {
            self.wake.notify_one();
        }
        if retry {
            self.retry_after_backoff(job).await;
        }
    }

    /// Waits for the back-off after the job's last attempt, then queues it for a slot; a lane
    /// closed meanwhile forgets it at once.
    async fn retry_after_backoff(&self, job: Job) {
        let mut closed = self.closed.subscribe();
        let backoff = self.policy.backoff_after(job.attempts);
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            _ = closed.wait_for(|closed| *closed) => {}
        }
        let mut tally = self.tally();
        tally.waiting_for_retry -= 1;
        // Closed (during the back-off or since): the job ends here.
        if tally.closed {
            return;
        }
        tally.retries.push_back(job);
        let slot_free = tally.in_flight < self.policy.max_in_flight;
        drop(tally);
        if slot_free {
            self.wake.notify_one();
        }
    }
}
