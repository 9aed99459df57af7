//! What the journals of `import` and `sync` share: a file of JSON lines whose first line names
//! the journal's kind, version, server and project; records appended one line per `write`, on
//! a file opened for appending, so a killed process leaves at most a cut last line, which is
//! ignored when the journal is read back and removed before anything is appended.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::{CliError, CliResult};
use crate::target::Target;

/// Which journal a file is.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// The `journal` member of the header line.
    pub magic: &'static str,
    /// The version written, the newest read.
    pub version: u32,
    /// The oldest version read.
    pub oldest: u32,
    /// The journal in a message: "an import journal".
    pub noun: &'static str,
    /// What wrote it, before "project P at URL": "an import into".
    pub written_by: &'static str,
}

/// The first line: which server and project the journal belongs to.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    journal: String,
    version: u32,
    base_url: String,
    project_id: String,
}

/// An open journal, appended to.
#[derive(Debug)]
pub struct JournalFile {
    path: PathBuf,
    file: Mutex<File>,
}

impl JournalFile {
    /// Opens (or creates) the journal of `kind` at `path` for `target`, handing each complete
    /// record line of earlier runs to `record` first (a record it cannot read is an error
    /// naming the line, but for a cut last line, which is skipped).
    ///
    /// # Errors
    ///
    /// When the file cannot be read or written, is not a journal of `kind`, belongs to another
    /// target, or holds a damaged line.
    pub fn open(
        path: &Path,
        target: &Target,
        kind: Kind,
        record: impl FnMut(&[u8]) -> Result<(), serde_json::Error>,
    ) -> CliResult<Self> {
        match File::open(path) {
            Ok(file) => read_records(path, file, target, kind, record)?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(CliError::failure(format!(
                    "cannot read the journal {}: {error}",
                    path.display()
                )));
            }
        }
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
            file.write_all(&header_line(target, kind))
                .and_then(|()| file.flush())
                .map_err(|error| journal_error(path, &error))?;
        }
        Ok(Self {
            path: path.to_owned(),
            file: Mutex::new(file),
        })
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as one line, written with one call.
    pub fn append<T: Serialize>(&self, record: &T) -> CliResult {
        let mut file = self
            .file
            .lock()
            .map_err(|_| CliError::failure("the journal lock was poisoned"))?;
        write_line(&mut file, record).map_err(|error| journal_error(&self.path, &error))
    }

    /// Replaces the journal's records with `records` (the header stays): written to a file
    /// beside it, then renamed over it, so a kill leaves either the old journal or the new.
    pub fn rewrite<T: Serialize>(&self, target: &Target, kind: Kind, records: &[T]) -> CliResult {
        let error = |error: &dyn std::fmt::Display| journal_error(&self.path, error);
        let mut name = self.path.as_os_str().to_owned();
        name.push(".new");
        let fresh_path = PathBuf::from(name);
        let mut fresh = File::create(&fresh_path).map_err(|e| error(&e))?;
        fresh
            .write_all(&header_line(target, kind))
            .map_err(|e| error(&e))?;
        for record in records {
            write_line(&mut fresh, record).map_err(|e| error(&e))?;
        }
        fresh.sync_all().map_err(|e| error(&e))?;
        std::fs::rename(&fresh_path, &self.path).map_err(|e| error(&e))?;
        let reopened = OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(|e| error(&e))?;
        *self
            .file
            .lock()
            .map_err(|_| CliError::failure("the journal lock was poisoned"))? = reopened;
        Ok(())
    }
}

/// The journal path beside an input file: `FILE` followed by `suffix`.
pub fn beside(input: &Path, suffix: &str) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn journal_error(path: &Path, error: &dyn std::fmt::Display) -> CliError {
    CliError::failure(format!(
        "cannot write the journal {}: {error}",
        path.display()
    ))
}

/// The header line a journal of `kind` for `target` starts with.
fn header_line(target: &Target, kind: Kind) -> Vec<u8> {
    let header = Header {
        journal: kind.magic.to_owned(),
        version: kind.version,
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

fn read_records(
    path: &Path,
    file: File,
    target: &Target,
    kind: Kind,
    mut record: impl FnMut(&[u8]) -> Result<(), serde_json::Error>,
) -> CliResult {
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let mut buffer = Vec::new();
    let read = |reader: &mut BufReader<File>, buffer: &mut Vec<u8>| {
        buffer.clear();
        reader
            .read_until(b'\n', buffer)
            .map_err(|error| journal_error(path, &error))
    };
    let not_a_journal = || {
        CliError::failure(format!("{} is not {}", path.display(), kind.noun))
            .hint("pass --journal PATH to use another file")
    };
    if read(&mut reader, &mut buffer)? == 0 {
        return Ok(());
    }
    if !buffer.ends_with(b"\n") {
        // Only the start of the header this command writes is a journal cut while it was
        // created.
        return if header_line(target, kind).starts_with(&buffer) {
            Ok(())
        } else {
            Err(not_a_journal())
        };
    }
    let header: Header =
        serde_json::from_slice(buffer.trim_ascii()).map_err(|_| not_a_journal())?;
    if header.journal != kind.magic || !(kind.oldest..=kind.version).contains(&header.version) {
        return Err(not_a_journal());
    }
    if header.base_url != target.base_url || header.project_id != target.project_id {
        return Err(CliError::failure(format!(
            "the journal {} belongs to {} project {} at {}, not {target}",
            path.display(),
            kind.written_by,
            header.project_id,
            header.base_url
        ))
        .hint("pass --journal PATH for this target, or delete the journal to start over"));
    }
    let mut number = 1u64;
    while read(&mut reader, &mut buffer)? > 0 {
        number += 1;
        let complete = buffer.ends_with(b"\n");
        let line = buffer.trim_ascii();
        if line.is_empty() {
            continue;
        }
        match record(line) {
            Ok(()) => {}
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: Kind = Kind {
        magic: "test journal",
        version: 2,
        oldest: 1,
        noun: "a test journal",
        written_by: "a test of",
    };

    fn target() -> Target {
        Target {
            base_url: "http://127.0.0.1:1".to_owned(),
            project_id: "p".to_owned(),
        }
    }

    fn lines(path: &Path) -> Vec<String> {
        let mut seen = Vec::new();
        JournalFile::open(path, &target(), KIND, |line| {
            seen.push(String::from_utf8_lossy(line).into_owned());
            Ok(())
        })
        .unwrap();
        seen
    }

    #[test]
    fn a_rewritten_journal_holds_the_header_and_the_new_records_and_takes_appends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let journal = JournalFile::open(&path, &target(), KIND, |_| Ok(())).unwrap();
        for n in 0..3 {
            journal.append(&serde_json::json!({ "n": n })).unwrap();
        }
        journal
            .rewrite(&target(), KIND, &[serde_json::json!({ "kept": 1 })])
            .unwrap();
        journal.append(&serde_json::json!({ "after": 2 })).unwrap();
        drop(journal);
        assert_eq!(lines(&path), [r#"{"kept":1}"#, r#"{"after":2}"#]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(r#"{"journal":"test journal","version":2,"#),
            "{text}"
        );
        assert!(!beside(&path, ".new").exists(), "nothing left beside it");
    }

    #[test]
    fn the_journal_beside_a_file_adds_the_suffix() {
        assert_eq!(
            beside(Path::new("exports/people.csv"), ".sync-state"),
            PathBuf::from("exports/people.csv.sync-state")
        );
    }
}
