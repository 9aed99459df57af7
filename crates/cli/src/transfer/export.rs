//! `contacts export`: every contact, page by page, as JSON lines or CSV, paced like an import.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use futures_util::StreamExt;
use sinch_contacts_port::{ContactsClient, RetryPolicy};

use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::progress;
use crate::transfer::csv_shape::{COLUMNS, contact_record};
use crate::transfer::format::{FileFormat, format_of};
use crate::transfer::pacing;

/// Arguments of `contacts export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format (default: from --out's extension, else jsonl).
    #[arg(long, value_enum)]
    pub format: Option<FileFormat>,
    /// The file to write (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Give contacts without an external id their contact id as external id, so every exported
    /// row can be imported (import needs an external id on every row).
    #[arg(long)]
    pub fill_external_id: bool,
    /// Never send more than this many requests a second (a quota you know), e.g. `200/s`.
    /// Without it the export learns the server's limit from its 429 answers.
    #[arg(long, value_name = "N/s", value_parser = pacing::parse_rate)]
    pub max_rate: Option<f64>,
}

pub async fn export(
    client: &ContactsClient,
    args: &ExportArgs,
    retry: RetryPolicy,
    output: Output,
) -> CliResult {
    // Pages follow each other (each needs the previous page's token): one in flight.
    let bulk = pacing::bulk(client, retry, 1, args.max_rate)?;
    let path = output_path(&args.out);
    let format = match path {
        Some(path) => format_of(path, args.format).unwrap_or(FileFormat::Jsonl),
        None => args.format.unwrap_or(FileFormat::Jsonl),
    };
    let sink: Box<dyn Write> = match path {
        Some(path) => Box::new(File::create(path).map_err(|error| {
            CliError::failure(format!("cannot create {}: {error}", path.display()))
        })?),
        None => Box::new(io::stdout().lock()),
    };
    let destination = path.map_or("standard output".to_owned(), |path| {
        path.display().to_string()
    });
    let write_error = |error: &dyn std::fmt::Display| {
        CliError::failure(format!("cannot write {destination}: {error}"))
    };
    let mut writer = Writer::new(BufWriter::new(sink), format).map_err(|e| write_error(&e))?;

    let counter = progress::counter("contacts exported");
    let mut without_external_id = 0u64;
    let mut stream = bulk.list_contacts();
    while let Some(contact) = stream.next().await {
        let mut contact = contact.map_err(|error| {
            CliError::failure(error.to_string()).context(format!(
                "export stopped after {} contacts ({destination} holds them)",
                counter.position()
            ))
        })?;
        if contact.external_id.as_deref().is_none_or(str::is_empty) {
            if args.fill_external_id {
                contact.external_id = contact.id.clone();
            } else {
                without_external_id += 1;
            }
        }
        match writer.write(&contact) {
            Ok(()) => {}
            // The reader of a pipe went away (`| head`): stop quietly, as other tools do.
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            Err(error) => return Err(write_error(&error)),
        }
        counter.inc(1);
    }
    match writer.finish() {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
        Err(error) => return Err(write_error(&error)),
    }
    counter.finish_and_clear();
    let count = counter.position();
    let summary = serde_json::json!({
        "exported": count,
        "to": destination,
        "format": match format { FileFormat::Jsonl => "jsonl", FileFormat::Csv => "csv" },
        "without_external_id": without_external_id,
    });
    // The summary goes to standard error when the contacts went to standard output.
    let note = format!(
        "exported {count} contacts to {destination}{}",
        if without_external_id > 0 {
            format!(
                " ({without_external_id} without external id: import refuses those rows; --fill-external-id uses their contact id)"
            )
        } else {
            String::new()
        }
    );
    match (path, output.json) {
        (Some(_), true) => output.json_line(&summary),
        (Some(_), false) => output.text(&note),
        (None, _) => {
            eprintln!("{note}");
            Ok(())
        }
    }
}

/// A file argument that may be `-` for standard input or output.
fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Where an output goes: a file, or standard output when absent or `-`.
fn output_path(out: &Option<PathBuf>) -> Option<&PathBuf> {
    out.as_ref().filter(|path| !is_stdio(path))
}

/// Writes contacts in one format.
enum Writer<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
}

impl<W: Write> Writer<W> {
    fn new(sink: W, format: FileFormat) -> Result<Self, csv::Error> {
        Ok(match format {
            FileFormat::Jsonl => Self::Jsonl(sink),
            FileFormat::Csv => {
                let mut writer = csv::Writer::from_writer(sink);
                writer.write_record(COLUMNS)?;
                Self::Csv(Box::new(writer))
            }
        })
    }

    fn write(&mut self, contact: &sinch_contacts_model::Contact) -> Result<(), io::Error> {
        match self {
            Self::Jsonl(sink) => {
                serde_json::to_writer(&mut *sink, contact).map_err(|error| {
                    match error.io_error_kind() {
                        Some(kind) => io::Error::new(kind, error),
                        None => io::Error::other(error),
                    }
                })?;
                sink.write_all(b"\n")
            }
            Self::Csv(writer) => writer
                .write_record(contact_record(contact))
                .map_err(|error| match error.into_kind() {
                    csv::ErrorKind::Io(error) => error,
                    other => io::Error::other(format!("{other:?}")),
                }),
        }
    }

    fn finish(self) -> Result<(), io::Error> {
        match self {
            Self::Jsonl(mut sink) => sink.flush(),
            Self::Csv(mut writer) => writer.flush(),
        }
    }
}
