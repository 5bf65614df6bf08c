//! The backend's store: flows with every saved version, runs with their step
//! runs, rejected-record samples and events, and API tokens, in one SQLite
//! file (`baton.sqlite` in the data dir) in WAL mode.
//!
//! Every function here is blocking; handlers and the run executor go through
//! [`Store::call`], which runs them on tokio's blocking threads.

pub mod flows;
pub mod runs;
pub mod tokens;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;

/// Name of the store's file inside the data dir.
pub const STORE_FILE: &str = "baton.sqlite";

/// Schema migrations, applied in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[&str] = &[include_str!("migrations/001_initial.sql")];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error("store migration {number} failed: {source}")]
    Migration {
        number: usize,
        #[source]
        source: rusqlite::Error,
    },

    #[error("the store {} has schema version {found}, newer than this backend knows ({known}); use a newer baton-backend", path.display())]
    TooNew {
        path: PathBuf,
        found: usize,
        known: usize,
    },

    #[error("store query failed: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("store holds invalid JSON in {what}: {source}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },

    #[error("store holds an invalid value in {what}: `{value}`")]
    InvalidValue { what: &'static str, value: String },

    #[error("store task failed: {0}")]
    Task(String),
}

/// Handle to the store, shared by request handlers and the run executor.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (or creates) the store in `data_dir` and applies pending migrations.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        let path = data_dir.join(STORE_FILE);
        let open_error = |source| StoreError::Open {
            path: path.clone(),
            source,
        };
        let mut conn = Connection::open(&path).map_err(open_error)?;

        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_error)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_error)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_error)?;

        migrate(&mut conn, &path)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` on a blocking thread with the store's connection.
    pub async fn call<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while the lock was held leaves the connection usable,
            // because every write runs in a transaction that SQLite rolled back.
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut guard)
        })
        .await
        .map_err(|error| StoreError::Task(error.to_string()))?
    }

    /// Runs `work` on the calling thread; for start-up, before the server runs.
    pub fn call_blocking<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut guard = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        work(&mut guard)
    }
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let applied: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if applied > MIGRATIONS.len() {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: applied,
            known: MIGRATIONS.len(),
        });
    }

    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let number = index + 1;
        let migration_error = |source| StoreError::Migration { number, source };
        let tx = conn.transaction().map_err(migration_error)?;
        tx.execute_batch(sql).map_err(migration_error)?;
        tx.pragma_update(None, "user_version", number)
            .map_err(migration_error)?;
        tx.commit().map_err(migration_error)?;
        tracing::info!(migration = number, "store migrated");
    }
    Ok(())
}

/// Formats a time as stored: RFC 3339 in UTC with microseconds, so that text
/// order is time order and the history index can sort on it.
pub fn format_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse_time(what: &'static str, text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| StoreError::InvalidValue {
            what,
            value: text.to_string(),
        })
}

pub fn parse_optional_time(
    what: &'static str,
    text: Option<String>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    text.map(|text| parse_time(what, &text)).transpose()
}

/// Current time, truncated to the stored precision so that what a handler
/// returns equals what a later read returns.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    parse_time("now", &format_time(now)).unwrap_or(now)
}

/// Serializes a unit-like enum to its JSON string form, such as `on_success`.
pub fn enum_text<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        other => format!("{other:?}"),
    }
}

pub fn parse_enum<T: serde::de::DeserializeOwned>(
    what: &'static str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).map_err(|_| {
        StoreError::InvalidValue {
            what,
            value: text.to_string(),
        }
    })
}

/// A random identifier with a prefix, such as `run_5f0c1e9a2b7d4c3e`.
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 8];
    fill_random(&mut bytes);
    format!("{prefix}_{}", hex(&bytes))
}

/// Fills `bytes` from the operating system's random source.
pub fn fill_random(bytes: &mut [u8]) {
    // NOTE: getrandom fails only when the OS has no random source at all;
    // then no safe identifier or token can be made, so the process stops.
    if let Err(error) = getrandom::fill(bytes) {
        panic!("the operating system's random source failed: {error}");
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
