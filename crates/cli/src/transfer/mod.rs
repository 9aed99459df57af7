//! `contacts import` and `contacts export`.

mod csv_shape;
mod export;
mod format;
mod import;
mod journal;
mod journal_file;
mod key;
mod pacing;
mod rows;

pub use export::{ExportArgs, export};
pub use import::{ImportArgs, import};
