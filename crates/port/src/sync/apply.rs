//! [`apply_plan`]: the stages of a plan, one after the other, each through the bulk runner.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{self, BoxStream};
use futures_util::{StreamExt, TryStreamExt};
use sinch_contacts_model::{ApplyOrder, ContactPatch, Stage, Step, SyncPlan};

use super::options::ApplyOptions;
use super::{Applied, Change, ChangeError, ChangeOutcome};
use crate::bulk::{Bulk, CreateJob, JobResult, Stopped};
use crate::client::{SafeCreateOptions, SafeCreateOutcome};
use crate::error::Error;

type Item = Result<ChangeOutcome, Stopped>;
type StageRun = BoxStream<'static, Result<JobResult<Step, Applied>, Stopped>>;
type BeforeSend = Box<dyn FnMut(&Change) -> bool + Send>;
type LookUp = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Applies `plan` through `bulk`, stage by stage in `order` (made by
/// [`apply_order`](sinch_contacts_model::apply_order) from the contacts the plan was made from),
/// yielding one [`ChangeOutcome`] per change taken, in completion order.
///
/// Each stage is one run of `bulk` (its pacing, concurrency and retries), started when the
/// stage before it has finished: deletes and updates through
/// [`Bulk::run_repeatable`], creates through [`Bulk::create_safe_jobs`] (see the
/// [module documentation](super)). A change whose [`ApplyOrder::depends_on`] did not all
/// succeed is not sent ([`ChangeError::HeldBack`]).
///
/// The stream ends when every stage has run, or early: after one `Err(`[`Stopped`]`)` when a
/// systemic failure stopped a stage (its changes not done are reported
/// [`Abandoned`](crate::JobErrorKind::Abandoned); later stages do not start), or when
/// [`ApplyOptions::before_send`] returned `false` (the changes in flight finish; the changes
/// not taken are not reported). Dropping it cancels the changes in flight.
pub fn apply_plan(
    bulk: &Bulk,
    plan: SyncPlan,
    order: ApplyOrder,
    options: ApplyOptions,
) -> SyncApply {
    let (look_up_first, max_rounds, before_send) = options.into_parts();
    let state = Applier {
        bulk: bulk.clone(),
        plan: Arc::new(plan),
        stages: order.stages.clone().into(),
        order,
        gate: Arc::new(Gate {
            before_send: Mutex::new(before_send),
            halted: AtomicBool::new(false),
        }),
        look_up_first,
        max_rounds,
        succeeded: HashSet::new(),
        ready: VecDeque::new(),
        run: None,
        stopped: false,
    };
    SyncApply {
        inner: stream::unfold(state, |mut state| async move {
            let item = state.next_item().await?;
            Some((item, state))
        })
        .boxed(),
    }
}

/// The outcomes of [`apply_plan`]: a stream of `Result<ChangeOutcome, Stopped>`.
pub struct SyncApply {
    inner: BoxStream<'static, Item>,
}

impl fmt::Debug for SyncApply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncApply").finish_non_exhaustive()
    }
}

impl Stream for SyncApply {
    type Item = Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// The caller's `before_send`, shared by the job streams of the stages, and whether it said
/// to stop.
struct Gate {
    before_send: Mutex<Option<BeforeSend>>,
    halted: AtomicBool,
}

impl Gate {
    /// Whether `change` may be handed to the runner.
    fn admit(&self, change: &Change) -> bool {
        if self.is_halted() {
            return false;
        }
        let mut before = self
            .before_send
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let admitted = before.as_mut().is_none_or(|before| before(change));
        if !admitted {
            self.halted.store(true, Ordering::SeqCst);
        }
        admitted
    }

    fn is_halted(&self) -> bool {
        self.halted.load(Ordering::SeqCst)
    }
}

/// The jobs of one stage, each admitted by the gate as the runner takes it.
struct Jobs<I, F> {
    steps: std::vec::IntoIter<Step>,
    plan: Arc<SyncPlan>,
    gate: Arc<Gate>,
    input: F,
    _input: std::marker::PhantomData<fn() -> I>,
}

impl<I, F: Fn(&SyncPlan, usize) -> I> Iterator for Jobs<I, F> {
    type Item = (Step, I);

    fn next(&mut self) -> Option<Self::Item> {
        let step = self.steps.next()?;
        if !self.gate.admit(&Change::of(&self.plan, step)) {
            self.steps = Vec::new().into_iter();
            return None;
        }
        let (Step::Delete(index) | Step::Update(index) | Step::Create(index)) = step;
        Some((step, (self.input)(&self.plan, index)))
    }
}

/// The state between two outcomes.
struct Applier {
    bulk: Bulk,
    plan: Arc<SyncPlan>,
    order: ApplyOrder,
    stages: VecDeque<Stage>,
    gate: Arc<Gate>,
    look_up_first: Option<LookUp>,
    max_rounds: u32,
    succeeded: HashSet<Step>,
    ready: VecDeque<Item>,
    run: Option<StageRun>,
    stopped: bool,
}

impl Applier {
    async fn next_item(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item);
            }
            if let Some(run) = &mut self.run {
                match run.next().await {
                    Some(Ok(result)) => self.finish(result),
                    Some(Err(stopped)) => {
                        self.stopped = true;
                        self.ready.push_back(Err(stopped));
                    }
                    None => self.run = None,
                }
                continue;
            }
            if self.stopped || self.gate.is_halted() {
                return None;
            }
            let stage = self.stages.pop_front()?;
            self.start(stage);
        }
    }

    fn finish(&mut self, result: JobResult<Step, Applied>) {
        if result.outcome.is_ok() {
            self.succeeded.insert(result.key);
        }
        self.ready.push_back(Ok(ChangeOutcome {
            change: Change::of(&self.plan, result.key),
            result: result.outcome.map_err(ChangeError::Failed),
            attempts: result.attempts,
        }));
    }

    /// Reports the stage's changes held back, and starts a run for the others.
    fn start(&mut self, stage: Stage) {
        let mut sent = Vec::with_capacity(stage.steps.len());
        for step in stage.steps {
            let waited_for: Vec<Step> = self
                .order
                .depends_on(step)
                .iter()
                .filter(|waited| !self.succeeded.contains(waited))
                .copied()
                .collect();
            if waited_for.is_empty() {
                sent.push(step);
            } else {
                self.ready.push_back(Ok(ChangeOutcome {
                    change: Change::of(&self.plan, step),
                    result: Err(ChangeError::HeldBack { waited_for }),
                    attempts: 0,
                }));
            }
        }
        let Some(&first) = sent.first() else {
            return;
        };
        self.run = Some(match first {
            Step::Delete(_) => {
                let jobs = self.jobs(sent, |plan, index| plan.deletes[index].contact_id.clone());
                self.bulk.run_repeatable(jobs, delete).boxed()
            }
            Step::Update(_) => {
                let jobs = self.jobs(sent, |plan, index| {
                    let update = &plan.updates[index];
                    (update.contact_id.clone(), update.patch.clone())
                });
                self.bulk.run_repeatable(jobs, update).boxed()
            }
            Step::Create(_) => {
                let look_up = self.look_up_first.clone();
                let jobs = self.jobs(sent, move |plan, index| {
                    let request = plan.creates[index].clone();
                    let look = look_up.as_ref().is_some_and(|look_up| {
                        look_up(request.external_id.as_deref().unwrap_or_default())
                    });
                    CreateJob::new(request).look_up_first(look)
                });
                let options = SafeCreateOptions::default().with_max_rounds(self.max_rounds);
                self.bulk
                    .create_safe_jobs(jobs, options)
                    .map_ok(|result| JobResult {
                        key: result.key,
                        outcome: result.outcome.map(|created| match created.outcome {
                            SafeCreateOutcome::Created => Applied::Created(created.contact),
                            SafeCreateOutcome::Recovered => Applied::Recovered(created.contact),
                            _ => Applied::AlreadyPresent(created.contact),
                        }),
                        attempts: result.attempts,
                    })
                    .boxed()
            }
        });
    }

    /// The jobs of `steps` (all of one kind; `input` gets each one's index in its list),
    /// admitted one by one by the gate as the runner takes them.
    fn jobs<I: Send + 'static>(
        &self,
        steps: Vec<Step>,
        input: impl Fn(&SyncPlan, usize) -> I + Send + 'static,
    ) -> impl Stream<Item = (Step, I)> + Send + 'static {
        stream::iter(Jobs {
            steps: steps.into_iter(),
            plan: self.plan.clone(),
            gate: self.gate.clone(),
            input,
            _input: std::marker::PhantomData,
        })
    }
}

/// One attempt of a delete: a 404 means the contact is already gone.
async fn delete(attempt: crate::bulk::Attempt, contact_id: String) -> Result<Applied, Error> {
    match attempt.client().delete(&contact_id).await {
        Ok(()) => Ok(Applied::Deleted),
        Err(error) if error.status().map(|status| status.as_u16()) == Some(404) => {
            Ok(Applied::AlreadyGone)
        }
        Err(error) => Err(error),
    }
}

/// One attempt of an update.
async fn update(
    attempt: crate::bulk::Attempt,
    (contact_id, patch): (String, ContactPatch),
) -> Result<Applied, Error> {
    attempt
        .client()
        .update(&contact_id, &patch)
        .await
        .map(Applied::Updated)
}
