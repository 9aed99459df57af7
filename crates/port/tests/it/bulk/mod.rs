//! The bulk runner, against simulated servers on Tokio's paused clock.

mod ceiling;
mod limits;
mod rate;
mod safety;
mod sim;
mod systemic;
mod waits;
