//! `callbacks parse | verify | listen | suppressed | send`.

mod listen;
mod nonce;
mod parse_files;
mod report;
mod send;
mod suppressed;
mod verify;

pub use report::{describe_callback, mirror_change_text};

use clap::{Args, Subcommand};

use crate::error::CliResult;
use crate::output::Output;

/// The callbacks commands.
#[derive(Debug, Subcommand)]
pub enum CallbacksCommand {
    /// Parse callback bodies; prints one JSON line per file `{"file","ok","trigger","error"}` and
    /// exits 1 if any failed.
    Parse(parse_files::ParseArgs),
    /// Verify a body's signature against the headers it came with, then parse it.
    Verify(verify::VerifyArgs),
    /// Receive callbacks: verify, parse and print each, keeping a contact mirror and a
    /// suppression list (in memory, or with --state in a SQLite file or a PostgreSQL database
    /// shared by several receivers), until Ctrl-C or SIGTERM. Also answers /healthz, /readyz and
    /// /metrics.
    Listen(ListenArgs),
    /// Print the identities opted out in a `listen --state` file, or check one with --check
    /// (exit 0: may be messaged, 1: suppressed).
    Suppressed(suppressed::SuppressedArgs),
    /// Sign a body like the API does (fresh nonce, current time) and POST it to a webhook.
    Send(send::SendArgs),
}

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
    /// The webhook secret; repeat during a rotation.
    #[arg(long, required = true, value_name = "S")]
    pub secret: Vec<String>,
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
}

/// Runs a callbacks command.
pub async fn run(command: CallbacksCommand, output: Output) -> CliResult {
    match command {
        CallbacksCommand::Parse(args) => parse_files::run(&args, output),
        CallbacksCommand::Verify(args) => verify::run(&args, output),
        CallbacksCommand::Listen(args) => listen::run(args, output).await,
        CallbacksCommand::Suppressed(args) => suppressed::run(&args, output).await,
        CallbacksCommand::Send(args) => send::run(&args, output).await,
    }
}
