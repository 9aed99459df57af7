//! `completions bash|zsh|fish`.

use clap::CommandFactory;
use clap_complete::{Shell as Target, generate};

use crate::cli::{Cli, CompletionsArgs, Shell};
use crate::error::CliResult;

pub fn run(args: &CompletionsArgs) -> CliResult {
    let shell = match args.shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
    };
    let mut command = Cli::command();
    generate(
        shell,
        &mut command,
        "sinch-contacts",
        &mut std::io::stdout(),
    );
    Ok(())
}
