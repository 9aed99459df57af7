//! `contacts import` and `contacts export`.

mod csv_shape;
mod export;
mod format;
mod import;
mod journal;
mod rows;

use std::path::PathBuf;

use clap::Args;

pub use export::export;
pub use import::import;

use format::FileFormat;

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
}
