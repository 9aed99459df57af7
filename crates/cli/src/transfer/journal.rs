//! The import journal (`FILE.import-state`): JSON lines appended as rows progress, so an
//! interrupted or killed import can be rerun without creating anything twice.
//!
//! ```text
//! {"journal":"sinch-contacts import","version":1,"base_url":"http://127.0.0.1:4100","project_id":"p"}
//! {"started":"ext-1"}
//! {"done":"ext-1","contact_id":"01H...","outcome":"created"}
//! ```
//!
//! `started` is written (one `write` call, before the create is sent) so a rerun knows which
//! rows were in flight when the process died: those are looked up by external id before
//! anything is created. `done` is written after the server answered. Each record is one line
//! written with a single call on a file opened for appending, so a killed process leaves at
//! most a cut last line, which is ignored when the journal is read back and removed before
//! anything is appended.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::{CliError, CliResult};
use crate::target::Target;

const MAGIC: &str = "sinch-contacts import";
const VERSION: u32 = 1;

/// The first line: which server and project the journal belongs to.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    journal: String,
    version: u32,
    base_url: String,
    project_id: String,
}

/// Every other line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Record {
    Done {
        done: String,
        contact_id: String,
        outcome: String,
    },
    Started {
        started: String,
    },
}

/// What a journal says about earlier runs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Progress {
    /// External ids whose contact exists, with the contact id.
    pub done: HashMap<String, String>,
    /// External ids whose create was sent but not answered (the process stopped).
    pub in_doubt: HashSet<String>,
}

/// An open journal, appended to as rows progress.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

/// The default journal path for an input file: `FILE.import-state`.
pub fn default_path(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(".import-state");
    PathBuf::from(name)
}

impl Journal {
    /// Opens (or creates) the journal at `path` for `target`, returning what earlier runs did.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or written, is not a journal, or belongs to another target.
    pub fn open(path: &Path, target: &Target) -> CliResult<(Self, Progress)> {
        let progress = match std::fs::read_to_string(path) {
            Ok(text) if !text.trim().is_empty() => read_progress(path, &text, target)?,
            Ok(_) => Progress::default(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Progress::default(),
            Err(error) => {
                return Err(CliError::failure(format!(
                    "cannot read the journal {}: {error}",
                    path.display()
                )));
            }
        };
        let fresh = !path.exists()
            || std::fs::metadata(path)
                .map(|m| m.len() == 0)
                .unwrap_or(true);
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|error| {
                CliError::failure(format!(
                    "cannot write the journal {}: {error}",
                    path.display()
                ))
                .hint("pass --journal PATH to keep it elsewhere")
            })?;
        if fresh {
            let header = Header {
                journal: MAGIC.to_owned(),
                version: VERSION,
                base_url: target.base_url.clone(),
                project_id: target.project_id.clone(),
            };
            write_line(&mut file, &header).map_err(|error| journal_error(path, &error))?;
        } else {
            // A cut last line from a killed run: drop it, so the next record starts a line.
            let text = std::fs::read(path).map_err(|error| journal_error(path, &error))?;
            if text.last().is_some_and(|last| *last != b'\n') {
                let complete = text
                    .iter()
                    .rposition(|byte| *byte == b'\n')
                    .map_or(0, |at| at + 1);
                file.set_len(complete as u64)
                    .map_err(|error| journal_error(path, &error))?;
            }
        }
        Ok((
            Self {
                path: path.to_owned(),
                file: Mutex::new(file),
            },
            progress,
        ))
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records that the create for `external_id` is about to be sent.
    pub fn started(&self, external_id: &str) -> CliResult {
        self.append(&Record::Started {
            started: external_id.to_owned(),
        })
    }

    /// Records that the contact for `external_id` exists.
    pub fn done(&self, external_id: &str, contact_id: &str, outcome: &str) -> CliResult {
        self.append(&Record::Done {
            done: external_id.to_owned(),
            contact_id: contact_id.to_owned(),
            outcome: outcome.to_owned(),
        })
    }

    fn append(&self, record: &Record) -> CliResult {
        let mut file = self
            .file
            .lock()
            .map_err(|_| CliError::failure("the journal lock was poisoned"))?;
        write_line(&mut file, record).map_err(|error| journal_error(&self.path, &error))
    }
}

fn journal_error(path: &Path, error: &dyn std::fmt::Display) -> CliError {
    CliError::failure(format!(
        "cannot write the journal {}: {error}",
        path.display()
    ))
}

/// One record as one line, written with one call.
fn write_line<T: Serialize>(file: &mut File, value: &T) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    line.push(b'\n');
    file.write_all(&line)?;
    file.flush()
}

fn read_progress(path: &Path, text: &str, target: &Target) -> CliResult<Progress> {
    let mut lines = text.split_inclusive('\n').enumerate();
    let not_a_journal = || {
        CliError::failure(format!("{} is not an import journal", path.display()))
            .hint("pass --journal PATH to use another file")
    };
    let (_, first) = lines.next().ok_or_else(not_a_journal)?;
    let header: Header = serde_json::from_str(first.trim()).map_err(|_| not_a_journal())?;
    if header.journal != MAGIC || header.version != VERSION {
        return Err(not_a_journal());
    }
    if header.base_url != target.base_url || header.project_id != target.project_id {
        return Err(CliError::failure(format!(
            "the journal {} belongs to an import into project {} at {}, not {target}",
            path.display(),
            header.project_id,
            header.base_url
        ))
        .hint("pass --journal PATH for this target, or delete the journal to start over"));
    }
    let mut progress = Progress::default();
    for (index, line) in lines {
        let complete = line.ends_with('\n');
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(line) {
            Ok(Record::Started { started }) => {
                if !progress.done.contains_key(&started) {
                    progress.in_doubt.insert(started);
                }
            }
            Ok(Record::Done {
                done, contact_id, ..
            }) => {
                progress.in_doubt.remove(&done);
                progress.done.insert(done, contact_id);
            }
            // The last line of a killed run may be cut.
            Err(_) if !complete => {}
            Err(error) => {
                return Err(CliError::failure(format!(
                    "the journal {} is damaged at line {}: {error}",
                    path.display(),
                    index + 1
                ))
                .hint("delete the damaged line, or the journal to start over"));
            }
        }
    }
    Ok(progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target {
            base_url: "http://127.0.0.1:1".to_owned(),
            project_id: "p".to_owned(),
        }
    }

    #[test]
    fn a_reopened_journal_knows_what_is_done_and_what_was_in_flight() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv.import-state");
        {
            let (journal, progress) = Journal::open(&path, &target()).unwrap();
            assert_eq!(progress, Progress::default());
            journal.started("a").unwrap();
            journal.done("a", "c-a", "created").unwrap();
            journal.started("b").unwrap();
        }
        // A killed process cut its last record.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"started":"c"#).unwrap();
        drop(file);

        let (journal, progress) = Journal::open(&path, &target()).unwrap();
        assert_eq!(
            progress.done,
            HashMap::from([("a".to_owned(), "c-a".to_owned())])
        );
        assert_eq!(progress.in_doubt, HashSet::from(["b".to_owned()]));
        journal.done("b", "c-b", "recovered").unwrap();
        drop(journal);
        let (_, progress) = Journal::open(&path, &target()).unwrap();
        assert_eq!(progress.done.len(), 2);
        assert!(progress.in_doubt.is_empty());
    }

    #[test]
    fn a_journal_of_another_target_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        drop(Journal::open(&path, &target()).unwrap());
        let other = Target {
            base_url: "http://127.0.0.1:2".to_owned(),
            project_id: "p".to_owned(),
        };
        let error = Journal::open(&path, &other).unwrap_err();
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
        drop(Journal::open(&path, &target()).unwrap());
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"garbage\n{\"started\":\"x\"}\n").unwrap();
        drop(file);
        let error = Journal::open(&path, &target()).unwrap_err();
        assert!(error.to_string().contains("damaged at line 2"), "{error}");
    }
}
