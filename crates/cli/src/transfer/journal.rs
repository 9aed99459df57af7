//! The import journal (`FILE.import-state`): JSON lines appended as rows progress, so an
//! interrupted or killed import can be rerun without creating anything twice.
//!
//! ```text
//! {"journal":"sinch-contacts import","version":2,"base_url":"http://127.0.0.1:4100","project_id":"p"}
//! {"started":"ext-1","line":2}
//! {"done":"ext-1","line":2,"contact_id":"01H...","outcome":"created"}
//! ```
//!
//! `started` is written before the row's create may be sent, so a rerun knows which rows were
//! in flight when the process died: those are looked up by external id before anything is
//! created. `done` is written after the server answered. Each record is one line written with a
//! single call on a file opened for appending, so a killed process leaves at most a cut last
//! line, which is ignored when the journal is read back and removed before anything is appended.
//!
//! Reading a journal back keeps no map of external ids: a row is done when the journal's `done`
//! record for its line names the same external id (one 64-bit key per line of the input), and
//! the rows in doubt are the keys of the `started` records not followed by a `done`: a few per
//! interrupted run. Version 1 journals (records without a line) are read too; their `done`
//! records are kept as a set of keys.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::CliResult;
use crate::target::Target;
use crate::transfer::journal_file::{self, JournalFile, Kind};
use crate::transfer::key::external_id_key;

/// The import journal: version 2 is written, versions 1 and 2 are read.
const KIND: Kind = Kind {
    magic: "sinch-contacts import",
    version: 2,
    oldest: 1,
    noun: "an import journal",
    written_by: "an import into",
};

/// Every other line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Record {
    Done {
        done: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contact_id: Option<String>,
        outcome: String,
    },
    Started {
        started: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u64>,
    },
}

/// What a journal says about earlier runs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Resume {
    /// At index `line`, the key of the external id done at that line (0: none).
    done_lines: Vec<u64>,
    /// Keys done in records that name no line (version 1 journals).
    done_unlined: HashSet<u64>,
    /// Keys whose create was started and not answered (the process stopped).
    in_doubt: HashSet<u64>,
}

impl Resume {
    /// Whether the row at `line` whose external id has `key` is done.
    pub fn is_done(&self, line: u64, key: u64) -> bool {
        usize::try_from(line)
            .ok()
            .and_then(|line| self.done_lines.get(line))
            .is_some_and(|done| *done == key)
            || self.done_unlined.contains(&key)
    }

    /// Whether a create for the external id with `key` may have been sent without an answer.
    pub fn is_in_doubt(&self, key: u64) -> bool {
        self.in_doubt.contains(&key)
    }

    /// How many rows an earlier run left in doubt.
    pub fn in_doubt_count(&self) -> usize {
        self.in_doubt.len()
    }

    fn record_done(&mut self, external_id: &str, line: Option<u64>, max_line: u64) {
        let key = external_id_key(external_id);
        self.in_doubt.remove(&key);
        match line {
            // A line the input does not have any more cannot be done: skip it.
            Some(line) if line > max_line => {}
            Some(line) => {
                let index = usize::try_from(line).unwrap_or(usize::MAX);
                if self.done_lines.len() <= index {
                    self.done_lines.resize(index + 1, 0);
                }
                self.done_lines[index] = key;
            }
            None => {
                self.done_unlined.insert(key);
            }
        }
    }

    fn record_started(&mut self, external_id: &str, line: Option<u64>) {
        let key = external_id_key(external_id);
        if !self.is_done(line.unwrap_or(u64::MAX), key) {
            self.in_doubt.insert(key);
        }
    }
}

/// An open journal, appended to as rows progress.
#[derive(Debug)]
pub struct Journal {
    file: JournalFile,
}

/// The default journal path for an input file: `FILE.import-state`.
pub fn default_path(input: &Path) -> PathBuf {
    journal_file::beside(input, ".import-state")
}

impl Journal {
    /// Opens (or creates) the journal at `path` for `target`, returning what earlier runs did
    /// for the lines up to `max_line` (the input's last line).
    ///
    /// # Errors
    ///
    /// When the file cannot be read or written, is not a journal, or belongs to another target.
    pub fn open(path: &Path, target: &Target, max_line: u64) -> CliResult<(Self, Resume)> {
        let mut resume = Resume::default();
        let file = JournalFile::open(path, target, KIND, |line| {
            match serde_json::from_slice::<Record>(line)? {
                Record::Started { started, line } => resume.record_started(&started, line),
                Record::Done { done, line, .. } => resume.record_done(&done, line, max_line),
            }
            Ok(())
        })?;
        Ok((Self { file }, resume))
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Records that the create for `external_id` (the row at `line`) may be sent from now on.
    pub fn started(&self, external_id: &str, line: u64) -> CliResult {
        self.file.append(&Record::Started {
            started: external_id.to_owned(),
            line: Some(line),
        })
    }

    /// Records that the contact for `external_id` (the row at `line`) exists: `contact_id` when
    /// known (not for a contact seen only in a listing of external ids).
    pub fn done(
        &self,
        external_id: &str,
        line: u64,
        contact_id: Option<&str>,
        outcome: &str,
    ) -> CliResult {
        self.file.append(&Record::Done {
            done: external_id.to_owned(),
            line: Some(line),
            contact_id: contact_id.map(str::to_owned),
            outcome: outcome.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::fs::OpenOptions;
    use std::io::Write;

    use super::*;

    fn target() -> Target {
        Target {
            base_url: "http://127.0.0.1:1".to_owned(),
            project_id: "p".to_owned(),
        }
    }

    fn key(id: &str) -> u64 {
        external_id_key(id)
    }

    #[test]
    fn a_reopened_journal_knows_what_is_done_and_what_was_in_flight() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv.import-state");
        {
            let (journal, resume) = Journal::open(&path, &target(), 10).unwrap();
            assert_eq!(resume, Resume::default());
            journal.started("a", 2).unwrap();
            journal.done("a", 2, Some("c-a"), "created").unwrap();
            journal.started("b", 3).unwrap();
        }
        // A killed process cut its last record.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"started":"c"#).unwrap();
        drop(file);

        let (journal, resume) = Journal::open(&path, &target(), 10).unwrap();
        assert!(resume.is_done(2, key("a")));
        assert!(!resume.is_done(3, key("a")), "done at line 2, not 3");
        assert!(!resume.is_done(2, key("b")), "line 2 holds another id now");
        assert!(resume.is_in_doubt(key("b")));
        assert!(!resume.is_in_doubt(key("a")));
        assert!(!resume.is_in_doubt(key("c")), "the cut record is not read");
        assert_eq!(resume.in_doubt_count(), 1);
        journal.done("b", 3, None, "present").unwrap();
        drop(journal);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.ends_with("{\"done\":\"b\",\"line\":3,\"outcome\":\"present\"}\n"),
            "{text}"
        );
        let (_, resume) = Journal::open(&path, &target(), 10).unwrap();
        assert!(resume.is_done(2, key("a")) && resume.is_done(3, key("b")));
        assert_eq!(resume.in_doubt_count(), 0);
    }

    #[test]
    fn lines_beyond_the_input_are_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        {
            let (journal, _) = Journal::open(&path, &target(), 10).unwrap();
            journal.done("far", 4_000_000_000, None, "created").unwrap();
            journal.done("last", 10, None, "created").unwrap();
            journal.done("next", 11, None, "created").unwrap();
        }
        let (_, resume) = Journal::open(&path, &target(), 10).unwrap();
        assert!(!resume.is_done(4_000_000_000, key("far")));
        assert!(
            resume.is_done(10, key("last")),
            "the input's last line is kept"
        );
        assert!(!resume.is_done(11, key("next")));
        assert!(resume.done_lines.len() <= 11);
    }

    #[test]
    fn a_version_1_journal_is_read_by_external_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        std::fs::write(
            &path,
            "{\"journal\":\"sinch-contacts import\",\"version\":1,\"base_url\":\"http://127.0.0.1:1\",\"project_id\":\"p\"}\n\
             {\"started\":\"a\"}\n{\"done\":\"a\",\"contact_id\":\"c-a\",\"outcome\":\"created\"}\n{\"started\":\"b\"}\n",
        )
        .unwrap();
        let (_, resume) = Journal::open(&path, &target(), 10).unwrap();
        assert!(resume.is_done(7, key("a")), "any line");
        assert!(resume.is_in_doubt(key("b")));
        assert!(!resume.is_done(7, key("b")));
    }

    #[test]
    fn a_journal_of_another_target_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        drop(Journal::open(&path, &target(), 10).unwrap());
        let other = Target {
            base_url: "http://127.0.0.1:2".to_owned(),
            project_id: "p".to_owned(),
        };
        let error = Journal::open(&path, &other, 10).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("belongs to an import into project p at http://127.0.0.1:1"),
            "{error}"
        );
    }

    #[test]
    fn a_damaged_middle_line_is_an_error_naming_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        drop(Journal::open(&path, &target(), 10).unwrap());
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"garbage\n{\"started\":\"x\"}\n").unwrap();
        drop(file);
        let error = Journal::open(&path, &target(), 10).unwrap_err();
        assert!(error.to_string().contains("damaged at line 2"), "{error}");
    }

    #[test]
    fn the_default_journal_sits_next_to_the_input() {
        assert_eq!(
            default_path(Path::new("exports/people.csv")),
            PathBuf::from("exports/people.csv.import-state")
        );
    }

    #[test]
    fn a_journal_that_cannot_be_read_is_an_error_saying_so() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain-file");
        std::fs::write(&file, "x").unwrap();
        // A path below a file: not found is not what the system says (ENOTDIR).
        let error = Journal::open(&file.join("j"), &target(), 10).unwrap_err();
        assert!(
            error.to_string().starts_with("cannot read the journal"),
            "{error}"
        );
    }

    #[test]
    fn a_journal_of_another_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        std::fs::write(
            &path,
            "{\"journal\":\"sinch-contacts import\",\"version\":3,\"base_url\":\"http://127.0.0.1:1\",\"project_id\":\"p\"}\n",
        )
        .unwrap();
        let error = Journal::open(&path, &target(), 10).unwrap_err();
        assert!(
            error.to_string().contains("is not an import journal"),
            "{error}"
        );
    }

    #[test]
    fn a_journal_cut_inside_its_header_starts_again_and_another_file_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        std::fs::write(&path, "{\"journal\":\"sinch-con").unwrap();
        let (journal, resume) = Journal::open(&path, &target(), 10).unwrap();
        assert_eq!(resume, Resume::default());
        journal.started("a", 2).unwrap();
        drop(journal);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "{\"journal\":\"sinch-contacts import\",\"version\":2,\"base_url\":\"http://127.0.0.1:1\",\"project_id\":\"p\"}\n{\"started\":\"a\",\"line\":2}\n"
        );

        let other = dir.path().join("notes.txt");
        std::fs::write(&other, "my notes, no newline").unwrap();
        let error = Journal::open(&other, &target(), 10).unwrap_err();
        assert!(
            error.to_string().contains("is not an import journal"),
            "{error}"
        );
        assert_eq!(
            std::fs::read_to_string(&other).unwrap(),
            "my notes, no newline"
        );
    }
}
