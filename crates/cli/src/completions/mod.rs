//! `completions bash|zsh|fish`.

mod bash;

use clap::{Args, ValueEnum};
use clap_complete::generate;

use crate::error::CliResult;
use crate::output::write_stdout;

/// The name the scripts complete.
const BIN_NAME: &str = "sinch-contacts";

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

/// Prints the completion script of `command`, the whole command line.
pub fn run(args: &CompletionsArgs, mut command: clap::Command) -> CliResult {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    // Rendered first, then written: clap_complete panics when its writer fails (`| head -1`).
    let mut script = Vec::new();
    generate(shell, &mut command, BIN_NAME, &mut script);
    if shell == clap_complete::Shell::Bash {
        let text = String::from_utf8_lossy(&script);
        return write_stdout(bash::repair(&text, BIN_NAME).as_bytes());
    }
    write_stdout(&script)
}
