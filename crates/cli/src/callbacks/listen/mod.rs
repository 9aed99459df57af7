//! `callbacks listen`: a webhook receiver that prints what arrives, keeping its state in memory
//! ([`memory`]) or, with `--state`, in a SQLite file or a PostgreSQL database shared by several
//! receivers ([`durable`]). Beside the webhook it answers `/healthz`, `/readyz` and `/metrics`
//! ([`ops`]); on Ctrl-C or SIGTERM it drains ([`serve`]). With `--forward-to` it passes what it
//! accepted on to an app ([`forward`]).

mod durable;
mod forward;
mod memory;
mod metrics;
mod ops;
mod printed;
mod serve;

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;
use sinch_contacts_callbacks::Verifier;

use crate::callbacks::secret::RotatingSecrets;
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::server_limits::ServerLimitArgs;

pub use durable::open_state;

/// Arguments of `callbacks listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The port (0 picks a free one; the URL printed says which).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// The address to listen on: 127.0.0.1 (the default) takes deliveries from this machine
    /// only; 0.0.0.0 from any network (behind a load balancer).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// The webhook secrets.
    #[command(flatten)]
    pub secret: RotatingSecrets,
    /// The path callbacks are posted to.
    #[arg(long, default_value = "/")]
    pub path: String,
    /// Keep the suppression list, the contact mirror and the delivery ledger in a SQLite file
    /// (a path, created if missing) or a PostgreSQL database (`postgres://user@host/db`, shared
    /// by several receivers) instead of in memory: a delivery is answered 200 only once
    /// committed, 503 with Retry-After when the store's queue is full, a redelivery is
    /// reported as already applied, and a restart keeps every opt-out.
    #[arg(long, value_name = "FILE|URL")]
    pub state: Option<String>,
    /// What the receiver allows a client.
    #[command(flatten)]
    pub limits: ServerLimitArgs,
    /// After the receiver accepted a delivery (with --state: once committed), POST its raw body
    /// and signature headers to the app at URL, and answer the sender with the app's status and
    /// body, or 502 when the app cannot be reached. Refused deliveries are not forwarded.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
}

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
    let secrets = args.secret.resolve()?;
    let mut verifier = Verifier::new(&secrets[0])
        .with_tolerance(Duration::from_secs(300))
        .with_replay_guard(100_000);
    for secret in &secrets[1..] {
        verifier = verifier.with_secret(secret);
    }
    let address = SocketAddr::new(args.bind, args.port);
    let limits = args.limits.limits();
    let forward = args
        .forward_to
        .as_deref()
        .map(|url| forward::Forwarder::new(url, verifier.clone(), output))
        .transpose()?;
    match &args.state {
        Some(location) => {
            durable::run(location, verifier, &path, address, limits, forward, output).await
        }
        None => memory::run(verifier, &path, address, limits, forward, output).await,
    }
}
