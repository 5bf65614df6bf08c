//! SQLite helpers shared by the catalog, the demo data and sync runs: opening
//! a connection's file, and reading which objects and fields it has.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection as Db, OpenFlags};

use super::EngineError;

/// How long a write waits for another sync that has locked the same destination file.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens an existing file for reading only, so that a wrong path is reported
/// instead of creating an empty database there.
pub(crate) fn open_read_only(connection: &str, path: &Path) -> Result<Db, EngineError> {
    check_exists(connection, path)?;

    Db::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .and_then(|db| {
        db.busy_timeout(BUSY_TIMEOUT)?;
        Ok(db)
    })
    .map_err(|source| open_error(connection, path, source))
}

/// Opens an existing destination file for writing, with foreign keys enforced.
pub(crate) fn open_destination(connection: &str, path: &Path) -> Result<Db, EngineError> {
    check_exists(connection, path)?;

    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let db =
        Db::open_with_flags(path, flags).map_err(|source| open_error(connection, path, source))?;

    db.busy_timeout(BUSY_TIMEOUT)
        .and_then(|()| db.pragma_update(None, "foreign_keys", true))
        .map_err(|source| open_error(connection, path, source))?;

    Ok(db)
}

fn check_exists(connection: &str, path: &Path) -> Result<(), EngineError> {
    if path.is_file() {
        return Ok(());
    }
    Err(EngineError::MissingConnectionFile {
        connection: connection.to_string(),
        path: path.to_path_buf(),
    })
}

fn open_error(connection: &str, path: &Path, source: rusqlite::Error) -> EngineError {
    EngineError::OpenConnection {
        connection: connection.to_string(),
        path: path.to_path_buf(),
        source,
    }
}

/// Names of the tables in a file, sorted, without SQLite's own.
pub(crate) fn table_names(db: &Db) -> rusqlite::Result<Vec<String>> {
    let mut statement = db.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let names = statement.query_map([], |row| row.get(0))?;
    names.collect()
}

/// A column of a table, as `PRAGMA table_info` describes it.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub name: String,
    /// Position in the primary key, starting at 1; 0 for a column outside it.
    pub primary_key_position: u32,
}

pub(crate) fn columns(db: &Db, table: &str) -> rusqlite::Result<Vec<Column>> {
    let mut statement = db.prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?;
    let columns = statement.query_map([table], |row| {
        Ok(Column {
            name: row.get(0)?,
            primary_key_position: row.get(1)?,
        })
    })?;
    columns.collect()
}

/// Returns the table's primary key column, when the key is exactly one column.
pub(crate) fn single_primary_key(columns: &[Column]) -> Option<&str> {
    let mut key_columns = columns
        .iter()
        .filter(|column| column.primary_key_position > 0);
    match (key_columns.next(), key_columns.next()) {
        (Some(column), None) => Some(&column.name),
        _ => None,
    }
}

/// Quotes an identifier for SQL, so that names such as `user` or `order` work.
pub(crate) fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}
