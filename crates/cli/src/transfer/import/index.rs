//! A first pass over the input, before anything is sent: how many rows there are, the last
//! line, and which rows repeat an external id of an earlier row. It keeps one 16-byte entry
//! per valid row while it runs, and only the repeats afterwards.

use std::collections::HashMap;
use std::path::Path;

use crate::error::CliResult;
use crate::transfer::format::FileFormat;
use crate::transfer::key::external_id_key;
use crate::transfer::rows::{RowItem, RowReader};

/// What the first pass learnt.
#[derive(Debug, Default)]
pub struct FileIndex {
    /// Rows, valid or not.
    pub rows: u64,
    /// The last line of a row.
    pub last_line: u64,
    /// For a valid row whose external id an earlier valid row has: the earlier row's line.
    pub repeats: HashMap<u64, u64>,
    /// The key and line of every valid row that is not a repeat, in no particular order:
    /// what [`FileIndex::count`] counts over. Dropped with [`FileIndex::forget_rows`].
    keys: Vec<(u64, u64)>,
}

impl FileIndex {
    /// Reads every row of `path`.
    ///
    /// # Errors
    ///
    /// When the file is refused from its first line, or cannot be read.
    pub fn build(path: &Path, format: FileFormat) -> CliResult<Self> {
        let mut index = Self::default();
        let mut keys = Vec::new();
        for item in RowReader::open(path, format)? {
            let item = item?;
            index.rows += 1;
            let line = match &item {
                RowItem::Valid(row) => {
                    keys.push((external_id_key(row.external_id()), row.line));
                    row.line
                }
                RowItem::Refused(error) => error.line,
            };
            index.last_line = index.last_line.max(line);
        }
        // Rows with the same key end up side by side, the first line first.
        keys.sort_unstable();
        let mut first: Option<(u64, u64)> = None;
        keys.retain(|&(key, line)| match first {
            Some((first_key, first_line)) if first_key == key => {
                index.repeats.insert(line, first_line);
                false
            }
            _ => {
                first = Some((key, line));
                true
            }
        });
        index.keys = keys;
        Ok(index)
    }

    /// How many valid rows that are not repeats satisfy `wanted(key, line)`.
    pub fn count(&self, wanted: impl Fn(u64, u64) -> bool) -> u64 {
        self.keys
            .iter()
            .filter(|&&(key, line)| wanted(key, line))
            .count() as u64
    }

    /// Frees the per-row entries once they are not needed.
    pub fn forget_rows(&mut self) {
        self.keys = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_point_at_the_first_valid_row_with_the_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(
            &path,
            "external_id,language,channel_identities\n\
             b,EN_US,SMS:+1\n\
             a,EN_US,\n\
             a,EN_US,SMS:+2\n\
             b,EN_US,SMS:+3\n\
             a,EN_US,SMS:+4\n\
             b,EN_US,SMS:+5\n\
             c,EN_US,SMS:+6\n",
        )
        .unwrap();
        let index = FileIndex::build(&path, FileFormat::Csv).unwrap();
        assert_eq!(index.rows, 7);
        assert_eq!(index.last_line, 8);
        // Line 3 is refused (no identity), so line 4 is the first valid `a`.
        assert_eq!(index.repeats, HashMap::from([(5, 2), (6, 4), (7, 2)]));
        assert_eq!(index.count(|_, _| true), 3);
        assert_eq!(index.count(|_, line| line > 2), 2);
    }
}
