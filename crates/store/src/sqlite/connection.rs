//! Opening a SQLite connection with the store's settings, migrating the schema, and naming
//! SQLite's errors.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use sinch_contacts_callbacks::store::{StoreError, StoreErrorKind};

/// The schema, one entry per version, applied in order on open.
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../migrations/sqlite_v1.sql"))];

/// Maps a SQLite error to a [`StoreError`] for `context`.
pub(crate) fn sqlite_error(context: &str, error: rusqlite::Error) -> StoreError {
    let kind = match &error {
        rusqlite::Error::SqliteFailure(failure, _) => match failure.code {
            ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::SystemIoFailure
            | ErrorCode::CannotOpen
            | ErrorCode::DiskFull
            | ErrorCode::OutOfMemory => StoreErrorKind::Unavailable,
            _ => StoreErrorKind::Database,
        },
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::Utf8Error(..) => StoreErrorKind::Corrupt,
        _ => StoreErrorKind::Database,
    };
    StoreError::new(kind, context, error)
}

/// Whether the writer connection opens the file read-write or the reader read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Writer,
    Reader,
}

/// Opens `path` with WAL, `synchronous = FULL` and a busy timeout of `busy_timeout`.
pub(crate) fn open(
    path: &Path,
    role: Role,
    create: bool,
    busy_timeout: Duration,
) -> Result<Connection, StoreError> {
    let mut flags = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    flags |= match role {
        Role::Writer => OpenFlags::SQLITE_OPEN_READ_WRITE,
        Role::Reader => OpenFlags::SQLITE_OPEN_READ_ONLY,
    };
    if create && role == Role::Writer {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|error| sqlite_error("opening the SQLite database", error))?;
    conn.busy_timeout(busy_timeout)
        .map_err(|error| sqlite_error("setting the busy timeout", error))?;
    if role == Role::Writer {
        // Answered with the mode now in force; WAL persists in the file.
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(|error| sqlite_error("switching to WAL", error))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::new(
                StoreErrorKind::Database,
                "switching to WAL",
                format!("the database stays in journal mode {mode}"),
            ));
        }
    }
    conn.execute_batch("PRAGMA synchronous = FULL")
        .map_err(|error| sqlite_error("setting synchronous = FULL", error))?;
    conn.set_prepared_statement_cache_capacity(32);
    Ok(conn)
}

/// Applies the pending migrations in one `BEGIN IMMEDIATE` transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let schema = |error| StoreError::new(StoreErrorKind::Schema, "migrating the schema", error);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(schema)?;
    tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
        .map_err(schema)?;
    let current: i64 = tx
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version",
            [],
            |row| row.get(0),
        )
        .map_err(schema)?;
    crate::check_version(current, MIGRATIONS)?;
    for (version, script) in MIGRATIONS.iter().filter(|(version, _)| *version > current) {
        tx.execute_batch(script).map_err(schema)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [version],
        )
        .map_err(schema)?;
    }
    tx.commit().map_err(schema)
}

/// The schema version of the file.
pub(crate) fn schema_version(conn: &Connection) -> Result<i64, StoreError> {
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_version",
        [],
        |row| row.get(0),
    )
    .map_err(|error| sqlite_error("reading the schema version", error))
}
