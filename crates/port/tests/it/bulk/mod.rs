//! The bulk runner, against simulated servers on Tokio's paused clock.

mod apply_plan;
mod backoff;
mod ceiling;
mod closing;
mod fall;
mod figures;
mod free;
mod limits;
mod listing;
mod rate;
mod run;
mod safety;
mod sim;
mod spell;
mod systemic;
mod waits;
