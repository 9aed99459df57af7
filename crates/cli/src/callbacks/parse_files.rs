//! `callbacks parse FILE...`: one JSON line per file.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use sinch_contacts_callbacks::parse_unverified;

use crate::error::{CliError, CliResult};
use crate::output::Output;

/// Arguments of `callbacks parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Callback bodies (raw JSON files).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// The line printed for one file.
#[derive(Debug, Serialize)]
struct FileResult {
    file: String,
    ok: bool,
    trigger: Option<String>,
    error: Option<String>,
}

pub fn run(args: &ParseArgs, output: Output) -> CliResult {
    let mut failed = 0;
    for path in &args.files {
        let result = match std::fs::read(path) {
            Err(error) => Err(format!("cannot read: {error}")),
            Ok(body) => parse_unverified(&body)
                .map(|callback| callback.trigger().as_str().to_owned())
                .map_err(|error| error.to_string()),
        };
        if result.is_err() {
            failed += 1;
        }
        let (trigger, error) = match result {
            Ok(trigger) => (Some(trigger), None),
            Err(error) => (None, Some(error)),
        };
        output.json_line(&FileResult {
            file: path.display().to_string(),
            ok: error.is_none(),
            trigger,
            error,
        })?;
    }
    if failed > 0 {
        return Err(CliError::failure(format!(
            "{failed} of {} files did not parse",
            args.files.len()
        )));
    }
    Ok(())
}
