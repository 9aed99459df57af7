//! The source of truth of a sync: every row of the file, read into memory (a plan needs them
//! all), the line of each, and the columns the file has. A bad row fails the whole file before
//! anything is sent.

use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::{Map, Value};
use sinch_contacts_model::{Columns, Contact, ContactField, DesiredContact};

use crate::error::{CliError, CliResult};
use crate::output;
use crate::transfer::format::FileFormat;
use crate::transfer::rows::{self, Problem};

/// How many bad rows are named before the error.
const BAD_ROWS_SHOWN: usize = 20;

/// The rows of a source file.
#[derive(Debug, Default)]
pub struct Source {
    /// The rows, in file order.
    pub rows: Vec<DesiredContact>,
    /// The 1-based line each row starts on.
    pub lines: Vec<u64>,
    /// The contact fields the file has columns for (`external_id` is the key, `id` ignored).
    pub columns: Columns,
}

impl Source {
    /// The line of row `index`.
    pub fn line(&self, index: usize) -> u64 {
        self.lines.get(index).copied().unwrap_or_default()
    }
}

/// A row that does not parse.
#[derive(Debug)]
struct BadRow {
    line: u64,
    problem: Problem,
}

/// The contact field a column or JSON key names, when it is one the source can set.
fn field_of(name: &str) -> Option<ContactField> {
    ContactField::ALL
        .into_iter()
        .find(|field| *field != ContactField::ExternalId && field.as_str() == name)
}

/// Reads every row of `path` as `format`.
///
/// CSV: the columns are the header's (`external_id` is required, `id` is ignored, an unknown
/// column fails the file); an empty cell means an empty field. JSON lines: one contact per line
/// in the API's shape; the columns are the contact fields that are a key in at least one row,
/// and a row without one of them (or with `null`) wants that field empty.
///
/// # Errors
///
/// When the file cannot be read, is refused from its first line, or holds rows that do not
/// parse: each of the first 20 is said on standard error with its line, and nothing is sent.
pub fn read(path: &Path, format: FileFormat) -> CliResult<Source> {
    let mut source = Source::default();
    let mut bad = Vec::new();
    match format {
        FileFormat::Csv => read_csv(path, &mut source, &mut bad)?,
        FileFormat::Jsonl => read_jsonl(path, &mut source, &mut bad)?,
    }
    if bad.is_empty() {
        return Ok(source);
    }
    for row in bad.iter().take(BAD_ROWS_SHOWN) {
        let (external_id, reason) = &row.problem;
        output::eprint_line(&format!(
            "line {}: {}{reason}",
            row.line,
            external_id
                .as_deref()
                .map(|id| format!("({}) ", output::escape_controls(id)))
                .unwrap_or_default()
        ));
    }
    let more = bad.len().saturating_sub(BAD_ROWS_SHOWN);
    Err(CliError::failure(format!(
        "{} of {} rows of {} do not parse{}",
        bad.len(),
        bad.len() + source.rows.len(),
        path.display(),
        if more > 0 {
            format!(" ({more} more not shown)")
        } else {
            String::new()
        }
    ))
    .hint("fix them and run the command again; nothing was sent"))
}

fn push(source: &mut Source, line: u64, contact: Contact) {
    source.rows.push(desired(contact));
    source.lines.push(line);
}

/// The row a parsed contact is, its lists without spare room.
fn desired(mut contact: Contact) -> DesiredContact {
    contact.channel_identities.shrink_to_fit();
    contact.channel_priority.shrink_to_fit();
    let mut row = DesiredContact::default();
    row.external_id = contact.external_id;
    row.channel_identities = contact.channel_identities;
    row.channel_priority = contact.channel_priority;
    row.display_name = contact.display_name;
    row.email = contact.email;
    row.language = contact.language;
    row.metadata = contact.metadata;
    row
}

fn read_csv(path: &Path, source: &mut Source, bad: &mut Vec<BadRow>) -> CliResult {
    let (records, positions) = rows::open_csv_records(path, &["external_id"])?;
    source.columns = Columns::new(positions.keys().filter_map(|name| field_of(name)));
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) if error.is_io_error() => return Err(rows::read_error(path, &error)),
            Err(error) => {
                let line = error.position().map_or(0, |position| position.line());
                bad.push(BadRow {
                    line,
                    problem: (None, format!("bad CSV row: {error}")),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |position| position.line());
        let cell = |name: &str| {
            positions
                .get(name)
                .and_then(|index| record.get(*index))
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        match rows::csv_contact(&cell) {
            Ok(contact) => push(source, line, contact),
            Err(problem) => bad.push(BadRow { line, problem }),
        }
    }
    Ok(())
}

fn read_jsonl(path: &Path, source: &mut Source, bad: &mut Vec<BadRow>) -> CliResult {
    rows::check_first_json_line(path)?;
    let mut reader = BufReader::with_capacity(64 * 1024, rows::open(path)?);
    let mut fields = Vec::new();
    let mut buffer = Vec::new();
    let mut line = 0u64;
    loop {
        buffer.clear();
        let read = reader
            .read_until(b'\n', &mut buffer)
            .map_err(|error| rows::read_error(path, &error))?;
        if read == 0 {
            break;
        }
        line += 1;
        let parsed = match std::str::from_utf8(&buffer) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => json_contact(text, &mut fields),
            Err(error) => Err((None, format!("not UTF-8: {error}"))),
        };
        match parsed {
            Ok(contact) => push(source, line, contact),
            Err(problem) => bad.push(BadRow { line, problem }),
        }
    }
    source.columns = Columns::new(fields);
    Ok(())
}

/// The contact of one JSON line, adding the contact fields it has a key for to `fields`.
fn json_contact(text: &str, fields: &mut Vec<ContactField>) -> Result<Contact, Problem> {
    let object: Map<String, Value> = serde_json::from_str(text)
        .map_err(|error| (None, format!("not a contact in JSON: {error}")))?;
    for key in object.keys() {
        if let Some(field) = field_of(key)
            && !fields.contains(&field)
        {
            fields.push(field);
        }
    }
    let external_id = object
        .get("external_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    serde_json::from_value(Value::Object(object))
        .map_err(|error| (external_id, format!("not a contact in JSON: {error}")))
}

#[cfg(test)]
mod tests {
    use sinch_contacts_model::{ChannelIdentity, ContactLanguage, ConversationChannel};

    use super::*;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn csv_columns_are_the_headers_and_empty_cells_empty_fields() {
        let (_dir, path) = write(
            "crm.csv",
            "id,external_id,display_name,channel_identities\n\
             ignored,a,Ada,SMS:+1;WHATSAPP:+1\n\
             ,b,,\n",
        );
        let source = read(&path, FileFormat::Csv).unwrap();
        assert_eq!(
            source.columns,
            Columns::new([ContactField::DisplayName, ContactField::ChannelIdentities])
        );
        assert_eq!(source.lines, [2, 3]);
        assert_eq!(source.rows[0].external_id.as_deref(), Some("a"));
        assert_eq!(source.rows[0].display_name.as_deref(), Some("Ada"));
        assert_eq!(
            source.rows[0].channel_identities,
            [
                ChannelIdentity::new(ConversationChannel::Sms, "+1"),
                ChannelIdentity::new(ConversationChannel::Whatsapp, "+1")
            ]
        );
        assert_eq!(source.rows[1].display_name, None);
        assert!(source.rows[1].channel_identities.is_empty());
        assert_eq!(source.line(1), 3);
    }

    #[test]
    fn a_csv_file_without_the_key_column_is_refused_from_its_header() {
        let (_dir, path) = write("crm.csv", "display_name\nAda\n");
        let error = read(&path, FileFormat::Csv).unwrap_err();
        assert!(
            error.to_string().contains("no `external_id` column"),
            "{error}"
        );
    }

    #[test]
    fn json_columns_are_the_keys_any_row_has() {
        let (_dir, path) = write(
            "crm.jsonl",
            "{\"external_id\":\"a\",\"email\":\"a@example.com\",\"id\":\"ignored\"}\n\
             \n\
             {\"external_id\":\"b\",\"language\":\"DE\",\"metadata\":null}\n",
        );
        let source = read(&path, FileFormat::Jsonl).unwrap();
        assert_eq!(
            source.columns,
            Columns::new([
                ContactField::Email,
                ContactField::Language,
                ContactField::Metadata
            ])
        );
        assert_eq!(source.lines, [1, 3]);
        assert_eq!(source.rows[1].language, Some(ContactLanguage::De));
        assert_eq!(source.rows[1].email, None, "no key: the field empty");
    }

    #[test]
    fn bad_rows_fail_the_file_naming_how_many() {
        let (_dir, path) = write(
            "crm.csv",
            "external_id,channel_identities,language\n\
             a,SMS:+1,EN_US\n\
             b,PIGEON:1,EN_US\n\
             c,SMS:+3,Klingon\n",
        );
        let error = read(&path, FileFormat::Csv).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "2 of 3 rows of {} do not parse (fix them and run the command again; nothing was sent)",
                path.display()
            )
        );
        let (_dir, path) = write(
            "crm.jsonl",
            "{\"external_id\":\"a\"}\n{\"external_id\":\"b\",\"language\":5}\n",
        );
        let error = read(&path, FileFormat::Jsonl).unwrap_err();
        assert!(error.to_string().starts_with("1 of 2 rows"), "{error}");
    }
}
