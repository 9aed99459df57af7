//! How results are printed: tables for people, JSON for programs. Every line goes through
//! [`sanitize`] (no control character the command line did not write reaches a terminal) and
//! [`pipe`] (a closed standard output ends the command quietly, nothing panics).

mod contact;
mod pipe;
mod sanitize;
mod table;

pub use contact::{contact_table, identities_text, priority_text};
pub use pipe::{stdout_closed, write_stdout};
pub use sanitize::{escape_controls, escape_controls_keep_lines};
pub use table::Table;

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
        write_line(&sanitize::escape_json(&text))
    }

    /// Prints text followed by a newline; its line breaks are kept, every other control
    /// character is escaped.
    pub fn text(&self, text: &str) -> CliResult {
        print_line(text)
    }
}

/// Writes one line (or several, separated by `\n`) to standard output, control characters
/// escaped but for the line breaks; a closed pipe (`| head`) is [`CliError::closed_pipe`].
pub fn print_line(text: &str) -> CliResult {
    write_line(&escape_controls_keep_lines(text))
}

fn write_line(text: &str) -> CliResult {
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    write_stdout(line.as_bytes())
}

/// Writes one line to standard error, control characters escaped but for its line breaks;
/// never fails nor panics (see [`pipe::write_stderr`]).
pub fn eprint_line(text: &str) {
    let mut line = escape_controls_keep_lines(text).into_owned();
    line.push('\n');
    pipe::write_stderr(line.as_bytes());
}
