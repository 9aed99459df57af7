//! Sync planning: the changes that make Sinch's contacts equal to a source of truth (a CRM, a
//! user table), computed without I/O so that they can be read before they are applied.
//!
//! See [`plan`] for the rules and an example, and [`apply_order`] for the order in which a
//! plan's changes are applied.

mod compare;
mod desired;
mod order;
mod outcome;
mod plan;
mod scc;

pub use desired::{Columns, DesiredContact};
pub use order::{ApplyOrder, Stage, Step, apply_order};
pub use outcome::{Conflict, Delete, FieldChange, SyncPlan, Update};
pub use plan::{CheckedSource, PlanError, PlanOptions, check_source, plan};

#[cfg(test)]
mod order_tests;
#[cfg(test)]
mod tests;
