//! Reading an import file into validated rows: every row is checked before anything is sent, and
//! a bad row is reported with its line number while the others go on.

use std::collections::HashMap;
use std::path::Path;

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

/// The rows of a file: those to send and those refused.
#[derive(Debug, Default)]
pub struct Rows {
    /// Valid rows, in file order.
    pub valid: Vec<Row>,
    /// Refused rows, in file order.
    pub refused: Vec<RowError>,
}

/// Reads and validates every row of `path`.
///
/// # Errors
///
/// When the file cannot be read at all, or a CSV header names an unknown column; single bad rows
/// are not errors but [`Rows::refused`] entries.
pub fn read_rows(path: &Path, format: FileFormat) -> CliResult<Rows> {
    let candidates = match format {
        FileFormat::Jsonl => read_jsonl(path)?,
        FileFormat::Csv => read_csv(path)?,
    };
    let mut rows = Rows::default();
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    for (line, candidate) in candidates {
        let checked = candidate.and_then(|request| {
            check(&request)?;
            Ok(request)
        });
        match checked {
            Ok(request) => {
                let external_id = request.external_id.clone().unwrap_or_default();
                if let Some(first) = first_line_of.get(&external_id) {
                    rows.refused.push(RowError {
                        line,
                        external_id: Some(external_id),
                        reason: format!("external_id already used on line {first}"),
                    });
                } else {
                    first_line_of.insert(external_id, line);
                    rows.valid.push(Row { line, request });
                }
            }
            Err((external_id, reason)) => rows.refused.push(RowError {
                line,
                external_id,
                reason,
            }),
        }
    }
    Ok(rows)
}

/// A row's problem: its external id when known, and the reason.
type Problem = (Option<String>, String);

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

fn read_jsonl(path: &Path) -> CliResult<Vec<Candidate>> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| CliError::failure(format!("cannot read {}: {error}", path.display())))?;
    let mut candidates = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = index as u64 + 1;
        let candidate = serde_json::from_str::<Contact>(line)
            .map_err(|error| (None, format!("not a contact in JSON: {error}")))
            .and_then(contact_to_request);
        candidates.push((number, candidate));
    }
    Ok(candidates)
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

fn read_csv(path: &Path) -> CliResult<Vec<Candidate>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|error| CliError::failure(format!("cannot read {}: {error}", path.display())))?;
    let header = reader
        .headers()
        .map_err(|error| CliError::failure(format!("{}: bad CSV header: {error}", path.display())))?
        .clone();
    let mut positions: HashMap<&str, usize> = HashMap::new();
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
                .hint(format!("the columns are {}", COLUMNS.join(","))));
            }
        }
    }
    for required in ["external_id", "channel_identities", "language"] {
        if !positions.contains_key(required) {
            return Err(CliError::failure(format!(
                "{}: line 1: the header has no `{required}` column",
                path.display()
            ))
            .hint(format!("the columns are {}", COLUMNS.join(","))));
        }
    }
    let mut candidates = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |position| position.line());
                let cell = |name: &str| {
                    positions
                        .get(name)
                        .and_then(|index| record.get(*index))
                        .map(str::trim)
                        .filter(|value| !value.is_empty())
                };
                candidates.push((line, csv_request(&cell)));
            }
            Err(error) => {
                let line = error.position().map_or(0, |position| position.line());
                candidates.push((line, Err((None, format!("bad CSV row: {error}")))));
            }
        }
    }
    Ok(candidates)
}

fn csv_request<'a>(
    cell: &impl Fn(&str) -> Option<&'a str>,
) -> Result<ContactCreateRequest, Problem> {
    let external_id = cell("external_id").map(str::to_owned);
    let fail = |reason: String| (external_id.clone(), reason);
    let identities = parse_identity_list(cell("channel_identities").unwrap_or_default())
        .map_err(|error| fail(format!("channel_identities: {error}")))?;
    let language = match cell("language") {
        Some(text) => parse_language(text).map_err(|error| fail(format!("language: {error}")))?,
        None => return Err(fail("language: missing (for example EN_US)".to_owned())),
    };
    let priority = parse_channel_list(cell("channel_priority").unwrap_or_default())
        .map_err(|error| fail(format!("channel_priority: {error}")))?;
    let mut request = ContactCreateRequest::new(identities, language);
    request.channel_priority = priority;
    request.display_name = cell("display_name").map(str::to_owned);
    request.email = cell("email").map(str::to_owned);
    request.external_id = external_id.clone();
    request.metadata = cell("metadata").map(str::to_owned);
    Ok(request)
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
        let rows = read_rows(&path, FileFormat::Csv).unwrap();
        let valid: Vec<(u64, &str)> = rows
            .valid
            .iter()
            .map(|row| (row.line, row.external_id()))
            .collect();
        assert_eq!(valid, [(2, "a-1"), (7, "a-6")]);
        assert_eq!(
            rows.valid[1].request.display_name.as_deref(),
            Some("Quoted, name")
        );
        assert_eq!(rows.valid[1].request.channel_identities.len(), 2);
        let refused: Vec<u64> = rows.refused.iter().map(|row| row.line).collect();
        assert_eq!(refused, [3, 4, 5, 6]);
        assert!(rows.refused[0].reason.starts_with("external_id: missing"));
        assert!(rows.refused[1].reason.contains("unknown channel `PIGEON`"));
        assert!(
            rows.refused[2].reason.contains("channel_identities"),
            "{}",
            rows.refused[2].reason
        );
        assert_eq!(rows.refused[3].reason, "external_id already used on line 2");
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
        let rows = read_rows(&path, FileFormat::Jsonl).unwrap();
        assert_eq!(rows.valid.len(), 1);
        assert_eq!(rows.valid[0].line, 1);
        assert_eq!(
            rows.refused.iter().map(|row| row.line).collect::<Vec<_>>(),
            [3, 4]
        );
        assert!(rows.refused[1].reason.starts_with("language: missing"));
        assert_eq!(rows.refused[1].external_id.as_deref(), Some("j-4"));
    }
}
