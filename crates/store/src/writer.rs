//! Group commit: every write of a store goes through one bounded queue to its writer threads,
//! and each writer applies what is queued as one transaction.
//!
//! A caller's `apply` puts a job on the queue and waits for its answer. The job is owned by the
//! writer from then on: if the caller goes away (an HTTP client that disconnected, a timeout),
//! the writer still commits or rolls back the whole transaction, and the connection is left
//! clean. A writer takes the first job waiting and every job queued behind it, up to
//! [`StoreOptions::max_group`] deliveries, and applies them in queue order in one transaction;
//! each caller is answered only after that transaction committed. When the group's transaction
//! fails, each job of it is retried alone, so one job that the database refuses does not fail
//! the others. When the queue is full, `apply` fails at once with
//! [`StoreErrorKind::Overloaded`] rather than waiting or buffering without limit.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::{oneshot, watch};

use sinch_contacts_callbacks::Callback;
use sinch_contacts_callbacks::store::{Applied, DeliveryId, StoreError, StoreErrorKind};

use crate::options::StoreOptions;
use crate::plan::Unit;
use crate::stats::{LatencyHistogram, WriterStats};

/// A backend's way of applying one group of units in one transaction, on a writer thread.
pub(crate) trait GroupBackend: Send + 'static {
    /// Applies `group` in order, all in one transaction: every unit's results, or an error and
    /// nothing committed (the connection is left outside any transaction).
    fn apply_group(&mut self, group: &[&Unit]) -> Result<Vec<Vec<Applied>>, StoreError>;
}

/// One `apply` or `apply_batch` waiting for a writer.
#[derive(Debug)]
struct Job {
    deliveries: Vec<(DeliveryId, Callback)>,
    reply: oneshot::Sender<Result<Vec<Applied>, StoreError>>,
    queued_at: Instant,
}

/// What the writers and the callers share.
#[derive(Debug, Default)]
struct Counters {
    queued: AtomicUsize,
    taken: AtomicUsize,
    groups: AtomicU64,
    fresh: AtomicU64,
    already_applied: AtomicU64,
    failed: AtomicU64,
    rejected: AtomicU64,
    latency: Mutex<LatencyHistogram>,
}

/// The queue in front of a store's writer threads.
#[derive(Debug)]
pub(crate) struct Writer {
    sender: RwLock<Option<mpsc::SyncSender<Job>>>,
    counters: Arc<Counters>,
    capacity: usize,
    /// Closed when the last writer thread ends (each holds a sender).
    finished: watch::Receiver<()>,
}

impl Writer {
    /// Starts one writer thread per backend, named `name`.
    pub(crate) fn start<B: GroupBackend>(
        name: &str,
        backends: Vec<B>,
        options: &StoreOptions,
    ) -> Result<Self, StoreError> {
        let (sender, receiver) = mpsc::sync_channel(options.queue_capacity_value());
        let receiver = Arc::new(Mutex::new(receiver));
        let counters = Arc::new(Counters::default());
        let (alive, finished) = watch::channel(());
        for (index, backend) in backends.into_iter().enumerate() {
            let receiver = receiver.clone();
            let counters = counters.clone();
            let alive = alive.clone();
            let max_group = options.max_group_value();
            let gather = options.gather_value();
            std::thread::Builder::new()
                .name(format!("{name}-{index}"))
                .spawn(move || {
                    // Dropped when the thread ends, even by a panic.
                    let _alive = alive;
                    writer_loop(backend, &receiver, &counters, max_group, gather);
                })
                .map_err(|error| {
                    StoreError::new(
                        StoreErrorKind::Unavailable,
                        "starting a writer thread",
                        error,
                    )
                })?;
        }
        Ok(Self {
            sender: RwLock::new(Some(sender)),
            counters,
            capacity: options.queue_capacity_value(),
            finished,
        })
    }

    /// Applies one delivery (a job of one).
    pub(crate) async fn apply(
        &self,
        delivery: &DeliveryId,
        callback: &Callback,
    ) -> Result<Applied, StoreError> {
        let mut applied = self
            .submit(vec![(delivery.clone(), callback.clone())])
            .await?;
        Ok(applied.pop().unwrap_or(Applied::AlreadyApplied))
    }

    /// Applies several deliveries as one job (one transaction); nothing for none.
    pub(crate) async fn apply_batch(
        &self,
        deliveries: &[(DeliveryId, Callback)],
    ) -> Result<Vec<Applied>, StoreError> {
        if deliveries.is_empty() {
            return Ok(Vec::new());
        }
        self.submit(deliveries.to_vec()).await
    }

    /// Queues `deliveries` as one unit and waits until it is committed (or failed).
    pub(crate) async fn submit(
        &self,
        deliveries: Vec<(DeliveryId, Callback)>,
    ) -> Result<Vec<Applied>, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            deliveries,
            reply,
            queued_at: Instant::now(),
        };
        {
            let sender = self.sender.read().unwrap_or_else(PoisonError::into_inner);
            let Some(sender) = sender.as_ref() else {
                return Err(closed());
            };
            // Counted before it is sent, so the writer never takes it before it is counted.
            self.counters.queued.fetch_add(1, Ordering::Relaxed);
            let sent = sender.try_send(job);
            if sent.is_err() {
                self.counters.queued.fetch_sub(1, Ordering::Relaxed);
            }
            match sent {
                Ok(()) => {}
                Err(mpsc::TrySendError::Full(_)) => {
                    self.counters.rejected.fetch_add(1, Ordering::Relaxed);
                    return Err(StoreError::new(
                        StoreErrorKind::Overloaded,
                        "queueing a delivery",
                        format!("the writer's queue is full ({} waiting)", self.capacity),
                    ));
                }
                Err(mpsc::TrySendError::Disconnected(_)) => return Err(closed()),
            }
        }
        answer.await.map_err(|_| {
            StoreError::new(
                StoreErrorKind::Unavailable,
                "waiting for the writer",
                "the writer stopped before answering",
            )
        })?
    }

    /// Stops taking jobs, lets the writers finish every job already queued, and waits for them.
    pub(crate) async fn close(&self) {
        drop(
            self.sender
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        let mut finished = self.finished.clone();
        // Nothing is ever sent: this returns when the last writer thread has ended.
        let _ = finished.changed().await;
    }

    /// How many jobs writers have taken from the queue so far (the tests' view of progress).
    #[cfg(test)]
    fn taken(&self) -> usize {
        self.counters.taken.load(Ordering::Relaxed)
    }

    /// Whether `close` was called.
    pub(crate) fn is_closed(&self) -> bool {
        self.sender
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none()
    }

    /// The counters now.
    pub(crate) fn stats(&self) -> WriterStats {
        let counters = &self.counters;
        let queued = counters.queued.load(Ordering::Relaxed).min(self.capacity);
        WriterStats {
            queued,
            capacity: self.capacity,
            groups: counters.groups.load(Ordering::Relaxed),
            fresh: counters.fresh.load(Ordering::Relaxed),
            already_applied: counters.already_applied.load(Ordering::Relaxed),
            failed: counters.failed.load(Ordering::Relaxed),
            rejected: counters.rejected.load(Ordering::Relaxed),
            commit_latency: counters
                .latency
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }
}

fn closed() -> StoreError {
    StoreError::new(
        StoreErrorKind::Unavailable,
        "queueing a delivery",
        "the store is closed",
    )
}

/// Takes groups from the queue until it is closed and empty.
fn writer_loop<B: GroupBackend>(
    mut backend: B,
    receiver: &Mutex<mpsc::Receiver<Job>>,
    counters: &Counters,
    max_group: usize,
    gather: Duration,
) {
    let mut previous = 1;
    while let Some(jobs) = next_group(receiver, counters, max_group, previous, gather) {
        previous = jobs.iter().map(|job| job.deliveries.len()).sum();
        run_group(&mut backend, jobs, counters);
    }
}

/// The first job waiting and those queued behind it, up to `max_group` deliveries; `None` once
/// the queue is closed and empty.
///
/// When the previous group held several deliveries (callers are sending concurrently) and
/// fewer are queued now, waits up to `gather` for as many as the previous group held: the
/// callers answered by the previous commit are sending their next deliveries, and one commit
/// for all of them costs less than one each. A lone caller (previous group of one) never waits.
fn next_group(
    receiver: &Mutex<mpsc::Receiver<Job>>,
    counters: &Counters,
    max_group: usize,
    previous: usize,
    gather: Duration,
) -> Option<Vec<Job>> {
    let receiver = receiver.lock().unwrap_or_else(PoisonError::into_inner);
    let mut jobs = Vec::new();
    let mut size = 0;
    let mut take = |job: Job, size: &mut usize| {
        counters.queued.fetch_sub(1, Ordering::Relaxed);
        counters.taken.fetch_add(1, Ordering::Relaxed);
        *size += job.deliveries.len();
        jobs.push(job);
    };
    take(receiver.recv().ok()?, &mut size);
    while size < max_group {
        match receiver.try_recv() {
            Ok(job) => take(job, &mut size),
            Err(_) => break,
        }
    }
    // After a group of one (a lone caller), `enough` is one and nothing is waited for.
    let enough = previous.min(max_group);
    let deadline = Instant::now() + gather;
    while size < enough {
        let left = deadline.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(left) {
            Ok(job) => take(job, &mut size),
            Err(_) => break,
        }
    }
    Some(jobs)
}

/// Applies `jobs` as one group; when that fails, each job alone.
fn run_group<B: GroupBackend>(backend: &mut B, jobs: Vec<Job>, counters: &Counters) {
    let units: Vec<&Unit> = jobs.iter().map(|job| job.deliveries.as_slice()).collect();
    let outcome = backend.apply_group(&units);
    drop(units);
    match outcome {
        Ok(results) => {
            counters.groups.fetch_add(1, Ordering::Relaxed);
            let finished = Instant::now();
            for (job, applied) in jobs.into_iter().zip(results) {
                answer(job, Ok(applied), finished, counters);
            }
        }
        Err(error) if jobs.len() == 1 => {
            if let Some(job) = jobs.into_iter().next() {
                answer(job, Err(error), Instant::now(), counters);
            }
        }
        Err(_) => {
            for job in jobs {
                let alone = backend
                    .apply_group(&[job.deliveries.as_slice()])
                    .map(|mut results| results.pop().unwrap_or_default());
                if alone.is_ok() {
                    counters.groups.fetch_add(1, Ordering::Relaxed);
                }
                answer(job, alone, Instant::now(), counters);
            }
        }
    }
}

/// Counts what `job` did and answers its caller (who may have gone away: the work is done).
fn answer(
    job: Job,
    outcome: Result<Vec<Applied>, StoreError>,
    finished: Instant,
    counters: &Counters,
) {
    match &outcome {
        Ok(results) => {
            let fresh = results
                .iter()
                .filter(|applied| matches!(applied, Applied::Fresh { .. }))
                .count();
            counters.fresh.fetch_add(as_u64(fresh), Ordering::Relaxed);
            counters
                .already_applied
                .fetch_add(as_u64(results.len() - fresh), Ordering::Relaxed);
            counters
                .latency
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .record(finished.saturating_duration_since(job.queued_at));
        }
        Err(_) => {
            counters
                .failed
                .fetch_add(as_u64(job.deliveries.len()), Ordering::Relaxed);
        }
    }
    let _ = job.reply.send(outcome);
}

fn as_u64(count: usize) -> u64 {
    u64::try_from(count).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
