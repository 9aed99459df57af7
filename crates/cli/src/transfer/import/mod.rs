//! `contacts import`: rows streamed from the file, paced by the port's bulk runner (adaptive
//! concurrency, 429s waited out without holding a place), creates safe to retry, resumable, and
//! never duplicating a contact whatever the journal says.
//!
//! The steps, each before the next:
//!
//! 1. [`index`]: a first pass over the file (the first line refuses a file that is not CSV or
//!    JSON lines; rows are counted; rows repeating an external id are found).
//! 2. The journal is read (without keeping its external ids: a key per line).
//! 3. [`existing`]: rows without a journal entry are checked against the server, by listing its
//!    external ids once (or, when the listing would cost more than looking each row up, by a
//!    look-up before each create).
//! 4. [`source`]: the rows are read again and handed to the runner as it asks for them; the
//!    results are journalled as they come.

mod existing;
mod index;
mod source;
mod summary;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use clap::Args;
use futures_util::StreamExt;
use sinch_contacts_port::{
    ContactsClient, Error as PortError, JobError, JobErrorKind, RetryPolicy, SafeCreateOptions,
    SafeCreateOutcome,
};

use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::progress;
use crate::target::Target;
use crate::transfer::format::{FileFormat, format_of};
use crate::transfer::journal::{self, Journal, Resume};
use crate::transfer::pacing;
use crate::transfer::rows::RowReader;
use existing::list_existing;
use index::FileIndex;
use source::{JobSource, Plan, RowKey, Shared};
use summary::{Problem, Summary};

/// Arguments of `contacts import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV (header `external_id,display_name,email,language,channel_identities,channel_priority,metadata`;
    /// identities as `SMS:+46700000001;WHATSAPP:+46700000001`) or JSON lines (one contact per line).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The file's format (default: from the extension, .csv or .jsonl).
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// At most this many creates in flight; the import finds how many the server takes, up to it.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Never send more than this many requests a second (a quota you know), e.g. `200/s`.
    /// Without it the import learns the server's limit from its 429 answers.
    #[arg(long, value_name = "N/s", value_parser = pacing::parse_rate)]
    pub max_rate: Option<f64>,
    /// The journal that makes a rerun resume (default: FILE.import-state).
    #[arg(long, value_name = "PATH", conflicts_with = "no_journal")]
    pub journal: Option<PathBuf>,
    /// Keep no journal: every row is checked against the server before it is created (by
    /// listing the server's external ids once, or by a look-up per row when that is cheaper).
    #[arg(long)]
    pub no_journal: bool,
}

pub async fn import(
    client: &ContactsClient,
    target: &Target,
    args: &ImportArgs,
    retry: RetryPolicy,
    output: Output,
) -> CliResult {
    let format = format_of(&args.file, args.format).ok_or_else(|| {
        CliError::usage(format!(
            "cannot tell the format of {} from its extension",
            args.file.display()
        ))
        .hint("pass --format csv or --format jsonl")
    })?;
    let mut index = FileIndex::build(&args.file, format)?;
    if index.rows == 0 {
        return Err(CliError::failure(format!(
            "{} holds no rows: nothing to import",
            args.file.display()
        )));
    }
    let (journal, resume) = if args.no_journal {
        (None, Resume::default())
    } else {
        let path = args
            .journal
            .clone()
            .unwrap_or_else(|| journal::default_path(&args.file));
        let (journal, resume) = Journal::open(&path, target, index.last_line)?;
        (Some(Arc::new(journal)), resume)
    };
    let unknown = index.count(|key, line| !resume.is_done(line, key) && !resume.is_in_doubt(key));
    index.forget_rows();

    let max_rounds = retry.max_attempts();
    let bulk = pacing::bulk(client, retry, usize::from(args.concurrency), args.max_rate)?;
    let summary = Summary {
        file: args.file.display().to_string(),
        journal: journal.as_ref().map(|j| j.path().display().to_string()),
        rows: index.rows,
        ..Summary::default()
    };
    let shared = Arc::new(Shared {
        summary: Mutex::new(summary),
        error: Mutex::new(None),
        stop: AtomicBool::new(false),
    });
    let started = Instant::now();
    let (existing, check) = if unknown == 0 {
        (None, "none")
    } else {
        match list_existing(&bulk, unknown).await {
            Ok(Some(existing)) => (Some(existing), "listing"),
            Ok(None) => (None, "per row"),
            // Nothing was sent but the listing: the summary says why, the journal is as it was.
            Err(error) => {
                let mut summary = std::mem::take(&mut *shared.summary());
                summary.stopped = Some(format!("cannot list the contacts the server has: {error}"));
                summary.settle(started.elapsed().as_secs_f64());
                return conclude(&summary, output);
            }
        }
    };
    {
        let mut summary = shared.summary();
        summary.existing_check = check;
        summary.existing_listed = existing.as_ref().map(|existing| existing.len());
        summary.in_doubt_from_earlier_runs = resume.in_doubt_count();
    }

    let bar = progress::bar(index.rows, "importing");
    let watcher = tokio::spawn(watch_ctrl_c(shared.clone(), bar.clone()));
    let rows = RowReader::open(&args.file, format)?;
    let plan = Plan {
        repeats: std::mem::take(&mut index.repeats),
        resume,
        existing,
    };
    let jobs = JobSource::new(
        rows,
        usize::try_from(index.rows).unwrap_or(usize::MAX),
        plan,
        journal.clone(),
        shared.clone(),
        bar.clone(),
        output,
    );
    let mut run = bulk.create_safe_jobs(
        futures_util::stream::iter(jobs),
        SafeCreateOptions::default().with_max_rounds(max_rounds),
    );
    let mut journal_failure = None;
    while let Some(item) = run.next().await {
        let result = match item {
            Ok(result) => result,
            Err(stopped) => {
                shared.summary().stopped = Some(stopped.to_string());
                continue;
            }
        };
        bar.inc(1);
        let mut summary = shared.summary();
        summary.retries += u64::from(result.attempts.saturating_sub(1));
        let RowKey { line, external_id } = result.key;
        match result.outcome {
            Ok(created) => {
                let word = match created.outcome {
                    SafeCreateOutcome::Created => {
                        summary.created += 1;
                        "created"
                    }
                    SafeCreateOutcome::Recovered => {
                        summary.created += 1;
                        summary.recovered += 1;
                        "recovered"
                    }
                    _ => {
                        summary.already_present += 1;
                        "present"
                    }
                };
                if let Some(journal) = &journal
                    && let Err(error) =
                        journal.done(&external_id, line, created.contact.id.as_deref(), word)
                {
                    // The journal cannot be written: take no new row, since a rerun could no
                    // longer tell what was done; the rows in flight are in doubt there already.
                    shared.stop.store(true, Ordering::SeqCst);
                    journal_failure.get_or_insert(error);
                }
            }
            Err(error) if error.kind() == JobErrorKind::Abandoned => {}
            Err(error) => {
                let status = status_of(&error);
                summary.report(
                    &bar,
                    output,
                    Problem {
                        line,
                        external_id: Some(external_id),
                        status,
                        error: describe(&error),
                    },
                );
            }
        }
    }
    watcher.abort();
    bar.finish_and_clear();
    let source_failure = shared
        .error
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    let mut summary = std::mem::take(&mut *shared.summary());
    summary.interrupted = shared.stop.load(Ordering::SeqCst) && journal_failure.is_none();
    summary.settle(started.elapsed().as_secs_f64());
    if let Some(error) = source_failure.or(journal_failure) {
        return Err(error);
    }
    conclude(&summary, output)
}

/// Prints the summary, and says how the import ended: `Ok` when every row is imported.
fn conclude(summary: &Summary, output: Output) -> CliResult {
    summary.print(output)?;
    if let Some(stopped) = &summary.stopped {
        return Err(CliError::failure(stopped.clone()).hint(format!(
            "{} rows not done; the journal keeps what was done, rerun the same command to continue",
            summary.not_started
        )));
    }
    if summary.interrupted {
        return Err(CliError::failure(format!(
            "interrupted with {} rows not started",
            summary.not_started
        ))
        .hint("rerun the same command to resume; nothing will be created twice"));
    }
    let not_imported = summary.refused + summary.failed;
    if not_imported > 0 {
        return Err(CliError::failure(format!(
            "{not_imported} of {} rows were not imported ({} refused, {} failed)",
            summary.rows, summary.refused, summary.failed
        ))
        .hint("fix the refused rows and rerun; failed rows are retried by a rerun"));
    }
    Ok(())
}

/// `refused` when sending the row again would not help (a 4xx other than 429, a validation
/// error), `failed` otherwise (a rerun retries it).
fn status_of(error: &JobError) -> &'static str {
    match (error.kind(), error.error()) {
        (JobErrorKind::Permanent, Some(PortError::Validation(_))) => "refused",
        (JobErrorKind::Permanent, Some(PortError::Api(api)))
            if api.status().is_client_error() && api.status().as_u16() != 429 =>
        {
            "refused"
        }
        _ => "failed",
    }
}

/// The error of a row as one line: the API's message when there is one.
fn describe(error: &JobError) -> String {
    match error.error() {
        Some(cause) => {
            let text = CliError::api(cause).to_string();
            match error.kind() {
                JobErrorKind::Permanent => text,
                JobErrorKind::Unsafe => {
                    format!("{text} (it may have been applied: a rerun looks it up)")
                }
                _ => format!("{text} (on every attempt)"),
            }
        }
        None => error.to_string(),
    }
}

/// First Ctrl-C: start no new row, finish those in flight. Second: quit at once (the journal
/// already says which rows were in flight, so a rerun resolves them).
async fn watch_ctrl_c(shared: Arc<Shared>, bar: indicatif::ProgressBar) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    shared.stop.store(true, Ordering::SeqCst);
    progress::eprint_line(
        &bar,
        "interrupted: finishing the rows in flight (Ctrl-C again to quit now; a rerun resumes)",
    );
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!(
            "error: interrupted (rerun the same command to resume; nothing will be created twice)"
        );
        std::process::exit(i32::from(crate::error::EXIT_FAILURE));
    }
}
