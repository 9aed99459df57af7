//! The bulk runner, against simulated servers on Tokio's paused clock.

mod rate;
mod sim;
