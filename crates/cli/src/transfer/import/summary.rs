//! What an import reports: a line for each row not imported as it happens (on a terminal), and
//! a summary at the end, as a table or as one JSON document with `--json`.

use serde::Serialize;

use crate::error::CliResult;
use crate::output::{Output, Table};
use crate::progress;

/// A row that was not imported.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// The row's line.
    pub line: u64,
    /// The row's external id, when it has one.
    pub external_id: Option<String>,
    /// `refused` (sending it again would not help) or `failed` (a rerun retries it).
    pub status: &'static str,
    /// What went wrong.
    pub error: String,
}

/// The summary printed at the end (also as JSON with --json).
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub file: String,
    pub journal: Option<String>,
    pub rows: u64,
    pub created: u64,
    pub recovered: u64,
    pub already_present: u64,
    pub refused: u64,
    pub failed: u64,
    pub not_started: u64,
    /// Requests sent again after a 429, a 5xx or a lost connection.
    pub retries: u64,
    /// How rows without a journal entry were checked against the server: `listing` (the
    /// server's external ids, listed once), `per row` (a look-up before each create), or
    /// `none` (every row had a journal entry).
    pub existing_check: &'static str,
    /// With `existing_check` = `listing`: the external ids the server held.
    pub existing_listed: Option<usize>,
    /// Rows an earlier run had sent without an answer: looked up before anything is created.
    pub in_doubt_from_earlier_runs: usize,
    pub interrupted: bool,
    /// Why the import stopped early (an unreachable server, refused credentials).
    pub stopped: Option<String>,
    pub elapsed_seconds: f64,
    pub created_per_second: f64,
    /// The first [`PROBLEMS_LISTED`] rows not imported (every one is also said on standard
    /// error as it happens, without `--json`).
    pub problems: Vec<Problem>,
    /// Rows not imported beyond those listed in `problems`.
    pub problems_not_listed: u64,
}

/// How many rows not imported the summary lists: memory stays bounded whatever the file holds.
pub const PROBLEMS_LISTED: usize = 1_000;

impl Summary {
    /// Counts a problem and, on a terminal, says it at once (the summary repeats it in JSON).
    pub fn report(&mut self, bar: &indicatif::ProgressBar, output: Output, problem: Problem) {
        if problem.status == "refused" {
            self.refused += 1;
        } else {
            self.failed += 1;
        }
        if !output.json {
            progress::eprint_line(
                bar,
                &format!(
                    "line {}: {}{}: {}",
                    problem.line,
                    problem.status,
                    problem
                        .external_id
                        .as_deref()
                        .map(|id| format!(" ({id})"))
                        .unwrap_or_default(),
                    problem.error
                ),
            );
        }
        if self.problems.len() < PROBLEMS_LISTED {
            self.problems.push(problem);
        } else {
            self.problems_not_listed += 1;
        }
    }

    /// Rows that were neither done nor given up: not read, or abandoned when the run stopped.
    pub fn settle(&mut self, elapsed: f64) {
        let accounted = self.created + self.already_present + self.refused + self.failed;
        self.not_started = self.rows.saturating_sub(accounted);
        self.elapsed_seconds = (elapsed * 1000.0).round() / 1000.0;
        self.created_per_second = if elapsed > 0.0 {
            (self.created as f64 / elapsed * 10.0).round() / 10.0
        } else {
            0.0
        };
    }

    /// Prints the summary.
    pub fn print(&self, output: Output) -> CliResult {
        if output.json {
            return output.json_line(self);
        }
        let mut table = Table::new(["IMPORT", "ROWS"]);
        table.row(["created".to_owned(), self.created.to_string()]);
        if self.recovered > 0 {
            table.row([
                "  of which recovered after an unclear answer".to_owned(),
                self.recovered.to_string(),
            ]);
        }
        table.row([
            "already present".to_owned(),
            self.already_present.to_string(),
        ]);
        table.row(["refused".to_owned(), self.refused.to_string()]);
        table.row(["failed".to_owned(), self.failed.to_string()]);
        if self.not_started > 0 {
            table.row(["not started".to_owned(), self.not_started.to_string()]);
        }
        table.row(["total".to_owned(), self.rows.to_string()]);
        output.text(&table.to_string())?;
        output.text(&format!(
            "{} in {:.2}s ({} created/s, {} retries){}",
            self.file,
            self.elapsed_seconds,
            self.created_per_second,
            self.retries,
            self.journal
                .as_deref()
                .map(|journal| format!("; journal {journal}"))
                .unwrap_or_default()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(line: u64) -> Problem {
        Problem {
            line,
            external_id: None,
            status: "refused",
            error: "bad".to_owned(),
        }
    }

    #[test]
    fn the_summary_lists_the_first_thousand_problems_and_counts_the_rest() {
        let bar = indicatif::ProgressBar::hidden();
        let mut summary = Summary::default();
        for line in 1..=1_002 {
            summary.report(&bar, Output { json: true }, refused(line));
        }
        assert_eq!(summary.refused, 1_002);
        assert_eq!(summary.problems.len(), 1_000);
        assert_eq!(summary.problems.last().map(|p| p.line), Some(1_000));
        assert_eq!(summary.problems_not_listed, 2);
    }
}
