//! `man [COMMAND]... [--out DIR]`: manual pages (roff, section 1) generated from the clap
//! definitions by clap_mangen, one per command and subcommand: `sinch-contacts.1`,
//! `sinch-contacts-contacts.1`, `sinch-contacts-contacts-import.1`, ...

use std::path::{Path, PathBuf};

use clap::{Args, Command};

use crate::error::{CliError, CliResult};
use crate::output::{Output, write_stdout};

/// Arguments of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print, e.g. `contacts import` (default: the top-level page).
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
    /// Write the page of the command and of every subcommand below it into DIR (created if
    /// missing), one `NAME.1` file each, and print their paths; `man -l DIR/sinch-contacts.1`
    /// reads one, or put DIR in MANPATH's `man1`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Prints one page, or writes every page below the command into `--out`.
pub fn run(args: &ManArgs, root: Command, output: Output) -> CliResult {
    let mut root = root.disable_help_subcommand(true);
    root.build();
    let mut command = &root;
    for name in &args.command {
        command = command
            .get_subcommands()
            .find(|sub| sub.get_name() == name && !sub.is_hide_set())
            .ok_or_else(|| {
                CliError::usage(format!("no command `{}`", args.command.join(" ")))
                    .hint("for example `sinch-contacts man contacts import`")
            })?;
    }
    let Some(dir) = &args.out else {
        return write_stdout(&render(command)?);
    };
    std::fs::create_dir_all(dir)
        .map_err(|error| CliError::failure(format!("cannot create {}: {error}", dir.display())))?;
    let mut pages = Vec::new();
    collect(command, &mut pages);
    let mut written = Vec::new();
    for page in pages {
        let path = dir.join(format!("{}.1", page_name(&page)));
        write_page(&path, &render(&page)?)?;
        written.push(path);
    }
    if output.json {
        let paths: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        output.json_line(&serde_json::json!({ "written": paths }))
    } else {
        for path in &written {
            output.text(&path.display().to_string())?;
        }
        Ok(())
    }
}

/// The command and every visible subcommand below it, depth first.
fn collect(command: &Command, pages: &mut Vec<Command>) {
    pages.push(command.clone());
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        collect(sub, pages);
    }
}

/// `sinch-contacts-contacts-import`: the name clap gives a built subcommand.
fn page_name(command: &Command) -> String {
    command
        .get_display_name()
        .unwrap_or_else(|| command.get_name())
        .to_owned()
}

fn render(command: &Command) -> CliResult<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .source(concat!("sinch-contacts ", env!("CARGO_PKG_VERSION")))
        .manual("sinch-contacts")
        .render(&mut page)
        .map_err(|error| CliError::failure(format!("cannot render the manual page: {error}")))?;
    Ok(page)
}

fn write_page(path: &Path, page: &[u8]) -> CliResult {
    std::fs::write(path, page)
        .map_err(|error| CliError::failure(format!("cannot write {}: {error}", path.display())))
}
