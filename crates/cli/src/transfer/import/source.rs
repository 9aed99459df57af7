//! The rows an import sends, as jobs for the bulk runner, read from the file as the runner asks
//! for them. Rows that need no request (refused, repeats, done by an earlier run, present on
//! the server) are counted here and never become jobs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use sinch_contacts_port::CreateJob;

use super::existing::ExistingIds;
use super::summary::{Problem, Summary};
use crate::error::CliError;
use crate::output::Output;
use crate::transfer::journal::{Journal, Resume};
use crate::transfer::key::external_id_key;
use crate::transfer::rows::{Row, RowItem, RowReader};

/// The row a job is for.
#[derive(Debug, Clone)]
pub struct RowKey {
    /// The row's line.
    pub line: u64,
    /// The row's external id.
    pub external_id: String,
}

/// What decides, row by row, whether and how a row is sent.
#[derive(Debug)]
pub struct Plan {
    /// Rows repeating an earlier row's external id, with the earlier line.
    pub repeats: HashMap<u64, u64>,
    /// What the journal says of earlier runs.
    pub resume: Resume,
    /// The server's external ids, when listed; `None`: look rows up one by one.
    pub existing: Option<ExistingIds>,
}

/// What the source shares with the loop that takes the results.
#[derive(Debug)]
pub struct Shared {
    /// The counts and problems.
    pub summary: Mutex<Summary>,
    /// Set when the source could not go on (the file or the journal failed).
    pub error: Mutex<Option<CliError>>,
    /// Set on Ctrl-C: take no new row.
    pub stop: AtomicBool,
}

impl Shared {
    /// Locks the summary (a panic elsewhere does not hide the counts).
    pub fn summary(&self) -> std::sync::MutexGuard<'_, Summary> {
        self.summary.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fail(&self, error: CliError) {
        *self.error.lock().unwrap_or_else(PoisonError::into_inner) = Some(error);
    }
}

/// The jobs of an import.
pub struct JobSource {
    rows: RowReader,
    plan: Plan,
    journal: Option<Arc<Journal>>,
    shared: Arc<Shared>,
    bar: indicatif::ProgressBar,
    output: Output,
    /// The rows not yet read: at most as many jobs are to come.
    rows_left: usize,
    ended: bool,
}

impl JobSource {
    /// Jobs from `rows` as `plan` decides, recording each in `journal` before it is handed out.
    pub fn new(
        rows: RowReader,
        row_count: usize,
        plan: Plan,
        journal: Option<Arc<Journal>>,
        shared: Arc<Shared>,
        bar: indicatif::ProgressBar,
        output: Output,
    ) -> Self {
        Self {
            rows,
            plan,
            journal,
            shared,
            bar,
            output,
            rows_left: row_count,
            ended: false,
        }
    }

    /// What to do with a valid row: `None` when it needs no request.
    fn job_for(&mut self, row: Row) -> Result<Option<(RowKey, CreateJob)>, CliError> {
        let key = external_id_key(row.external_id());
        if let Some(first) = self.plan.repeats.get(&row.line) {
            self.refuse(
                row.line,
                Some(row.external_id().to_owned()),
                format!("external_id already used on line {first}"),
            );
            return Ok(None);
        }
        if self.plan.resume.is_done(row.line, key) {
            self.present();
            return Ok(None);
        }
        let look_up_first = if self.plan.resume.is_in_doubt(key) {
            true
        } else {
            match &self.plan.existing {
                Some(existing) if existing.contains(key) => {
                    if let Some(journal) = &self.journal {
                        journal.done(row.external_id(), row.line, None, "present")?;
                    }
                    self.present();
                    return Ok(None);
                }
                Some(_) => false,
                None => true,
            }
        };
        if let Some(journal) = &self.journal {
            journal.started(row.external_id(), row.line)?;
        }
        let external_id = row.external_id().to_owned();
        Ok(Some((
            RowKey {
                line: row.line,
                external_id,
            },
            CreateJob::new(row.request).look_up_first(look_up_first),
        )))
    }

    fn present(&self) {
        self.shared.summary().already_present += 1;
        self.bar.inc(1);
    }

    fn refuse(&self, line: u64, external_id: Option<String>, error: String) {
        let problem = Problem {
            line,
            external_id,
            status: "refused",
            error,
        };
        self.shared
            .summary()
            .report(&self.bar, self.output, problem);
        self.bar.inc(1);
    }
}

impl Iterator for JobSource {
    type Item = (RowKey, CreateJob);

    fn next(&mut self) -> Option<Self::Item> {
        while !self.ended && !self.shared.stop.load(Ordering::SeqCst) {
            let item = self.rows.next();
            self.rows_left = self.rows_left.saturating_sub(usize::from(item.is_some()));
            let outcome = match item {
                None => {
                    self.ended = true;
                    return None;
                }
                Some(Err(error)) => Err(error),
                Some(Ok(RowItem::Refused(error))) => {
                    self.refuse(error.line, error.external_id, error.reason);
                    Ok(None)
                }
                Some(Ok(RowItem::Valid(row))) => self.job_for(row),
            };
            match outcome {
                Ok(Some(job)) => return Some(job),
                Ok(None) => {}
                // The file or the journal failed: stop taking rows; the import reports it.
                Err(error) => {
                    self.shared.fail(error);
                    self.ended = true;
                }
            }
        }
        None
    }

    /// At most one job per row not yet read.
    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(if self.ended { 0 } else { self.rows_left }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::format::FileFormat;

    /// Four rows, the second refused (no identity): the hint's upper bound is
    /// the rows not yet read, whether they become jobs or not.
    #[test]
    fn at_most_one_job_is_left_per_row_not_yet_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(
            &path,
            "external_id,language,channel_identities\n\
             a-1,EN_US,SMS:+46700000001\n\
             a-2,EN_US,\n\
             a-3,EN_US,SMS:+46700000003\n\
             a-4,EN_US,SMS:+46700000004\n",
        )
        .unwrap();
        let plan = Plan {
            repeats: HashMap::new(),
            resume: Resume::default(),
            existing: None,
        };
        let shared = Arc::new(Shared {
            summary: Mutex::new(Summary::default()),
            error: Mutex::new(None),
            stop: AtomicBool::new(false),
        });
        let mut jobs = JobSource::new(
            RowReader::open(&path, FileFormat::Csv).unwrap(),
            4,
            plan,
            None,
            shared.clone(),
            indicatif::ProgressBar::hidden(),
            Output { json: true },
        );
        assert_eq!(jobs.size_hint(), (0, Some(4)));
        assert_eq!(jobs.next().unwrap().0.external_id, "a-1");
        assert_eq!(jobs.size_hint(), (0, Some(3)));
        // The refused row is read on the way to the next job.
        assert_eq!(jobs.next().unwrap().0.external_id, "a-3");
        assert_eq!(jobs.size_hint(), (0, Some(1)));
        assert_eq!(jobs.next().unwrap().0.external_id, "a-4");
        assert!(jobs.next().is_none());
        assert_eq!(jobs.size_hint(), (0, Some(0)));
        assert_eq!(shared.summary().refused, 1);
    }
}
