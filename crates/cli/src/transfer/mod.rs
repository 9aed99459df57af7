//! `contacts import`, `contacts export` and `contacts sync`.

mod csv_shape;
mod export;
mod format;
mod import;
mod journal;
mod journal_file;
mod key;
mod pacing;
mod rows;
mod sync;

pub use export::{ExportArgs, export};
pub use import::{ImportArgs, import};
pub use sync::{SyncArgs, sync};
