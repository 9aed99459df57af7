#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod callbacks;
mod cli;
mod completions;
mod config;
mod config_show;
mod contacts;
mod demo;
mod emulator;
mod error;
mod identity;
mod logging;
mod man;
mod output;
mod progress;
mod safe_create;
mod server_limits;
mod signals;
mod target;
mod transfer;

use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command};
use crate::error::CliResult;
use crate::output::Output;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Usage errors exit 2; --help and --version print and exit 0.
        Err(error) => error.exit(),
    };
    logging::init(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            output::eprint_line(&format!("error: cannot start the async runtime: {error}"));
            return ExitCode::from(error::EXIT_FAILURE);
        }
    };
    let result = runtime.block_on(run(cli));
    // Background tasks (servers, deliveries) get a moment to stop, never longer.
    runtime.shutdown_timeout(Duration::from_millis(500));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if !error.is_silent() {
                // One line, whatever the server's message held.
                output::eprint_line(&format!(
                    "error: {}",
                    output::escape_controls(&error.to_string())
                ));
            }
            ExitCode::from(error.exit_code())
        }
    }
}

async fn run(cli: Cli) -> CliResult {
    let output = Output { json: cli.json };
    match cli.command {
        Command::Demo(args) => demo::run(&args, output).await,
        Command::Contacts(args) => contacts::run(*args, output).await,
        Command::Emulator(args) => emulator::run(&args, output).await,
        Command::Callbacks(command) => callbacks::run(command, output).await,
        Command::Config(command) => config_show::run(&command, output),
        Command::Completions(args) => completions::run(&args, Cli::command()),
        Command::Man(args) => man::run(&args, Cli::command(), output),
    }
}
