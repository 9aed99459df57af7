//! `contacts import`: validated rows, bounded concurrency, creates safe to retry, resumable.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::Args;
use futures_util::StreamExt;
use serde::Serialize;
use sinch_contacts_port::{ContactsClient, Error as PortError, SafeCreateOptions};

use crate::error::{CliError, CliResult};
use crate::output::{Output, Table};
use crate::progress;
use crate::safe_create::{CreateOutcome, create_safe, find_or_create};
use crate::target::Target;
use crate::transfer::format::{FileFormat, format_of};
use crate::transfer::journal::{self, Journal, Progress};
use crate::transfer::rows::{Row, read_rows};

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
    /// Creates in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// The journal that makes a rerun resume (default: FILE.import-state).
    #[arg(long, value_name = "PATH", conflicts_with = "no_journal")]
    pub journal: Option<PathBuf>,
    /// Keep no journal: every row is looked up by external id before it is created (two requests
    /// per row, but nothing on disk).
    #[arg(long)]
    pub no_journal: bool,
}

/// What happened to one row.
#[derive(Debug)]
enum RowResult {
    /// Created now (`recovered` when found after an unclear answer).
    Created { recovered: bool },
    /// It existed already (journal, or found by external id).
    Present,
    /// The API refused it (4xx); sending it again would not help.
    Refused(String),
    /// It could not be done now (network, 5xx, 429 beyond retries); a rerun retries it.
    Failed(String),
}

/// A row that was not imported.
#[derive(Debug, Clone, Serialize)]
struct Problem {
    line: u64,
    external_id: Option<String>,
    status: &'static str,
    error: String,
}

/// The summary printed at the end (also as JSON with --json).
#[derive(Debug, Default, Serialize)]
struct Summary {
    file: String,
    journal: Option<String>,
    rows: usize,
    created: usize,
    recovered: usize,
    already_present: usize,
    refused: usize,
    failed: usize,
    not_started: usize,
    interrupted: bool,
    elapsed_seconds: f64,
    created_per_second: f64,
    problems: Vec<Problem>,
}

pub async fn import(
    client: &ContactsClient,
    target: &Target,
    args: &ImportArgs,
    safe: &SafeCreateOptions,
    output: Output,
) -> CliResult {
    let format = format_of(&args.file, args.format).ok_or_else(|| {
        CliError::usage(format!(
            "cannot tell the format of {} from its extension",
            args.file.display()
        ))
        .hint("pass --format csv or --format jsonl")
    })?;
    let rows = read_rows(&args.file, format)?;
    let (journal, earlier) = if args.no_journal {
        (None, Progress::default())
    } else {
        let path = args
            .journal
            .clone()
            .unwrap_or_else(|| journal::default_path(&args.file));
        let (journal, progress) = Journal::open(&path, target)?;
        (Some(Arc::new(journal)), progress)
    };
    let mut summary = Summary {
        file: args.file.display().to_string(),
        journal: journal.as_ref().map(|j| j.path().display().to_string()),
        rows: rows.valid.len() + rows.refused.len(),
        ..Summary::default()
    };
    let bar = progress::bar(summary.rows as u64, "importing");
    for refused in &rows.refused {
        report(
            &bar,
            output,
            Problem {
                line: refused.line,
                external_id: refused.external_id.clone(),
                status: "refused",
                error: refused.reason.clone(),
            },
            &mut summary,
        );
        bar.inc(1);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let watcher = tokio::spawn(watch_ctrl_c(stop.clone(), bar.clone()));
    let started = Instant::now();
    let total_valid = rows.valid.len();
    let mut processed = 0usize;
    {
        let work = futures_util::stream::iter(rows.valid)
            .take_while(|_| std::future::ready(!stop.load(Ordering::SeqCst)))
            .map(|row| {
                let client = client.clone();
                let journal = journal.clone();
                let known = earlier.done.contains_key(row.external_id());
                let in_doubt = args.no_journal || earlier.in_doubt.contains(row.external_id());
                async move {
                    let result =
                        import_row(&client, journal.as_deref(), &row, known, in_doubt, safe).await;
                    (row, result)
                }
            })
            .buffer_unordered(usize::from(args.concurrency));
        let mut work = std::pin::pin!(work);
        while let Some((row, result)) = work.next().await {
            processed += 1;
            bar.inc(1);
            match result {
                Ok(RowResult::Created { recovered, .. }) => {
                    summary.created += 1;
                    if recovered {
                        summary.recovered += 1;
                    }
                }
                Ok(RowResult::Present) => summary.already_present += 1,
                Ok(RowResult::Refused(error)) => {
                    report(&bar, output, problem(&row, "refused", error), &mut summary);
                }
                Ok(RowResult::Failed(error)) => {
                    report(&bar, output, problem(&row, "failed", error), &mut summary);
                }
                // The journal could not be written: stop, since a rerun could no longer tell
                // what was done.
                Err(error) => {
                    bar.finish_and_clear();
                    watcher.abort();
                    return Err(error);
                }
            }
        }
    }
    watcher.abort();
    bar.finish_and_clear();
    summary.interrupted = stop.load(Ordering::SeqCst);
    summary.not_started = total_valid - processed;
    let elapsed = started.elapsed().as_secs_f64();
    summary.elapsed_seconds = (elapsed * 1000.0).round() / 1000.0;
    summary.created_per_second = if elapsed > 0.0 {
        (summary.created as f64 / elapsed * 10.0).round() / 10.0
    } else {
        0.0
    };
    print_summary(&summary, output)?;

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

fn problem(row: &Row, status: &'static str, error: String) -> Problem {
    Problem {
        line: row.line,
        external_id: Some(row.external_id().to_owned()),
        status,
        error,
    }
}

/// Counts a problem and, on a terminal, says it at once (the summary repeats it in JSON).
fn report(bar: &indicatif::ProgressBar, output: Output, problem: Problem, summary: &mut Summary) {
    if problem.status == "refused" {
        summary.refused += 1;
    } else {
        summary.failed += 1;
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
    summary.problems.push(problem);
}

async fn import_row(
    client: &ContactsClient,
    journal: Option<&Journal>,
    row: &Row,
    known: bool,
    in_doubt: bool,
    safe: &SafeCreateOptions,
) -> CliResult<RowResult> {
    if known {
        return Ok(RowResult::Present);
    }
    let external_id = row.external_id();
    let attempt = if in_doubt {
        // Sent by an earlier run that stopped before the answer (or no journal): look first.
        if let Some(journal) = journal {
            journal.started(external_id)?;
        }
        find_or_create(client, &row.request, safe).await
    } else {
        if let Some(journal) = journal {
            journal.started(external_id)?;
        }
        create_safe(client, &row.request, safe).await
    };
    match attempt {
        Ok((contact, outcome)) => {
            let contact_id = contact.id.unwrap_or_default();
            let (result, word) = match outcome {
                CreateOutcome::Created => (RowResult::Created { recovered: false }, "created"),
                CreateOutcome::Recovered => (RowResult::Created { recovered: true }, "recovered"),
                CreateOutcome::AlreadyPresent => (RowResult::Present, "present"),
            };
            if let Some(journal) = journal {
                journal.done(external_id, &contact_id, word)?;
            }
            Ok(result)
        }
        Err(error) => Ok(classify(&error)),
    }
}

fn classify(error: &PortError) -> RowResult {
    let text = CliError::api(error).to_string();
    match error {
        PortError::Validation(_) => RowResult::Refused(text),
        PortError::Api(api) if api.status().is_client_error() && api.status().as_u16() != 429 => {
            RowResult::Refused(text)
        }
        _ => RowResult::Failed(text),
    }
}

/// First Ctrl-C: start no new row, finish those in flight. Second: quit at once (the journal
/// already says which rows were in flight, so a rerun resolves them).
async fn watch_ctrl_c(stop: Arc<AtomicBool>, bar: indicatif::ProgressBar) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    stop.store(true, Ordering::SeqCst);
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

fn print_summary(summary: &Summary, output: Output) -> CliResult {
    if output.json {
        return output.json_line(summary);
    }
    let mut table = Table::new(["IMPORT", "ROWS"]);
    table.row(["created".to_owned(), summary.created.to_string()]);
    if summary.recovered > 0 {
        table.row([
            "  of which recovered after an unclear answer".to_owned(),
            summary.recovered.to_string(),
        ]);
    }
    table.row([
        "already present".to_owned(),
        summary.already_present.to_string(),
    ]);
    table.row(["refused".to_owned(), summary.refused.to_string()]);
    table.row(["failed".to_owned(), summary.failed.to_string()]);
    if summary.not_started > 0 {
        table.row(["not started".to_owned(), summary.not_started.to_string()]);
    }
    table.row(["total".to_owned(), summary.rows.to_string()]);
    output.text(&table.to_string())?;
    output.text(&format!(
        "{} in {:.2}s ({} created/s){}",
        summary.file,
        summary.elapsed_seconds,
        summary.created_per_second,
        summary
            .journal
            .as_deref()
            .map(|journal| format!("; journal {journal}"))
            .unwrap_or_default()
    ))
}
