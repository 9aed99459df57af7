//! Reading an import file as a stream of checked rows: the first line decides whether the file
//! is taken at all, then each row is checked on its own and a bad row is reported with its line
//! number while the others go on.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use sinch_contacts_model::{Contact, ContactCreateRequest, validate_create};

use crate::error::{CliError, CliResult};
use crate::identity::{parse_channel_list, parse_identity_list, parse_language};
use crate::transfer::csv_shape::COLUMNS;
use crate::transfer::format::FileFormat;

/// A row ready to send; its request has a non-empty external id.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The 1-based line the row starts on.
    pub line: u64,
    /// What to create.
    pub request: ContactCreateRequest,
}

impl Row {
    /// The row's external id.
    pub fn external_id(&self) -> &str {
        self.request.external_id.as_deref().unwrap_or_default()
    }
}

/// A row refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The 1-based line.
    pub line: u64,
    /// The row's external id, when it has one.
    pub external_id: Option<String>,
    /// What is wrong.
    pub reason: String,
}

/// One row of a file, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum RowItem {
    /// A row to send.
    Valid(Row),
    /// A row refused by validation.
    Refused(RowError),
}

/// The rows of a file, read and checked one at a time: memory does not grow with the file.
///
/// Opening reads the first line (the CSV header, or the first JSON line) and refuses a file that
/// is wrong from there, before anything is sent. Later rows are checked one by one; a bad row is
/// a [`RowItem::Refused`] with its line, and the others go on. An error of the file itself (it
/// cannot be read any more) ends the reader with an `Err`.
pub struct RowReader {
    path: PathBuf,
    source: Source,
}

enum Source {
    Jsonl {
        reader: BufReader<File>,
        line: u64,
        buffer: Vec<u8>,
    },
    Csv {
        records: csv::StringRecordsIntoIter<File>,
        positions: HashMap<&'static str, usize>,
    },
}

impl std::fmt::Debug for RowReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowReader")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl RowReader {
    /// Opens `path` as `format`.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened, or its first line is not what the format needs: a CSV
    /// header naming an unknown column or missing a required one, or a first JSON line that is
    /// not a JSON object.
    pub fn open(path: &Path, format: FileFormat) -> CliResult<Self> {
        let source = match format {
            FileFormat::Jsonl => {
                check_first_json_line(path)?;
                Source::Jsonl {
                    reader: BufReader::with_capacity(64 * 1024, open(path)?),
                    line: 0,
                    buffer: Vec::new(),
                }
            }
            FileFormat::Csv => open_csv(path)?,
        };
        Ok(Self {
            path: path.to_owned(),
            source,
        })
    }
}

impl Iterator for RowReader {
    type Item = CliResult<RowItem>;

    fn next(&mut self) -> Option<Self::Item> {
        let (line, candidate) = match &mut self.source {
            Source::Jsonl {
                reader,
                line,
                buffer,
            } => match next_json_line(reader, line, buffer) {
                Ok(Some(found)) => found,
                Ok(None) => return None,
                Err(error) => return Some(Err(read_error(&self.path, &error))),
            },
            Source::Csv { records, positions } => match records.next()? {
                Ok(record) => {
                    let line = record.position().map_or(0, |position| position.line());
                    let cell = |name: &str| {
                        positions
                            .get(name)
                            .and_then(|index| record.get(*index))
                            .map(str::trim)
                            .filter(|value| !value.is_empty())
                    };
                    (line, csv_request(&cell))
                }
                Err(error) if error.is_io_error() => {
                    return Some(Err(read_error(&self.path, &error)));
                }
                Err(error) => {
                    let line = error.position().map_or(0, |position| position.line());
                    (line, Err((None, format!("bad CSV row: {error}"))))
                }
            },
        };
        let checked = candidate.and_then(|request| {
            check(&request)?;
            Ok(request)
        });
        Some(Ok(match checked {
            Ok(request) => RowItem::Valid(Row { line, request }),
            Err((external_id, reason)) => RowItem::Refused(RowError {
                line,
                external_id,
                reason,
            }),
        }))
    }
}

/// Opens an input file.
pub fn open(path: &Path) -> CliResult<File> {
    File::open(path).map_err(|error| read_error(path, &error))
}

/// An input file that cannot be read.
pub fn read_error(path: &Path, error: &dyn std::fmt::Display) -> CliError {
    CliError::failure(format!("cannot read {}: {error}", path.display()))
}

/// A row's problem: its external id when known, and the reason.
pub type Problem = (Option<String>, String);

fn check(request: &ContactCreateRequest) -> Result<(), Problem> {
    let external_id = request
        .external_id
        .clone()
        .filter(|id| !id.trim().is_empty());
    if external_id.is_none() {
        return Err((
            None,
            "external_id: missing (every imported row needs one, so a rerun can tell what is done)"
                .to_owned(),
        ));
    }
    validate_create(request).map_err(|error| {
        let text = error.to_string();
        let text = text
            .strip_prefix("invalid request: ")
            .unwrap_or(&text)
            .to_owned();
        (external_id, text)
    })
}

type Candidate = (u64, Result<ContactCreateRequest, Problem>);

/// The first line that is not blank must be a JSON object: otherwise the file is not JSON lines.
pub fn check_first_json_line(path: &Path) -> CliResult {
    let mut reader = BufReader::new(open(path)?);
    let (mut line, mut buffer) = (0, Vec::new());
    loop {
        buffer.clear();
        let read = reader
            .read_until(b'\n', &mut buffer)
            .map_err(|error| read_error(path, &error))?;
        if read == 0 {
            return Ok(());
        }
        line += 1;
        let text = String::from_utf8_lossy(&buffer);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        return match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text) {
            Ok(_) => Ok(()),
            Err(error) => Err(CliError::failure(format!(
                "{}: line {line}: not JSON lines (the first row is not a JSON object: {error})",
                path.display()
            ))
            .hint("pass --format csv for a CSV file; nothing was sent")),
        };
    }
}

/// The next row of a JSON lines file, skipping blank lines.
fn next_json_line(
    reader: &mut BufReader<File>,
    line: &mut u64,
    buffer: &mut Vec<u8>,
) -> std::io::Result<Option<Candidate>> {
    loop {
        buffer.clear();
        if reader.read_until(b'\n', buffer)? == 0 {
            return Ok(None);
        }
        *line += 1;
        let candidate = match std::str::from_utf8(buffer) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => serde_json::from_str::<Contact>(text)
                .map_err(|error| (None, format!("not a contact in JSON: {error}")))
                .and_then(contact_to_request),
            Err(error) => Err((None, format!("not UTF-8: {error}"))),
        };
        return Ok(Some((*line, candidate)));
    }
}

fn contact_to_request(contact: Contact) -> Result<ContactCreateRequest, Problem> {
    let Some(language) = contact.language else {
        return Err((
            contact.external_id,
            "language: missing (for example \"EN_US\")".to_owned(),
        ));
    };
    let mut request = ContactCreateRequest::new(contact.channel_identities, language);
    request.channel_priority = contact.channel_priority;
    request.display_name = contact.display_name;
    request.email = contact.email;
    request.external_id = contact.external_id;
    request.metadata = contact.metadata;
    Ok(request)
}

fn open_csv(path: &Path) -> CliResult<Source> {
    let (records, positions) =
        open_csv_records(path, &["external_id", "channel_identities", "language"])?;
    Ok(Source::Csv { records, positions })
}

/// The records of a CSV file and where each column is, once its header names only known
/// columns and every `required` one.
///
/// # Errors
///
/// When the file cannot be read, or its header is bad, names an unknown column or lacks a
/// required one (nothing is sent: the hint says so).
pub fn open_csv_records(
    path: &Path,
    required: &[&str],
) -> CliResult<(
    csv::StringRecordsIntoIter<File>,
    HashMap<&'static str, usize>,
)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(open(path)?);
    let header = reader
        .headers()
        .map_err(|error| CliError::failure(format!("{}: bad CSV header: {error}", path.display())))?
        .clone();
    let mut positions: HashMap<&'static str, usize> = HashMap::new();
    for (index, name) in header.iter().enumerate() {
        let name = name.trim();
        match COLUMNS.iter().find(|column| **column == name) {
            Some(column) => {
                positions.insert(column, index);
            }
            None => {
                return Err(CliError::failure(format!(
                    "{}: line 1: unknown column `{name}`",
                    path.display()
                ))
                .hint(format!(
                    "the columns are {} (pass --format jsonl for JSON lines); nothing was sent",
                    COLUMNS.join(",")
                )));
            }
        }
    }
    for required in required {
        if !positions.contains_key(required) {
            return Err(CliError::failure(format!(
                "{}: line 1: the header has no `{required}` column",
                path.display()
            ))
            .hint(format!(
                "the columns are {}; nothing was sent",
                COLUMNS.join(",")
            )));
        }
    }
    Ok((reader.into_records(), positions))
}

fn csv_request<'a>(
    cell: &impl Fn(&str) -> Option<&'a str>,
) -> Result<ContactCreateRequest, Problem> {
    let contact = csv_contact(cell)?;
    if contact.language.is_none() {
        return Err((
            contact.external_id,
            "language: missing (for example EN_US)".to_owned(),
        ));
    }
    contact_to_request(contact)
}

/// The contact a CSV row holds, `cell(column)` giving each cell (trimmed, `None` when empty or
/// absent): identities and priority parsed from their text forms, the language when given.
///
/// # Errors
///
/// A cell that does not parse, named by its column.
pub fn csv_contact<'a>(cell: &impl Fn(&str) -> Option<&'a str>) -> Result<Contact, Problem> {
    let external_id = cell("external_id").map(str::to_owned);
    let fail = |reason: String| (external_id.clone(), reason);
    let identities = parse_identity_list(cell("channel_identities").unwrap_or_default())
        .map_err(|error| fail(format!("channel_identities: {error}")))?;
    let language = cell("language")
        .map(|text| parse_language(text).map_err(|error| fail(format!("language: {error}"))))
        .transpose()?;
    let priority = parse_channel_list(cell("channel_priority").unwrap_or_default())
        .map_err(|error| fail(format!("channel_priority: {error}")))?;
    let mut contact = Contact::default();
    contact.channel_identities = identities;
    contact.language = language;
    contact.channel_priority = priority;
    contact.display_name = cell("display_name").map(str::to_owned);
    contact.email = cell("email").map(str::to_owned);
    contact.external_id = external_id;
    contact.metadata = cell("metadata").map(str::to_owned);
    Ok(contact)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    /// Every row of a file, with the duplicates check `import` adds on top.
    fn read_rows(path: &Path, format: FileFormat) -> CliResult<(Vec<Row>, Vec<RowError>)> {
        let (mut valid, mut refused) = (Vec::new(), Vec::new());
        for item in RowReader::open(path, format)? {
            match item? {
                RowItem::Valid(row) => valid.push(row),
                RowItem::Refused(error) => refused.push(error),
            }
        }
        Ok((valid, refused))
    }

    #[test]
    fn csv_rows_are_checked_one_by_one_with_their_line_numbers() {
        let (_dir, path) = write(
            "in.csv",
            "external_id,display_name,language,channel_identities\n\
             a-1,Ada,EN_US,SMS:+46700000001\n\
             ,No Id,EN_US,SMS:+46700000002\n\
             a-3,Bad Channel,EN_US,PIGEON:1\n\
             a-4,No Identity,EN_US,\n\
             a-1,Again,EN_US,SMS:+46700000003\n\
             a-6,\"Quoted, name\",sv,SMS:+46700000006;WHATSAPP:+46700000006\n",
        );
        let (valid, refused) = read_rows(&path, FileFormat::Csv).unwrap();
        let lines: Vec<(u64, &str)> = valid
            .iter()
            .map(|row| (row.line, row.external_id()))
            .collect();
        // The reader checks rows one by one; a repeated external id is the import's concern.
        assert_eq!(lines, [(2, "a-1"), (6, "a-1"), (7, "a-6")]);
        assert_eq!(
            valid[2].request.display_name.as_deref(),
            Some("Quoted, name")
        );
        assert_eq!(valid[2].request.channel_identities.len(), 2);
        let lines: Vec<u64> = refused.iter().map(|row| row.line).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert!(refused[0].reason.starts_with("external_id: missing"));
        assert!(refused[1].reason.contains("unknown channel `PIGEON`"));
        assert!(
            refused[2].reason.contains("channel_identities"),
            "{}",
            refused[2].reason
        );
    }

    #[test]
    fn an_unknown_csv_column_fails_the_whole_file_before_anything_is_sent() {
        let (_dir, path) = write("in.csv", "external_id,language,channel_identities,phone\n");
        let error = read_rows(&path, FileFormat::Csv).unwrap_err();
        assert!(
            error.to_string().contains("unknown column `phone`"),
            "{error}"
        );
    }

    #[test]
    fn jsonl_rows_take_the_contact_shape_and_ignore_the_id() {
        let (_dir, path) = write(
            "in.jsonl",
            "{\"id\":\"01H\",\"external_id\":\"j-1\",\"language\":\"EN_US\",\"channel_identities\":[{\"channel\":\"SMS\",\"identity\":\"+1\"}]}\n\
             \n\
             {not json}\n\
             {\"external_id\":\"j-4\",\"channel_identities\":[{\"channel\":\"SMS\",\"identity\":\"+4\"}]}\n",
        );
        let (valid, refused) = read_rows(&path, FileFormat::Jsonl).unwrap();
        assert_eq!(valid.len(), 1);
        assert_eq!(valid[0].line, 1);
        assert_eq!(
            refused.iter().map(|row| row.line).collect::<Vec<_>>(),
            [3, 4]
        );
        assert!(refused[1].reason.starts_with("language: missing"));
        assert_eq!(refused[1].external_id.as_deref(), Some("j-4"));
    }

    #[test]
    fn a_file_whose_first_row_is_not_json_is_refused_when_opened() {
        let (_dir, path) = write(
            "in.jsonl",
            "\nexternal_id,language,channel_identities\na,EN_US,SMS:+1\n",
        );
        let error = RowReader::open(&path, FileFormat::Jsonl).unwrap_err();
        assert!(
            error.to_string().contains("line 2: not JSON lines"),
            "{error}"
        );
    }

    #[test]
    fn a_json_lines_file_read_as_csv_is_refused_by_its_header() {
        let (_dir, path) = write("in.csv", "{\"external_id\":\"a\",\"language\":\"EN_US\"}\n");
        let error = RowReader::open(&path, FileFormat::Csv).unwrap_err();
        assert!(
            error.to_string().contains("line 1: unknown column"),
            "{error}"
        );
    }

    #[test]
    fn a_line_that_is_not_utf8_is_a_refused_row_and_the_next_rows_go_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        let good = "{\"external_id\":\"g\",\"language\":\"EN_US\",\"channel_identities\":[{\"channel\":\"SMS\",\"identity\":\"+1\"}]}\n";
        let mut bytes = good.as_bytes().to_vec();
        bytes.extend_from_slice(b"{\"external_id\":\"\xff\"}\n");
        bytes.extend_from_slice(good.replace("\"g\"", "\"h\"").as_bytes());
        std::fs::write(&path, bytes).unwrap();
        let (valid, refused) = read_rows(&path, FileFormat::Jsonl).unwrap();
        assert_eq!(valid.iter().map(|row| row.line).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].line, 2);
        assert!(
            refused[0].reason.starts_with("not UTF-8"),
            "{}",
            refused[0].reason
        );
    }
}
