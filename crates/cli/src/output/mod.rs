//! How results are printed: tables for people, JSON for programs.

mod contact;
mod table;

pub use contact::{contact_table, identities_text, priority_text};
pub use table::Table;

use std::io::{self, Write};

use serde::Serialize;

use crate::error::{CliError, CliResult};

/// Where and how a command prints its results.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// JSON instead of tables.
    pub json: bool,
}

impl Output {
    /// Prints one value as a JSON document (one line).
    pub fn json_line<T: Serialize + ?Sized>(&self, value: &T) -> CliResult {
        let text = serde_json::to_string(value)
            .map_err(|error| CliError::failure(format!("cannot write JSON: {error}")))?;
        print_line(&text)
    }

    /// Prints text as is, followed by a newline.
    pub fn text(&self, text: &str) -> CliResult {
        print_line(text)
    }
}

/// Writes one line to standard output; a closed pipe (`| head`) ends quietly.
pub fn print_line(text: &str) -> CliResult {
    let mut stdout = io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(CliError::failure(format!(
            "cannot write to standard output: {error}"
        ))),
    }
}
