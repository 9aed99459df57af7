//! [`Bulk`], the runner, and [`BulkRun`], the stream of one run.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use sinch_contacts_model::ContactCreateRequest;

use super::attempt::Attempt;
use super::options::BulkOptions;
use super::outcome::{JobResult, Stopped};
use super::safe_create::{CreateJob, create_attempt};
use super::scheduler::{Operation, Replay, Scheduler, Time};
use crate::client::{ContactsClient, SafeCreateOptions, SafeCreated};
use crate::config::ConfigError;
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::runtime::Sleep;

/// Runs many independent operations (creates, gets, updates, deletes, or
/// any `async` closure over the client) as fast as the server accepts them.
///
/// See the [module documentation](crate::bulk) for the algorithm and an
/// example.
#[derive(Debug, Clone)]
pub struct Bulk {
    client: ContactsClient,
    options: BulkOptions,
    sleep: Arc<dyn Sleep>,
}

impl Bulk {
    /// A runner over `client` (its transport, credentials, clock, sleeper
    /// and jitter; its retry policy is replaced by one attempt per call).
    ///
    /// Fails with [`ConfigError::MissingSleep`] when the client has no
    /// sleeper (no `tokio` feature and none given): the runner waits
    /// between requests.
    pub fn new(client: &ContactsClient, options: BulkOptions) -> Result<Self, ConfigError> {
        let sleep = client
            .engine()
            .sleep
            .clone()
            .ok_or(ConfigError::MissingSleep)?;
        Ok(Self {
            client: client.with_retry_policy(RetryPolicy::disabled()),
            options,
            sleep,
        })
    }

    /// The options of the runs.
    pub fn options(&self) -> &BulkOptions {
        &self.options
    }

    /// The client the runs call through (one attempt per call).
    pub(crate) fn client(&self) -> &ContactsClient {
        &self.client
    }

    /// Runs `operation` once per job of `jobs` (a stream of `(key, input)`;
    /// `futures_util::stream::iter` makes one of an iterator), returning
    /// the results as they complete.
    ///
    /// Each attempt calls `operation(attempt, input.clone())`; the
    /// [`Attempt`]'s client makes one request per call. A failed attempt is
    /// tried again (after its wait, holding no place in flight) only when
    /// it failed for a passing reason (429, 5xx but 501, timeout, I/O or
    /// connect error) and the safety rules allow repeating every request it
    /// sent: a `POST` or `PATCH` is repeated only after a 429 or a connect
    /// error, never after an answer that leaves open whether it was
    /// applied. For creates, use [`create_safe`](Self::create_safe).
    ///
    /// Jobs are taken from `jobs` only as room frees up, so memory is
    /// bounded by [`BulkOptions::max_held_jobs`], not by the number of jobs.
    /// A stream that says how many jobs it still holds at most (the upper
    /// bound of its `size_hint`, as `stream::iter` over a `Vec` does) lets
    /// a run under a quota pace its last requests with a margin, so that a
    /// 429 there does not add its `Retry-After` to the run; a stream that
    /// does not say is paced as usual to its end.
    pub fn run<K, I, T, S, F, Fut>(&self, jobs: S, operation: F) -> BulkRun<K, T>
    where
        K: Send + 'static,
        I: Clone + Send + 'static,
        T: Send + 'static,
        S: Stream<Item = (K, I)> + Send + 'static,
        F: Fn(Attempt, I) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
    {
        let operation: Operation<I, T> =
            Box::new(move |attempt, input| Box::pin(operation(attempt, input)));
        self.start(Box::pin(jobs), operation, Replay::Never)
    }

    /// [`run`](Self::run) for operations whose repetition has the effect of
    /// doing them once: an update setting fields to values (the same patch
    /// applied twice leaves the contact as once), a delete. Never a create
    /// (use [`create_safe`](Self::create_safe)) nor a merge.
    ///
    /// A failed attempt is tried again for the same passing reasons as in
    /// [`run`](Self::run), and also when it may have acted: a `PATCH`
    /// answered 5xx, timed out, cut off, or answered 2xx with a body that
    /// did not decode is sent again, since sending it again cannot change
    /// more than it did. A job given up after such an attempt says so
    /// ([`JobError::may_have_acted`](crate::JobError::may_have_acted)):
    /// whoever resumes later should check the contact.
    pub fn run_repeatable<K, I, T, S, F, Fut>(&self, jobs: S, operation: F) -> BulkRun<K, T>
    where
        K: Send + 'static,
        I: Clone + Send + 'static,
        T: Send + 'static,
        S: Stream<Item = (K, I)> + Send + 'static,
        F: Fn(Attempt, I) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
    {
        let operation: Operation<I, T> =
            Box::new(move |attempt, input| Box::pin(operation(attempt, input)));
        self.start(Box::pin(jobs), operation, Replay::Repeat)
    }

    /// Creates the contact of each job, safely repeated: the bulk form of
    /// [`ContactsClient::create_safe_with`].
    ///
    /// Each attempt sends one create. After an answer that leaves open
    /// whether the contact was created (a timeout, an I/O error, a 5xx, a
    /// 2xx whose body did not decode), the
    /// job is *in doubt*: it waits its turn like any retry, and its next
    /// attempt looks the contact up by external id first, returning it as
    /// [`SafeCreateOutcome::Recovered`](crate::SafeCreateOutcome::Recovered)
    /// when found and creating it otherwise. A 429 or a connect error created
    /// nothing and is simply retried.
    ///
    /// From `options`: [`lookup_first`](SafeCreateOptions::lookup_first)
    /// looks every contact up before creating it (resuming an import);
    /// [`max_rounds`](SafeCreateOptions::max_rounds) is how many creates
    /// with an unclear answer a job may send before it is given up as
    /// [`JobErrorKind::Unsafe`](crate::JobErrorKind::Unsafe). The pauses of
    /// `options` are replaced by the run's back-off.
    pub fn create_safe<K, S>(&self, jobs: S, options: SafeCreateOptions) -> BulkRun<K, SafeCreated>
    where
        K: Send + 'static,
        S: Stream<Item = (K, ContactCreateRequest)> + Send + 'static,
    {
        let lookup_first = options.looks_up_first();
        let operation: Operation<ContactCreateRequest, SafeCreated> =
            Box::new(move |attempt, request| {
                Box::pin(create_attempt(attempt, request, lookup_first))
            });
        let replay = Replay::LookUpFirst {
            max_doubtful: options.max_rounds(),
        };
        self.start(Box::pin(jobs), operation, replay)
    }

    /// [`create_safe`](Self::create_safe) with a choice per job: a
    /// [`CreateJob`] says whether its contact is looked up by external id
    /// before its first create (on top of
    /// [`lookup_first`](SafeCreateOptions::lookup_first), which looks up
    /// every job first). A resumed import looks up only the rows an
    /// earlier run may have sent.
    pub fn create_safe_jobs<K, S>(
        &self,
        jobs: S,
        options: SafeCreateOptions,
    ) -> BulkRun<K, SafeCreated>
    where
        K: Send + 'static,
        S: Stream<Item = (K, CreateJob)> + Send + 'static,
    {
        let lookup_first = options.looks_up_first();
        let operation: Operation<CreateJob, SafeCreated> = Box::new(move |attempt, job| {
            let (request, look_up_first) = job.into_parts();
            Box::pin(create_attempt(
                attempt,
                request,
                lookup_first || look_up_first,
            ))
        });
        let replay = Replay::LookUpFirst {
            max_doubtful: options.max_rounds(),
        };
        self.start(Box::pin(jobs), operation, replay)
    }

    fn start<K, I, T>(
        &self,
        jobs: Pin<Box<dyn Stream<Item = (K, I)> + Send>>,
        operation: Operation<I, T>,
        replay: Replay,
    ) -> BulkRun<K, T>
    where
        K: Send + 'static,
        I: Clone + Send + 'static,
        T: Send + 'static,
    {
        let engine = self.client.engine();
        let time = Time {
            clock: engine.clock.clone(),
            sleep: self.sleep.clone(),
            jitter: engine.jitter.clone(),
        };
        BulkRun {
            inner: Box::pin(Scheduler::new(
                self.client.clone(),
                &self.options,
                time,
                jobs,
                operation,
                replay,
            )),
        }
    }
}

/// The results of one run, in completion order: one
/// `Ok(`[`JobResult`]`)` per job taken, then, if a systemic failure stopped
/// the run, one `Err(`[`Stopped`]`)` as the last item.
///
/// Dropping it cancels the run: attempts in flight are dropped.
pub struct BulkRun<K, T> {
    inner: Pin<Box<dyn Stream<Item = RunItem<K, T>> + Send>>,
}

/// An item of a [`BulkRun`].
type RunItem<K, T> = Result<JobResult<K, T>, Stopped>;

impl<K, T> fmt::Debug for BulkRun<K, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkRun").finish_non_exhaustive()
    }
}

impl<K, T> Stream for BulkRun<K, T> {
    type Item = RunItem<K, T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}
