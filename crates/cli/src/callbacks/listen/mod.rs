//! `callbacks listen`: a webhook receiver that prints what arrives, keeping its state in memory
//! ([`memory`]) or, with `--state`, in a SQLite file or a PostgreSQL database shared by several
//! receivers ([`durable`]). Beside the webhook it answers `/healthz`, `/readyz` and `/metrics`
//! ([`ops`]); on Ctrl-C or SIGTERM it drains ([`serve`]).

mod durable;
mod memory;
mod metrics;
mod ops;
mod printed;
mod serve;

use std::net::SocketAddr;
use std::time::Duration;

use sinch_contacts_callbacks::Verifier;

use crate::callbacks::ListenArgs;
use crate::error::{CliError, CliResult};
use crate::output::Output;

pub use durable::open_state;

pub async fn run(args: ListenArgs, output: Output) -> CliResult {
    let path = if args.path.starts_with('/') {
        args.path.clone()
    } else {
        format!("/{}", args.path)
    };
    if ops::PATHS.contains(&path.as_str()) {
        return Err(CliError::usage(format!(
            "--path {path} is taken by the receiver's own {path} route"
        )));
    }
    let mut verifier = Verifier::new(&args.secret[0])
        .with_tolerance(Duration::from_secs(300))
        .with_replay_guard(100_000);
    for secret in &args.secret[1..] {
        verifier = verifier.with_secret(secret);
    }
    let address = SocketAddr::new(args.bind, args.port);
    match &args.state {
        Some(location) => durable::run(location, verifier, &path, address, output).await,
        None => memory::run(verifier, &path, address, output).await,
    }
}
