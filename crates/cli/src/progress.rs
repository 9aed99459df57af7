//! Progress indicators: drawn on standard error when it is a terminal, hidden otherwise (so
//! pipes, files and tests get clean output).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether progress is drawn: only when standard error is a terminal.
pub fn enabled() -> bool {
    std::io::stderr().is_terminal()
}

/// A bar for `total` items, e.g. rows of an import.
pub fn bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), target());
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {what} [{{bar:30}}] {{pos}}/{{len}} ({{elapsed}}, eta {{eta}}) {{msg}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A counter for a stream of unknown length, e.g. pages of a list.
pub fn counter(what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, target());
    bar.set_style(
        ProgressStyle::with_template(&format!("{{spinner}} {{pos}} {what} ({{elapsed}}) {{msg}}"))
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn target() -> ProgressDrawTarget {
    if enabled() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

/// Prints a line on standard error (control characters escaped, see `output::eprint_line`)
/// without tearing a progress bar that is drawn there.
pub fn eprint_line(bar: &ProgressBar, line: &str) {
    if bar.is_hidden() {
        crate::output::eprint_line(line);
    } else {
        bar.suspend(|| crate::output::eprint_line(line));
    }
}
