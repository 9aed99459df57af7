//! [`Scheduler`]: the state machine behind a bulk run's stream.
//!
//! One task polls it. It takes a job from the input only when the
//! concurrency limit leaves room and fewer than `max_held_jobs` are held;
//! starts each attempt when the pacer allows; turns each finished attempt
//! into a result, a retry (the job waits in a timer, holding no place in
//! flight) or a stop; and feeds what the answer said about the server's
//! load to the limiter and the pacer.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use futures_core::Stream;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use super::attempt::Attempt;
use super::backoff::{backoff_step, retry_delay};
use super::limiter::ConcurrencyLimiter;
use super::options::BulkOptions;
use super::outcome::{JobError, JobErrorKind, JobResult, StopReason, Stopped};
use super::pacer::{Answer, Pacer};
use super::verdict::{Signal, Verdict, is_connect_error, judge, signal};
use crate::client::{ContactsClient, may_have_created};
use crate::effects::{EffectLog, Effects};
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::runtime::{Clock, Jitter, Sleep, SleepFuture};

/// A boxed future of one attempt's result.
pub(crate) type AttemptFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;
/// An operation, boxed: one attempt of a job from its input.
pub(crate) type Operation<I, T> = Box<dyn Fn(Attempt, I) -> AttemptFuture<T> + Send>;
/// The jobs, boxed.
pub(crate) type Jobs<K, I> = Pin<Box<dyn Stream<Item = (K, I)> + Send>>;

/// Whether a job whose attempt may have acted is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Never: such a job is given up as [`JobErrorKind::Unsafe`].
    Never,
    /// Yes, in doubt (the operation looks up before acting again), until
    /// `max_doubtful` attempts may have acted.
    LookUpFirst { max_doubtful: u32 },
    /// Yes: repeating the operation has the effect of doing it once (an
    /// update setting fields to values), so what an attempt may have done
    /// does not stop the next.
    Repeat,
}

/// What the run keeps of a job between attempts.
struct Job<K, I> {
    key: K,
    input: I,
    attempts: u32,
    doubtful: u32,
    last_error: Option<Error>,
}

impl<K, I> Job<K, I> {
    fn new(key: K, input: I) -> Self {
        Self {
            key,
            input,
            attempts: 0,
            doubtful: 0,
            last_error: None,
        }
    }

    fn in_doubt(&self) -> bool {
        self.doubtful > 0
    }
}

/// An attempt that ended.
struct Finished<K, I, T> {
    job: Job<K, I>,
    started: Instant,
    result: Result<T, Error>,
    effects: Effects,
}

type FinishedFuture<K, I, T> = Pin<Box<dyn Future<Output = Finished<K, I, T>> + Send>>;
type WaitFuture = Pin<Box<dyn Future<Output = u64> + Send>>;

/// The injected time and randomness of a run.
pub(crate) struct Time {
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sleep: Arc<dyn Sleep>,
    pub(crate) jitter: Arc<dyn Jitter>,
}

/// The state of one bulk run.
pub(crate) struct Scheduler<K, I, T> {
    jobs: Jobs<K, I>,
    jobs_done: bool,
    operation: Operation<I, T>,
    replay: Replay,
    client: ContactsClient,
    retry: RetryPolicy,
    connect_failures_to_stop: u32,
    max_held: usize,
    time: Time,
    limiter: ConcurrencyLimiter,
    pacer: Pacer,
    /// The pacer's wait in progress and when it ends.
    pacer_sleep: Option<(Instant, SleepFuture)>,
    in_flight: FuturesUnordered<FinishedFuture<K, I, T>>,
    waits: FuturesUnordered<WaitFuture>,
    waiting: HashMap<u64, Job<K, I>>,
    next_wait: u64,
    ready: VecDeque<Job<K, I>>,
    output: VecDeque<JobResult<K, T>>,
    connect_streak: u32,
    /// Failed answers (5xx, timeouts, connections) since the last served.
    failure_streak: u32,
    stopped: Option<Stopped>,
    finished: bool,
}

impl<K, I, T> Scheduler<K, I, T>
where
    K: Send + 'static,
    I: Clone + Send + 'static,
    T: Send + 'static,
{
    /// A run of `operation` over `jobs`; `client` makes one request per call.
    pub(crate) fn new(
        client: ContactsClient,
        options: &BulkOptions,
        time: Time,
        jobs: Jobs<K, I>,
        operation: Operation<I, T>,
        replay: Replay,
    ) -> Self {
        let now = time.clock.now();
        let keep_late = time.sleep.pace_lateness();
        Self {
            jobs,
            jobs_done: false,
            operation,
            replay,
            client,
            retry: options.retry().clone(),
            connect_failures_to_stop: options.connect_failures_to_stop(),
            max_held: options.max_held_jobs(),
            time,
            limiter: ConcurrencyLimiter::new(
                options.min_concurrency(),
                options.initial_concurrency(),
                options.max_concurrency(),
            ),
            pacer: Pacer::new(options.initial_rate(), options.max_rate(), now)
                .keeping_late(keep_late),
            pacer_sleep: None,
            in_flight: FuturesUnordered::new(),
            waits: FuturesUnordered::new(),
            waiting: HashMap::new(),
            next_wait: 0,
            ready: VecDeque::new(),
            output: VecDeque::new(),
            connect_streak: 0,
            failure_streak: 0,
            stopped: None,
            finished: false,
        }
    }

    /// Jobs taken from the input and not finished: in flight, waiting to
    /// retry, or ready to start.
    fn held(&self) -> usize {
        self.in_flight.len() + self.waiting.len() + self.ready.len()
    }

    /// The jobs left to start: waiting to retry, ready, and still in the
    /// input, if the input says how many it holds at most (its size hint's
    /// upper bound); `None` if it does not.
    fn jobs_left(&self) -> Option<usize> {
        let upcoming = if self.jobs_done {
            Some(0)
        } else {
            self.jobs.size_hint().1
        };
        upcoming.map(|upcoming| upcoming.saturating_add(self.ready.len() + self.waiting.len()))
    }

    /// Starts attempts while the limit, the pacer and the input allow;
    /// returns whether anything changed.
    fn launch(&mut self, cx: &mut Context<'_>) -> bool {
        let mut progressed = false;
        while self.in_flight.len() < self.limiter.limit() {
            if self.ready.is_empty() {
                if self.jobs_done || self.held() >= self.max_held {
                    break;
                }
                match self.jobs.as_mut().poll_next(cx) {
                    Poll::Ready(Some((key, input))) => self.ready.push_back(Job::new(key, input)),
                    Poll::Ready(None) => {
                        self.jobs_done = true;
                        progressed = true;
                        break;
                    }
                    Poll::Pending => break,
                }
                progressed = true;
            }
            let now = self.time.clock.now();
            self.pacer.set_left(self.jobs_left());
            if let Some(wait) = self.pacer.wait(now) {
                // The rate may have grown since the wait began: a wait
                // ending earlier replaces it.
                let until = now + wait;
                if self
                    .pacer_sleep
                    .as_ref()
                    .is_none_or(|(end, _)| until < *end)
                {
                    self.pacer_sleep = Some((until, self.time.sleep.pace(wait)));
                }
                let (_, sleep) = self.pacer_sleep.as_mut().expect("set above");
                if sleep.as_mut().poll(cx).is_pending() {
                    break;
                }
                self.pacer_sleep = None;
                continue;
            }
            self.pacer_sleep = None;
            if let Some(job) = self.ready.pop_front() {
                self.pacer.start(now);
                self.start(job, now);
                progressed = true;
            }
        }
        progressed
    }

    fn start(&mut self, mut job: Job<K, I>, now: Instant) {
        job.attempts += 1;
        let effects = Arc::new(EffectLog::default());
        let attempt = Attempt::new(
            self.client.recording_effects(effects.clone()),
            job.attempts,
            job.in_doubt(),
        );
        let attempt = (self.operation)(attempt, job.input.clone());
        self.in_flight.push(Box::pin(async move {
            let result = attempt.await;
            Finished {
                job,
                started: now,
                result,
                effects: effects.effects(),
            }
        }));
    }

    /// Learns from an attempt's answer and decides what becomes of its job.
    fn finish(&mut self, finished: Finished<K, I, T>) {
        let now = self.time.clock.now();
        let in_flight = self.in_flight.len() + 1;
        let answer = signal(&finished.result);
        self.learn(answer, finished.started, now, in_flight);
        let mut job = finished.job;
        let error = match finished.result {
            Ok(output) => return self.report(job, Ok(output)),
            Err(error) => error,
        };
        let acted = finished.effects.may_have_acted;
        let judged = match self.replay {
            Replay::Never => finished.effects,
            // The operation looks up before acting again, or acting again
            // changes nothing more: what this attempt did makes the job
            // doubtful, not unsafe to repeat.
            Replay::LookUpFirst { .. } | Replay::Repeat => Effects::default(),
        };
        let mut verdict = judge(&error, judged, &self.retry, self.time.clock.wall_now());
        if self.replay != Replay::Never && acted {
            job.doubtful += 1;
            // A success whose answer did not decode, or a transport failure
            // of unknown kind, may have acted too: repeat, as after a 5xx.
            if verdict == Verdict::GiveUp(JobErrorKind::Permanent) && may_have_created(&error) {
                verdict = Verdict::Retry { retry_after: None };
            }
        }
        if let Replay::LookUpFirst { max_doubtful } = self.replay
            && job.doubtful >= max_doubtful
            && matches!(verdict, Verdict::Retry { .. })
            && acted
        {
            verdict = Verdict::GiveUp(JobErrorKind::Unsafe);
        }
        if is_connect_error(&error) && self.connect_streak >= self.connect_failures_to_stop {
            verdict = Verdict::Stop(StopReason::Unreachable {
                failures: self.connect_streak,
            });
        }
        let acted = acted || job.in_doubt();
        match verdict {
            Verdict::Retry { .. } if job.attempts >= self.retry.max_attempts() => {
                self.give_up(job, JobErrorKind::AttemptsExhausted, Some(error), acted);
            }
            Verdict::Retry { retry_after } => {
                // A 429's spread after its `Retry-After` keeps refused jobs
                // from coming back together: it grows with the job's count.
                let step = match answer {
                    Signal::Throttled => job.attempts,
                    _ => backoff_step(job.attempts, self.failure_streak),
                };
                let delay = retry_delay(&self.retry, step, retry_after, &*self.time.jitter);
                if answer == Signal::Throttled {
                    self.pacer.throttled_wait(delay);
                }
                job.last_error = Some(error);
                self.wait(job, self.time.sleep.sleep(delay));
            }
            Verdict::GiveUp(kind) => self.give_up(job, kind, Some(error), acted),
            Verdict::Stop(reason) => {
                let error = match self.stopped {
                    None => {
                        self.stopped = Some(Stopped::new(reason, error));
                        None
                    }
                    Some(_) => Some(error),
                };
                self.give_up(job, JobErrorKind::Abandoned, error, acted);
            }
        }
    }

    fn learn(&mut self, signal: Signal, started: Instant, now: Instant, in_flight: usize) {
        let answer = match signal {
            Signal::Served => Answer::Served,
            Signal::Throttled => Answer::Throttled,
            _ => Answer::Other,
        };
        self.pacer.on_answer(answer, started, now);
        match signal {
            Signal::Served => self.failure_streak = 0,
            Signal::Overloaded | Signal::Unreachable => {
                self.failure_streak = self.failure_streak.saturating_add(1);
            }
            Signal::Throttled | Signal::Silent => {}
        }
        match signal {
            Signal::Served => self.limiter.on_served(started, now, in_flight),
            // A 429 limits the rate, which is the pacer's to follow.
            Signal::Throttled => {}
            Signal::Overloaded => self.limiter.on_overload(started, now),
            Signal::Unreachable => {
                self.connect_streak += 1;
                return;
            }
            Signal::Silent => return,
        }
        self.connect_streak = 0;
    }

    fn wait(&mut self, job: Job<K, I>, sleep: SleepFuture) {
        let id = self.next_wait;
        self.next_wait += 1;
        self.waiting.insert(id, job);
        self.waits.push(Box::pin(async move {
            sleep.await;
            id
        }));
    }

    fn report(&mut self, job: Job<K, I>, outcome: Result<T, JobError>) {
        self.output.push_back(JobResult {
            key: job.key,
            outcome,
            attempts: job.attempts,
        });
    }

    fn give_up(&mut self, job: Job<K, I>, kind: JobErrorKind, error: Option<Error>, acted: bool) {
        self.report(job, Err(JobError::new(kind, error, acted)));
    }

    /// After a stop: every held job that is not in flight is abandoned,
    /// including those an attempt that ended after the stop put to wait.
    fn abandon_waiting(&mut self) {
        self.waits.clear();
        let mut abandoned: Vec<Job<K, I>> = self.ready.drain(..).collect();
        abandoned.extend(self.waiting.drain().map(|(_, job)| job));
        for mut job in abandoned {
            let acted = job.in_doubt();
            let error = job.last_error.take();
            self.give_up(job, JobErrorKind::Abandoned, error, acted);
        }
    }
}

// No field is ever pinned in place: the futures it polls are boxed.
impl<K, I, T> Unpin for Scheduler<K, I, T> {}

impl<K, I, T> Stream for Scheduler<K, I, T>
where
    K: Send + 'static,
    I: Clone + Send + 'static,
    T: Send + 'static,
{
    type Item = Result<JobResult<K, T>, Stopped>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(result) = this.output.pop_front() {
                return Poll::Ready(Some(Ok(result)));
            }
            if this.finished {
                return Poll::Ready(None);
            }
            let mut progressed = false;
            while let Poll::Ready(Some(finished)) = this.in_flight.poll_next_unpin(cx) {
                this.finish(finished);
                progressed = true;
            }
            while let Poll::Ready(Some(id)) = this.waits.poll_next_unpin(cx) {
                if let Some(job) = this.waiting.remove(&id) {
                    this.ready.push_back(job);
                }
                progressed = true;
            }
            if this.stopped.is_some() {
                this.abandon_waiting();
            } else {
                progressed |= this.launch(cx);
            }
            if progressed || !this.output.is_empty() {
                continue;
            }
            if this.held() == 0 && (this.jobs_done || this.stopped.is_some()) {
                this.finished = true;
                if let Some(stopped) = this.stopped.take() {
                    return Poll::Ready(Some(Err(stopped)));
                }
                return Poll::Ready(None);
            }
            return Poll::Pending;
        }
    }
}
