//! The line printed per received callback (text or JSON), the same with or without a state file.

use serde::Serialize;
use sinch_contacts_callbacks::Callback;
use sinch_contacts_callbacks::axum_handler::{RejectReason, Rejected};

use super::forward::{self, HeldLine};
use crate::callbacks::report::describe_callback;
use crate::error::{CliError, CliResult};
use crate::output::{Output, eprint_line, escape_controls};

/// The JSON line printed per callback.
#[derive(Debug, Serialize)]
struct Received<'a> {
    trigger: &'a str,
    summary: &'a str,
    mirror: String,
    suppression: String,
    /// The delivery was in the state file's ledger already: nothing changed.
    already_applied: bool,
    callback: &'a Callback,
}

/// Prints one callback with what it did to the mirror and the suppression list, or that it was
/// a delivery applied before (a duplicate). With `--forward-to`, the line is held until the app
/// answered, and ends with its answer ([`forward::hold`]).
pub fn print_callback(
    callback: &Callback,
    mirror: String,
    suppression: String,
    already_applied: bool,
    output: Output,
) -> CliResult {
    let report = describe_callback(callback);
    if output.json {
        let received = Received {
            trigger: &report.trigger,
            summary: &report.summary,
            mirror,
            suppression,
            already_applied,
            callback,
        };
        if forward::holding() {
            let value = serde_json::to_value(&received)
                .map_err(|error| CliError::failure(format!("cannot write JSON: {error}")))?;
            forward::hold(HeldLine::Json(value));
            return Ok(());
        }
        output.json_line(&received)
    } else {
        // Each part on one line: a name holding a line break cannot forge another callback.
        let mut line = escape_controls(&report.summary).into_owned();
        for (label, text) in [("mirror", &mirror), ("suppression", &suppression)] {
            if !text.is_empty() {
                line.push_str(&format!(" | {label}: {}", escape_controls(text)));
            }
        }
        if already_applied {
            line.push_str(" | already applied (duplicate delivery), nothing changed");
        }
        if forward::holding() {
            forward::hold(HeldLine::Text(line));
            return Ok(());
        }
        output.text(&line)
    }
}

/// Prints, on standard error, why a delivery was refused (never its body; the detail, which may
/// quote a header, with its control characters escaped). Deliveries refused because the queue
/// is full are only counted: in a burst they come by the thousand, and the sender retries them.
pub fn print_rejected(rejected: &Rejected) {
    let detail = escape_controls(&rejected.detail);
    match rejected.reason {
        RejectReason::Overloaded => {}
        RejectReason::HandlerFailed => eprint_line(&format!(
            "error: callback not stored, answered 500 so the sender retries: {detail}"
        )),
        reason => eprint_line(&format!(
            "refused ({} {}): {detail}",
            rejected.status.as_u16(),
            reason.as_str(),
        )),
    }
}
