//! The command line, as clap types: the top level, which names every command. Each command keeps
//! its arguments beside its code.

use clap::{Parser, Subcommand};

use crate::callbacks::CallbacksCommand;
use crate::completions::CompletionsArgs;
use crate::config_show::ConfigCommand;
use crate::contacts::ContactsArgs;
use crate::demo::DemoArgs;
use crate::emulator::EmulatorArgs;
use crate::man::ManArgs;

/// What `--version` prints after the name (`-V` prints the first line only): the versions of
/// the workspace crates and the OpenAPI description the model is generated from (see build.rs).
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\ncrates: ",
    env!("SINCH_CRATE_VERSIONS"),
    "\nOpenAPI description: ",
    env!("SINCH_OPENAPI_TITLE"),
    ", version ",
    env!("SINCH_OPENAPI_VERSION"),
    " (openapi/contacts.yaml, sha256 ",
    env!("SINCH_OPENAPI_SHA256"),
    ")"
);

/// Work with Sinch Conversation API contacts and callbacks: a tour on an embedded emulator, every
/// contacts operation against an emulator or the real API, resumable imports, and webhook tools.
///
/// Exit codes: 0 success, 1 failure (API error, bad input, failed verification), 2 usage error.
#[derive(Debug, Parser)]
#[command(
    name = "sinch-contacts",
    version,
    long_version = LONG_VERSION,
    propagate_version = true
)]
pub struct Cli {
    /// Print JSON (one document, or one JSON value per line for streams) instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    /// Log each HTTP request on standard error: method, path, status, attempt and latency, and
    /// each operation's attempts and retry reasons when it ends; -vv adds token requests.
    /// Never a header, secret, token, query or body. RUST_LOG (target=level,...) adds more.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

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
    /// The configuration file's profiles: `config show` prints the settings `contacts` would use
    /// and where each came from.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print a manual page (roff), or write one per command with --out DIR.
    Man(ManArgs),
}
