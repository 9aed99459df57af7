//! What [`apply_plan`](super::apply_plan) reports: one [`ChangeOutcome`] per change it took.

use std::fmt;

use sinch_contacts_model::{Contact, Step, SyncPlan};

use crate::bulk::JobError;

/// One change of a plan, as the caller sees it (to journal it, to report it).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// Its place in the plan.
    pub step: Step,
    /// The key of its row (of the contact, for a delete).
    pub external_id: String,
    /// The contact it changes; `None` for a create.
    pub contact_id: Option<String>,
}

impl Change {
    /// The change `step` of `plan`.
    ///
    /// # Panics
    ///
    /// When `step` is not in `plan` (an index beyond its lists).
    pub fn of(plan: &SyncPlan, step: Step) -> Self {
        match step {
            Step::Delete(index) => {
                let delete = &plan.deletes[index];
                Self {
                    step,
                    external_id: delete.external_id.clone(),
                    contact_id: Some(delete.contact_id.clone()),
                }
            }
            Step::Update(index) => {
                let update = &plan.updates[index];
                Self {
                    step,
                    external_id: update.external_id.clone(),
                    contact_id: Some(update.contact_id.clone()),
                }
            }
            Step::Create(index) => Self {
                step,
                external_id: plan.creates[index].external_id.clone().unwrap_or_default(),
                contact_id: None,
            },
        }
    }
}

/// A change that reached the state it wanted.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Applied {
    /// Created: the contact as the server returned it.
    Created(Contact),
    /// A create whose answer was lost, found by its external id afterwards: created once.
    Recovered(Contact),
    /// A create looked up first ([`ApplyOptions::look_up_first`](super::ApplyOptions::look_up_first))
    /// and found: nothing was created. Its fields may differ from the row's; the next plan
    /// updates it.
    AlreadyPresent(Contact),
    /// Updated: the contact as the server returned it.
    Updated(Contact),
    /// Deleted.
    Deleted,
    /// A delete answered 404: the contact was already gone (deleted by an earlier attempt
    /// whose answer was lost, or by someone else).
    AlreadyGone,
}

/// A change that was not applied.
#[derive(Debug)]
#[non_exhaustive]
pub enum ChangeError {
    /// Sent and given up (a 4xx, attempts spent, an unclear answer, or the run stopped):
    /// [`JobError::may_have_acted`] says whether it may still have been applied.
    Failed(JobError),
    /// Not sent: a change it waits for (one releasing an identity it takes) did not succeed,
    /// and applying it would have left that identity on two contacts.
    HeldBack {
        /// The changes it waited for that did not succeed.
        waited_for: Vec<Step>,
    },
}

impl ChangeError {
    /// Whether the change may have been applied all the same (only a [`ChangeError::Failed`]
    /// whose attempts may have acted).
    pub fn may_have_acted(&self) -> bool {
        match self {
            Self::Failed(error) => error.may_have_acted(),
            Self::HeldBack { .. } => false,
        }
    }
}

impl fmt::Display for ChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed(error) => error.fmt(f),
            Self::HeldBack { waited_for } => write!(
                f,
                "held back: {} change{} releasing an identity it takes did not succeed",
                waited_for.len(),
                if waited_for.len() == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for ChangeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Failed(error) => Some(error),
            Self::HeldBack { .. } => None,
        }
    }
}

/// What became of one change.
#[derive(Debug)]
#[non_exhaustive]
pub struct ChangeOutcome {
    /// The change.
    pub change: Change,
    /// Applied, or why not.
    pub result: Result<Applied, ChangeError>,
    /// How many attempts the runner made (0 for a change held back).
    pub attempts: u32,
}
