//! `callbacks parse | verify | listen | suppressed | send | trigger`.

mod listen;
mod nonce;
mod parse_files;
mod post;
mod report;
mod secret;
mod send;
mod suppressed;
mod trigger;
mod verify;

pub use listen::open_state;
pub use report::{describe_callback, mirror_change_text};

use clap::Subcommand;

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
    Listen(listen::ListenArgs),
    /// Print the identities opted out in a `listen --state` file, or check one with --check
    /// (exit 0: may be messaged, 1: suppressed).
    Suppressed(suppressed::SuppressedArgs),
    /// Sign a body like the API does (fresh nonce, current time) and POST it to a webhook.
    Send(send::SendArgs),
    /// Send a built-in, realistic callback of a trigger (CONTACT_CREATE, MESSAGE_INBOUND, ...),
    /// with fields changed by --set, signed like the API does, or through an emulator's webhooks
    /// with --emulator; --list lists the triggers.
    Trigger(trigger::TriggerArgs),
}

/// Runs a callbacks command.
pub async fn run(command: CallbacksCommand, output: Output) -> CliResult {
    match command {
        CallbacksCommand::Parse(args) => parse_files::run(&args, output),
        CallbacksCommand::Verify(args) => verify::run(&args, output),
        CallbacksCommand::Listen(args) => listen::run(args, output).await,
        CallbacksCommand::Suppressed(args) => suppressed::run(&args, output).await,
        CallbacksCommand::Send(args) => send::run(&args, output).await,
        CallbacksCommand::Trigger(args) => trigger::run(&args, output).await,
    }
}
