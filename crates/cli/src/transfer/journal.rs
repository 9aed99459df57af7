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
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::{CliError, CliResult};
use crate::target::Target;
use crate::transfer::key::external_id_key;

const MAGIC: &str = "sinch-contacts import";
const VERSION: u32 = 2;

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
    /// Opens (or creates) the journal at `path` for `target`, returning what earlier runs did
    /// for the lines up to `max_line` (the input's last line).
    ///
    /// # Errors
    ///
    /// When the file cannot be read or written, is not a journal, or belongs to another target.
    pub fn open(path: &Path, target: &Target, max_line: u64) -> CliResult<(Self, Resume)> {
        let resume = match File::open(path) {
            Ok(file) => read_resume(path, file, target, max_line)?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Resume::default(),
            Err(error) => {
                return Err(CliError::failure(format!(
                    "cannot read the journal {}: {error}",
                    path.display()
                )));
            }
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(|error| {
                CliError::failure(format!(
                    "cannot write the journal {}: {error}",
                    path.display()
                ))
                .hint("pass --journal PATH to keep it elsewhere")
            })?;
        let length = file
            .metadata()
            .map_err(|error| journal_error(path, &error))?
            .len();
        // A cut last line from a killed run: drop it, so the next record starts a line. A
        // journal whose header itself was cut (read back as empty above) starts again.
        let complete =
            complete_length(&mut file, length).map_err(|error| journal_error(path, &error))?;
        if complete < length {
            file.set_len(complete)
                .map_err(|error| journal_error(path, &error))?;
        }
        if complete == 0 {
            file.write_all(&header_line(target))
                .and_then(|()| file.flush())
                .map_err(|error| journal_error(path, &error))?;
        }
        Ok((
            Self {
                path: path.to_owned(),
                file: Mutex::new(file),
            },
            resume,
        ))
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records that the create for `external_id` (the row at `line`) may be sent from now on.
    pub fn started(&self, external_id: &str, line: u64) -> CliResult {
        self.append(&Record::Started {
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
        self.append(&Record::Done {
            done: external_id.to_owned(),
            line: Some(line),
            contact_id: contact_id.map(str::to_owned),
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

/// The header line a journal for `target` starts with.
fn header_line(target: &Target) -> Vec<u8> {
    let header = Header {
        journal: MAGIC.to_owned(),
        version: VERSION,
        base_url: target.base_url.clone(),
        project_id: target.project_id.clone(),
    };
    let mut line = serde_json::to_vec(&header).unwrap_or_default();
    line.push(b'\n');
    line
}

/// One record as one line, written with one call.
fn write_line<T: Serialize>(file: &mut File, value: &T) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    line.push(b'\n');
    file.write_all(&line)?;
    file.flush()
}

/// The length of the file up to its last complete line.
fn complete_length(file: &mut File, length: u64) -> std::io::Result<u64> {
    use std::io::{Read, Seek, SeekFrom};
    let mut at = length;
    let mut chunk = [0u8; 4096];
    while at > 0 {
        let size = usize::try_from(at.min(chunk.len() as u64)).unwrap_or(chunk.len());
        at -= size as u64;
        file.seek(SeekFrom::Start(at))?;
        file.read_exact(&mut chunk[..size])?;
        if let Some(position) = chunk[..size].iter().rposition(|byte| *byte == b'\n') {
            return Ok(at + position as u64 + 1);
        }
    }
    Ok(0)
}

fn read_resume(path: &Path, file: File, target: &Target, max_line: u64) -> CliResult<Resume> {
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let mut buffer = Vec::new();
    let read = |reader: &mut BufReader<File>, buffer: &mut Vec<u8>| {
        buffer.clear();
        reader
            .read_until(b'\n', buffer)
            .map_err(|error| journal_error(path, &error))
    };
    let not_a_journal = || {
        CliError::failure(format!("{} is not an import journal", path.display()))
            .hint("pass --journal PATH to use another file")
    };
    if read(&mut reader, &mut buffer)? == 0 {
        return Ok(Resume::default());
    }
    if !buffer.ends_with(b"\n") {
        // Only the start of the header this import writes is a journal cut while it was created.
        return if header_line(target).starts_with(&buffer) {
            Ok(Resume::default())
        } else {
            Err(not_a_journal())
        };
    }
    let header: Header =
        serde_json::from_slice(buffer.trim_ascii()).map_err(|_| not_a_journal())?;
    if header.journal != MAGIC || !(1..=VERSION).contains(&header.version) {
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
    let mut resume = Resume::default();
    let mut number = 1u64;
    while read(&mut reader, &mut buffer)? > 0 {
        number += 1;
        let complete = buffer.ends_with(b"\n");
        let line = buffer.trim_ascii();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_slice::<Record>(line) {
            Ok(Record::Started { started, line }) => resume.record_started(&started, line),
            Ok(Record::Done { done, line, .. }) => resume.record_done(&done, line, max_line),
            // The last line of a killed run may be cut.
            Err(_) if !complete => {}
            Err(error) => {
                return Err(CliError::failure(format!(
                    "the journal {} is damaged at line {number}: {error}",
                    path.display()
                ))
                .hint("delete the damaged line, or the journal to start over"));
            }
        }
    }
    Ok(resume)
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
