//! `contacts sync FILE`: make Sinch's contacts equal to a source of truth, as a plan to read
//! (`--plan`, the default, which sends no write) and then to apply (`--apply`).
//!
//! The steps, each before the next:
//!
//! 1. [`source`]: every row of the file is read and checked (a bad row, a missing or repeated
//!    `external_id`, an identity in two rows, a value the API refuses fail the file, with its
//!    line, before any request);
//! 2. with `--apply`, the journal is read ([`journal`]);
//! 3. [`current`]: the contacts Sinch has now, listed page by page, or read from `--mirror`;
//! 4. the model crate plans; `--plan` prints the plan ([`render`], or [`report`] with `--json`);
//! 5. with `--apply`, the plan is printed, then applied stage by stage through the port's
//!    `apply_plan` ([`apply`]), and what was applied is summed up.

mod apply;
mod current;
mod journal;
mod render;
mod report;
mod source;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use sinch_contacts_model::{Contact, PlanError, PlanOptions, SyncPlan, apply_order, check_source};
use sinch_contacts_port::{ContactsClient, RetryPolicy};

use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::target::Target;
use crate::transfer::format::{FileFormat, format_of};
use crate::transfer::pacing;
use apply::{Applied, LookUp, Setting};
use current::Origin;
use journal::SyncJournal;
use report::{CurrentInfo, seconds};
use source::Source;

/// Arguments of `contacts sync`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Output: a summary line `+N to create, ~N to update, -N to delete, !N conflicts, N unchanged`, \
then one line per change (`+ KEY: field: value; ...`, `~ KEY (ID): field: old → new; ...`, \
`- KEY (ID)`, `! KEY ...`). With --json, one document (docs/cli.md). --apply prints the plan, \
applies it (deletes, then updates in waves so that an identity is released before it is \
taken, then creates), and ends with `+N created, ~N updated, -N deleted, !N conflicts, N \
unchanged`.

Exit codes: 0 planned, or everything applied (conflicts are listed, not failures); 1 bad input \
(nothing sent), a change not applied, interrupted or stopped (a rerun plans again against the \
live state and continues); 2 usage.")]
pub struct SyncArgs {
    /// The source of truth, in the import's formats: CSV whose header names the columns it has
    /// (`external_id` required; a field without a column is never touched) or JSON lines (one
    /// contact per line; the columns are the fields any row has a key for).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The file's format (default: from the extension, .csv or .jsonl).
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// Print what would change and send no write (the default).
    #[arg(long, conflicts_with = "apply")]
    pub plan: bool,
    /// Plan against the live state, print the plan, then apply it and print what was applied.
    #[arg(long)]
    pub apply: bool,
    /// Also delete the contacts whose external_id no row has (never a contact without one).
    #[arg(long)]
    pub delete_missing: bool,
    /// Read the current contacts from the mirror `callbacks listen --state` keeps (a SQLite file
    /// or a PostgreSQL URL) instead of listing them; with --apply every create is then looked
    /// up by external id first, as the mirror may lag behind.
    #[arg(long, value_name = "FILE|URL")]
    pub mirror: Option<String>,
    /// At most this many changes in flight; the sync finds how many the server takes, up to it.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Never send more than this many requests a second (a quota you know), e.g. `200/s`.
    #[arg(long, value_name = "N/s", value_parser = pacing::parse_rate)]
    pub max_rate: Option<f64>,
    /// The journal of --apply (default: FILE.sync-state).
    #[arg(long, value_name = "PATH", conflicts_with = "no_journal")]
    pub journal: Option<PathBuf>,
    /// Keep no journal (a rerun still plans against the live state).
    #[arg(long)]
    pub no_journal: bool,
}

/// Runs `contacts sync`.
pub async fn sync(
    client: &ContactsClient,
    target: &Target,
    args: &SyncArgs,
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
    let started = Instant::now();
    let source = source::read(&args.file, format)?;
    if source.rows.is_empty() {
        return Err(CliError::failure(format!(
            "{} holds no rows: nothing to sync",
            args.file.display()
        ))
        .hint("an empty source would plan to delete every contact with --delete-missing"));
    }
    let checked = check_source(&source.rows, &source.columns)
        .map_err(|error| bad_input(&args.file, &source, &error))?;
    let read_seconds = seconds(started.elapsed());

    let journal = if args.apply && !args.no_journal {
        let path = args
            .journal
            .clone()
            .unwrap_or_else(|| journal::default_path(&args.file));
        Some(SyncJournal::open(&path, target)?)
    } else {
        None
    };

    let max_rounds = retry.max_attempts();
    let bulk = pacing::bulk(client, retry, usize::from(args.concurrency), args.max_rate)?;
    let listed = Instant::now();
    let (current, origin) = match &args.mirror {
        Some(location) => (current::read_mirror(location).await?, Origin::Mirror),
        None => (current::list(&bulk).await?, Origin::Listing),
    };
    let current_seconds = seconds(listed.elapsed());

    let planned = Instant::now();
    let options = PlanOptions {
        delete_missing: args.delete_missing,
    };
    let plan = checked
        .plan(&current, &options)
        .map_err(|error| bad_input(&args.file, &source, &error))?;
    let plan_seconds = seconds(planned.elapsed());

    let mut document = report::document(
        if args.apply { "apply" } else { "plan" },
        &plan,
        &source,
        CurrentInfo {
            from: origin,
            contacts: current.len(),
        },
        args.delete_missing,
    );
    document.file = args.file.display().to_string();
    document.timings.read_seconds = read_seconds;
    document.timings.current_seconds = current_seconds;
    document.timings.plan_seconds = plan_seconds;
    if !output.json {
        output.text(&render::plan_lines(&plan, &source).join("\n"))?;
    }
    if !args.apply {
        return if output.json {
            output.json_line(&document)
        } else {
            Ok(())
        };
    }

    let applying = Instant::now();
    let applied = apply_plan(
        &plan,
        current,
        &args.mirror,
        journal,
        &bulk,
        max_rounds,
        output,
    )
    .await?;
    document.timings.apply_seconds = Some(seconds(applying.elapsed()));
    let complete = applied.complete();
    let message = (!complete).then(|| unfinished(&applied));
    if output.json {
        document.applied = Some(applied);
        output.json_line(&document)?;
    } else {
        output.text(&applied.summary.applied())?;
    }
    match message {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Applies `plan` (a copy: the document borrows the original), made from `current`.
async fn apply_plan(
    plan: &SyncPlan,
    current: Vec<Contact>,
    mirror: &Option<String>,
    journal: Option<(SyncJournal, journal::InDoubt)>,
    bulk: &sinch_contacts_port::Bulk,
    max_rounds: u32,
    output: Output,
) -> CliResult<Applied> {
    let order = apply_order(plan, &current);
    drop(current);
    let mut applied = Applied {
        summary: render::Counts {
            conflicts: plan.conflicts.len(),
            unchanged: plan.unchanged,
            ..render::Counts::default()
        },
        ..Applied::default()
    };
    let (journal, in_doubt) = match journal {
        Some((journal, in_doubt)) => {
            let to_create: HashSet<&str> = plan
                .creates
                .iter()
                .filter_map(|create| create.external_id.as_deref())
                .collect();
            journal.keep(&in_doubt, &to_create)?;
            applied.journal = Some(journal.path().display().to_string());
            applied.in_doubt_from_earlier_runs = in_doubt.len();
            (Some(Arc::new(journal)), in_doubt.creates())
        }
        None => (None, HashSet::new()),
    };
    if order.is_empty() {
        return Ok(applied);
    }
    let setting = Setting {
        bulk,
        journal,
        look_up: if mirror.is_some() {
            LookUp::All
        } else {
            LookUp::Only(in_doubt)
        },
        max_rounds,
        output,
    };
    apply::apply(plan.clone(), order, setting, applied).await
}

/// The error of an apply that did not apply everything.
fn unfinished(applied: &Applied) -> CliError {
    if let Some(stopped) = &applied.stopped {
        return CliError::failure(stopped.clone()).hint(format!(
            "{} changes not applied; rerun the same command to continue (it plans again against the live state)",
            applied.failed + applied.held_back + applied.not_started
        ));
    }
    if applied.interrupted {
        return CliError::failure(format!(
            "interrupted with {} changes not started",
            applied.not_started
        ))
        .hint("rerun the same command to continue; nothing will be created twice");
    }
    CliError::failure(format!(
        "{} changes were not applied ({} failed, {} held back, {} not started)",
        applied.failed + applied.held_back + applied.not_started,
        applied.failed,
        applied.held_back,
        applied.not_started
    ))
    .hint("a rerun plans again against the live state and retries them")
}

/// Bad input, named by its line: nothing was sent.
fn bad_input(file: &std::path::Path, source: &Source, error: &PlanError) -> CliError {
    let line = |row: usize| source.line(row);
    let text = match error {
        PlanError::MissingExternalId { row } => format!(
            "line {}: no external_id (every row needs one: it is the key)",
            line(*row)
        ),
        PlanError::DuplicateExternalId {
            row,
            first_row,
            external_id,
        } => format!(
            "line {}: external_id `{external_id}` is already the key of line {}",
            line(*row),
            line(*first_row)
        ),
        PlanError::SharedIdentity {
            row,
            external_id,
            first_row,
            first_external_id,
            identity,
        } => format!(
            "line {} ({external_id}): the channel identity {} is also in line {} ({first_external_id})",
            line(*row),
            crate::identity::format_identity(identity),
            line(*first_row)
        ),
        PlanError::Invalid {
            row,
            external_id,
            error,
        } => {
            let text = error.to_string();
            format!(
                "line {} ({external_id}): {}",
                line(*row),
                text.strip_prefix("invalid request: ").unwrap_or(&text)
            )
        }
        other => other.to_string(),
    };
    CliError::failure(format!("{}: {text}", file.display()))
        .hint("fix the file and run the command again; nothing was sent")
}
