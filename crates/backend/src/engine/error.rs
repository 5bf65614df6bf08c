//! Errors of the sync engine: a catalog that cannot be used, a sync run that
//! could not finish, and demo data that could not be created.
//!
//! A rejected record is not an error: it is counted in the run's outcome.

use std::path::PathBuf;

/// Failure to load the catalog, create the demo data or finish a sync run.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("failed to read or write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("invalid sync catalog {}: {message}", path.display())]
    InvalidCatalog { path: PathBuf, message: String },

    #[error("duplicate {kind} id `{id}` in the sync catalog; give each {kind} its own id")]
    DuplicateId { kind: &'static str, id: String },

    #[error("sync `{sync_id}` names connection `{connection}`, which the catalog does not declare; declared: {declared}")]
    UnknownConnection {
        sync_id: String,
        connection: String,
        declared: String,
    },

    #[error("sync `{sync_id}` uses connection `{connection}` as its {role}, but it is a {kind}")]
    WrongConnectionKind {
        sync_id: String,
        connection: String,
        role: &'static str,
        kind: &'static str,
    },

    #[error("sync `{sync_id}` names object `{object}`, which destination `{connection}` does not have; its objects: {known}")]
    UnknownObject {
        sync_id: String,
        connection: String,
        object: String,
        known: String,
    },

    #[error("sync `{sync_id}` names field `{field}`, which object `{object}` does not have; its fields: {known}")]
    UnknownField {
        sync_id: String,
        object: String,
        field: String,
        known: String,
    },

    #[error("sync `{sync_id}` is not in the catalog")]
    UnknownSync { sync_id: String },

    #[error("connection `{connection}`: cannot open {}: {source}", path.display())]
    OpenConnection {
        connection: String,
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error("sync `{sync_id}` failed to read its source query: {source}; fix the query in the sync catalog")]
    SourceQuery {
        sync_id: String,
        #[source]
        source: rusqlite::Error,
    },

    #[error("sync `{sync_id}`: the source query returns column `{column}`, which object `{object}` does not have; rename it with AS or drop it")]
    UnmappedColumn {
        sync_id: String,
        column: String,
        object: String,
    },

    #[error("sync `{sync_id}`: the source query returns column `{column}` twice; keep one or rename the other with AS")]
    DuplicateColumn { sync_id: String, column: String },

    #[error("sync `{sync_id}`: the source query does not return the {role} `{column}`; add it to the query")]
    MissingColumn {
        sync_id: String,
        column: String,
        role: &'static str,
    },

    #[error("connection `{connection}`: file {} not found; create it or fix `file` in the sync catalog", path.display())]
    MissingConnectionFile { connection: String, path: PathBuf },

    #[error("sync `{sync_id}`: object `{object}` has no single-column primary key, so lookups cannot reference it")]
    NoPrimaryKey { sync_id: String, object: String },

    #[error("sync `{sync_id}` failed to write destination `{connection}`: {source}")]
    Destination {
        sync_id: String,
        connection: String,
        #[source]
        source: rusqlite::Error,
    },

    #[error("failed to create demo data in {}: {source}", path.display())]
    DemoSqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error("demo data in {} is incomplete: {present} exist but {missing} are missing; restore them or move the present ones away", dir.display())]
    IncompleteDemo {
        dir: PathBuf,
        present: String,
        missing: String,
    },

    #[error("the sync run was cancelled")]
    Cancelled,
}
