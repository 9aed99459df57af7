//! The command line, as clap types: the top level and the small commands. The contacts and
//! callbacks commands keep their arguments beside their code.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::callbacks::CallbacksCommand;
use crate::contacts::ContactsArgs;

/// Work with Sinch Conversation API contacts and callbacks: a tour on an embedded emulator, every
/// contacts operation against an emulator or the real API, resumable imports, and webhook tools.
///
/// Exit codes: 0 success, 1 failure (API error, bad input, failed verification), 2 usage error.
#[derive(Debug, Parser)]
#[command(name = "sinch-contacts", version, propagate_version = true)]
pub struct Cli {
    /// Print JSON (one document, or one JSON value per line for streams) instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The end-to-end tour on an embedded emulator: contacts, pages, masks, conflicts, merge,
    /// signed callbacks, a contact mirror and a STOP opt-out. Needs no account and no network
    /// beyond 127.0.0.1.
    Demo(DemoArgs),
    /// Contacts operations against an emulator (--base-url) or the real API (SINCH_* variables).
    Contacts(Box<ContactsArgs>),
    /// Serve the emulator on 127.0.0.1 until Ctrl-C, printing its base URL and credentials.
    Emulator(EmulatorArgs),
    /// Parse, verify, receive and send webhook callbacks.
    #[command(subcommand)]
    Callbacks(CallbacksCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How long to wait for each expected callback before failing, in milliseconds.
    #[arg(long, default_value_t = 5000, value_name = "MS")]
    pub callback_timeout_ms: u64,
}

/// Arguments of `emulator`.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// The port on 127.0.0.1 (0 picks a free one; the base URL printed says which).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Register a webhook delivering every trigger to this URL.
    #[arg(long, value_name = "URL", requires = "secret")]
    pub webhook: Option<String>,
    /// The webhook's signing secret.
    #[arg(long, value_name = "S", requires = "webhook")]
    pub secret: Option<String>,
    /// Faults to inject, e.g. `5xx=0.10,429=0.05,drop-before=0.01,drop-after=0.01,latency=5ms`.
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
    /// Seed of the fault draws (the same seed gives the same faults).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Deliveries to the webhook under way at once (over as many keep-alive connections).
    #[arg(long, value_name = "N", default_value_t = sinch_contacts_emulator::DEFAULT_MAX_IN_FLIGHT)]
    pub max_in_flight: usize,
    /// Callbacks that may wait for the webhook; beyond that they are dropped and counted.
    #[arg(long, value_name = "N", default_value_t = sinch_contacts_emulator::DEFAULT_QUEUE_CAPACITY)]
    pub queue_capacity: usize,
}

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: Shell,
}

/// The shells completions are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
}
