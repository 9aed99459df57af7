//! `sync --apply`: the plan sent through the port's `apply_plan`, every change journalled
//! before it can be sent and after it is settled, progress on a terminal, each change not
//! applied said as it happens, and the counts of what was done.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::StreamExt;
use serde::Serialize;
use sinch_contacts_model::{ApplyOrder, SyncPlan};
use sinch_contacts_port::sync::{
    self as port_sync, ApplyOptions, Change, ChangeError, ChangeOutcome,
};
use sinch_contacts_port::{Bulk, JobErrorKind};

use super::journal::{ChangeKind, SyncJournal};
use super::render::Counts;
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::progress;

/// How many changes not applied the report lists (memory stays bounded).
pub const PROBLEMS_LISTED: usize = 1_000;

/// A change that was not applied.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// `create`, `update` or `delete`.
    pub change: &'static str,
    /// The row's key.
    pub external_id: String,
    /// The contact (not for a create).
    pub contact_id: Option<String>,
    /// `failed` (sent, and given up: a rerun plans it again), `in doubt` (it may have been
    /// applied: a rerun checks) or `held back` (not sent: a change it waits for failed).
    pub status: &'static str,
    /// Why.
    pub error: String,
}

/// What an apply did (`applied` in the JSON document).
#[derive(Debug, Default, Serialize)]
pub struct Applied {
    /// What was applied, in the summary's shape: created (and recovered), updated, deleted (and
    /// already gone); the plan's conflicts and unchanged rows.
    pub summary: Counts,
    /// Creates whose answer was lost, found by their external id afterwards.
    pub recovered: usize,
    /// Creates looked up first and found: nothing created (the next plan updates them if they
    /// differ).
    pub already_present: usize,
    /// Deletes answered 404: the contact was already gone.
    pub already_gone: usize,
    /// Changes sent and not applied.
    pub failed: usize,
    /// Changes not sent because a change they wait for was not applied.
    pub held_back: usize,
    /// Changes not started (the run was interrupted or stopped).
    pub not_started: usize,
    /// Requests sent again after a 429, a 5xx or a lost connection.
    pub retries: u64,
    /// Changes an earlier run left in doubt (checked by planning against the live state;
    /// creates among them looked up before being sent again).
    pub in_doubt_from_earlier_runs: usize,
    /// The journal.
    pub journal: Option<String>,
    /// Ctrl-C stopped it.
    pub interrupted: bool,
    /// Why a systemic failure stopped it.
    pub stopped: Option<String>,
    /// The first [`PROBLEMS_LISTED`] changes not applied.
    pub problems: Vec<Problem>,
    /// Changes not applied beyond those listed.
    pub problems_not_listed: usize,
}

impl Applied {
    /// Whether everything planned was applied.
    pub fn complete(&self) -> bool {
        self.failed + self.held_back + self.not_started == 0
            && self.stopped.is_none()
            && !self.interrupted
    }

    fn report(&mut self, bar: &indicatif::ProgressBar, output: Output, problem: Problem) {
        if problem.status == "held back" {
            self.held_back += 1;
        } else {
            self.failed += 1;
        }
        if !output.json {
            progress::eprint_line(
                bar,
                &format!(
                    "{} {}{}: {}: {}",
                    problem.change,
                    problem.external_id,
                    problem
                        .contact_id
                        .as_deref()
                        .map(|id| format!(" ({id})"))
                        .unwrap_or_default(),
                    problem.status,
                    problem.error
                ),
            );
        }
        if self.problems.len() < PROBLEMS_LISTED {
            self.problems.push(problem);
        } else {
            self.problems_not_listed += 1;
        }
    }
}

/// What the apply needs besides the plan.
pub struct Setting<'a> {
    /// The runner.
    pub bulk: &'a Bulk,
    /// The journal, unless `--no-journal`.
    pub journal: Option<Arc<SyncJournal>>,
    /// Creates to look up before their first attempt.
    pub look_up: LookUp,
    /// How many unclear creates a create may send.
    pub max_rounds: u32,
    /// How it prints.
    pub output: Output,
}

/// Which creates are looked up before their first attempt.
#[derive(Debug, Clone)]
pub enum LookUp {
    /// Every one (the current contacts came from a mirror, which may lag behind).
    All,
    /// Those an earlier run left in doubt.
    Only(HashSet<String>),
}

/// What the gate (run before each change is taken) shares with the loop.
#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    journal_error: Mutex<Option<CliError>>,
}

/// Applies `plan` in `order`; returns what was done, or the journal's failure.
///
/// # Errors
///
/// When the journal cannot be written: no change is taken after that, and the error says so.
pub async fn apply(
    plan: SyncPlan,
    order: ApplyOrder,
    setting: Setting<'_>,
    mut applied: Applied,
) -> CliResult<Applied> {
    let total = order.len();
    let bar = progress::bar(total as u64, "syncing");
    let shared = Arc::new(Shared::default());
    let watcher = tokio::spawn(watch_ctrl_c(shared.clone(), bar.clone()));
    let gate_shared = shared.clone();
    let gate_journal = setting.journal.clone();
    let look_up = setting.look_up.clone();
    let options = ApplyOptions::default()
        .max_rounds(setting.max_rounds)
        .look_up_first(move |external_id| match &look_up {
            LookUp::All => true,
            LookUp::Only(keys) => keys.contains(external_id),
        })
        .before_send(move |change| {
            if gate_shared.stop.load(Ordering::SeqCst) {
                return false;
            }
            match gate_journal.as_ref().map(|journal| journal.started(change)) {
                Some(Err(error)) => {
                    *gate_shared
                        .journal_error
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner) = Some(error);
                    false
                }
                _ => true,
            }
        });
    let conflicts = plan.conflicts.len();
    let unchanged = plan.unchanged;
    let mut outcomes = port_sync::apply_plan(setting.bulk, plan, order, options);
    let mut reported = 0usize;
    let mut journal_failure = None;
    while let Some(item) = outcomes.next().await {
        let outcome = match item {
            Ok(outcome) => outcome,
            Err(stopped) => {
                applied.stopped = Some(stopped.to_string());
                continue;
            }
        };
        bar.inc(1);
        reported += 1;
        applied.retries += u64::from(outcome.attempts.saturating_sub(1));
        if let Some(error) = settle(&mut applied, &setting, &bar, outcome)
            && journal_failure.is_none()
        {
            // The journal cannot be written: take no new change.
            shared.stop.store(true, Ordering::SeqCst);
            journal_failure = Some(error);
        }
    }
    watcher.abort();
    bar.finish_and_clear();
    applied.summary.conflicts = conflicts;
    applied.summary.unchanged = unchanged;
    applied.not_started += total.saturating_sub(reported);
    applied.interrupted = shared.stop.load(Ordering::SeqCst) && journal_failure.is_none();
    let gate_failure = shared
        .journal_error
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    match gate_failure.or(journal_failure) {
        Some(error) => Err(error),
        None => Ok(applied),
    }
}

/// Counts one outcome, journals it, says it when it was not applied; the journal's error.
fn settle(
    applied: &mut Applied,
    setting: &Setting<'_>,
    bar: &indicatif::ProgressBar,
    outcome: ChangeOutcome,
) -> Option<CliError> {
    use port_sync::Applied as Done;
    let change = outcome.change;
    let (contact_id, word) = match outcome.result {
        Ok(done) => match done {
            Done::Created(contact) => {
                applied.summary.create += 1;
                (contact.id, "created")
            }
            Done::Recovered(contact) => {
                applied.summary.create += 1;
                applied.recovered += 1;
                (contact.id, "recovered")
            }
            Done::AlreadyPresent(contact) => {
                applied.already_present += 1;
                (contact.id, "present")
            }
            Done::Updated(_) => {
                applied.summary.update += 1;
                (None, "updated")
            }
            Done::Deleted => {
                applied.summary.delete += 1;
                (None, "deleted")
            }
            Done::AlreadyGone => {
                applied.summary.delete += 1;
                applied.already_gone += 1;
                (None, "gone")
            }
            _ => (None, "applied"),
        },
        Err(error) => {
            let in_doubt = error.may_have_acted();
            let abandoned =
                matches!(&error, ChangeError::Failed(job) if job.kind() == JobErrorKind::Abandoned);
            let status = match &error {
                ChangeError::HeldBack { .. } => "held back",
                _ if in_doubt => "in doubt",
                _ => "failed",
            };
            let problem = Problem {
                change: ChangeKind::of(change.step).as_str(),
                external_id: change.external_id.clone(),
                contact_id: change.contact_id.clone(),
                status,
                error: describe(&error),
            };
            if abandoned && !in_doubt {
                // Never sent: the run stopped first.
                applied.not_started += 1;
                return setting
                    .journal
                    .as_ref()
                    .and_then(|journal| journal.done(&change, None, "not sent").err());
            }
            applied.report(bar, setting.output, problem);
            // A change held back was never started; one that may have acted stays in doubt.
            if in_doubt || matches!(error, ChangeError::HeldBack { .. }) {
                return None;
            }
            return setting
                .journal
                .as_ref()
                .and_then(|journal| journal.done(&change, None, "failed").err());
        }
    };
    journal_done(setting, &change, contact_id.as_deref(), word)
}

fn journal_done(
    setting: &Setting<'_>,
    change: &Change,
    contact_id: Option<&str>,
    word: &str,
) -> Option<CliError> {
    setting
        .journal
        .as_ref()
        .and_then(|journal| journal.done(change, contact_id, word).err())
}

/// A change's error as one line: the API's message when there is one.
fn describe(error: &ChangeError) -> String {
    match error {
        ChangeError::Failed(job) => match job.error() {
            Some(cause) => {
                let text = CliError::api(cause).to_string();
                if job.kind() == JobErrorKind::AttemptsExhausted {
                    format!("{text} (on every attempt)")
                } else {
                    text
                }
            }
            None => job.to_string(),
        },
        ChangeError::HeldBack { waited_for } => format!(
            "{} releasing an identity it takes did not succeed",
            if waited_for.len() == 1 {
                "a change".to_owned()
            } else {
                format!("{} changes", waited_for.len())
            }
        ),
        other => other.to_string(),
    }
}

/// First Ctrl-C: take no new change, finish those in flight. Second: quit at once (the journal
/// already says which changes were in flight, so a rerun checks them).
async fn watch_ctrl_c(shared: Arc<Shared>, bar: indicatif::ProgressBar) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    shared.stop.store(true, Ordering::SeqCst);
    progress::eprint_line(
        &bar,
        "interrupted: finishing the changes in flight (Ctrl-C again to quit now; a rerun continues)",
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!("error: interrupted (rerun the same command to continue)");
        std::process::exit(i32::from(crate::error::EXIT_FAILURE));
    }
}
