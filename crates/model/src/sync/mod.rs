//! Sync planning: the changes that make Sinch's contacts equal to a source of truth (a CRM, a
//! user table), computed without I/O so that they can be read before they are applied.
//!
//! See [`plan`] for the rules and an example.

mod compare;
mod desired;
mod outcome;
mod plan;

pub use desired::{Columns, DesiredContact};
pub use outcome::{Conflict, Delete, FieldChange, SyncPlan, Update};
pub use plan::{PlanError, PlanOptions, plan};

#[cfg(test)]
mod tests;
