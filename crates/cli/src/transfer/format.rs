//! The file formats of `contacts import` and `contacts export`, and how a path tells its own.

use clap::ValueEnum;

/// File formats of `import` and `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    /// One contact per line as JSON (the contact's wire shape).
    Jsonl,
    /// A header row, then one contact per row.
    Csv,
}

/// Where a path's format comes from: the flag, else the extension.
pub fn format_of(path: &std::path::Path, flag: Option<FileFormat>) -> Option<FileFormat> {
    flag.or_else(|| {
        match path
            .extension()
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Some(FileFormat::Csv),
            Some("jsonl" | "ndjson" | "json") => Some(FileFormat::Jsonl),
            _ => None,
        }
    })
}
