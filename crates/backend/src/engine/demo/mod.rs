//! Demo data: a warehouse, three destinations that enforce their references
//! (CRM, billing, analytics) and a sync catalog, generated from a fixed seed
//! so that every fresh data dir holds the same records.

mod destinations;
mod warehouse;

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection as Db;

use super::{EngineError, CATALOG_FILE};
use destinations::DESTINATIONS;

/// The demo catalog, copied into a data dir as `syncs.toml`.
pub const DEMO_CATALOG: &str = include_str!("../../../demo/syncs.toml");

const WAREHOUSE_FILE: &str = "warehouse.sqlite";

/// Suffix of a file still being written; it is renamed into place when complete.
const PARTIAL_SUFFIX: &str = ".partial";

/// Row counts of the warehouse tables that the demo generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSize {
    pub accounts: u32,
    pub contacts: u32,
    pub deals: u32,
    pub customers: u32,
    pub payments: u32,
    pub users: u32,
    pub events: u32,
}

impl DemoSize {
    /// Returns the volumes shown in the dashboard's demo.
    pub fn demo() -> Self {
        DemoSize {
            accounts: 2_500,
            contacts: 30_000,
            deals: 6_000,
            customers: 2_000,
            payments: 12_000,
            users: 8_000,
            events: 60_000,
        }
    }

    /// Returns small volumes that keep tests fast.
    pub fn small() -> Self {
        DemoSize {
            accounts: 40,
            contacts: 200,
            deals: 60,
            customers: 30,
            payments: 120,
            users: 50,
            events: 300,
        }
    }
}

/// Creates the demo data in `data_dir`, unless it is already there.
///
/// Returns `true` when it created the files and `false` when it found all of
/// them and changed nothing. Fails, changing nothing, when only some of them
/// exist, since recreating the others could mix two generations of data.
pub fn create_demo(data_dir: &Path, size: DemoSize) -> Result<bool, EngineError> {
    fs::create_dir_all(data_dir).map_err(|source| io_error(data_dir, source))?;

    let files = demo_files();
    let (present, missing): (Vec<&str>, Vec<&str>) =
        files.iter().partition(|file| data_dir.join(file).exists());
    if missing.is_empty() {
        return Ok(false);
    }
    if !present.is_empty() {
        return Err(EngineError::IncompleteDemo {
            dir: data_dir.to_path_buf(),
            present: present.join(", "),
            missing: missing.join(", "),
        });
    }

    for file in &files {
        remove_if_present(&partial_path(data_dir, file))?;
    }
    create_warehouse(&partial_path(data_dir, WAREHOUSE_FILE), size)?;
    for destination in &DESTINATIONS {
        create_destination(
            &partial_path(data_dir, destination.file),
            destination.schema,
        )?;
    }
    let catalog = partial_path(data_dir, CATALOG_FILE);
    fs::write(&catalog, DEMO_CATALOG).map_err(|source| io_error(&catalog, source))?;

    // The catalog comes last, so that a data dir with a catalog has every file it names.
    for file in &files {
        let partial = partial_path(data_dir, file);
        fs::rename(&partial, data_dir.join(file)).map_err(|source| io_error(&partial, source))?;
    }
    Ok(true)
}

/// Lists every file of the demo, the catalog last.
fn demo_files() -> Vec<&'static str> {
    let mut files = vec![WAREHOUSE_FILE];
    files.extend(DESTINATIONS.iter().map(|destination| destination.file));
    files.push(CATALOG_FILE);
    files
}

fn create_warehouse(path: &Path, size: DemoSize) -> Result<(), EngineError> {
    let sqlite_error = |source| EngineError::DemoSqlite {
        path: path.to_path_buf(),
        source,
    };
    let mut db = Db::open(path).map_err(sqlite_error)?;
    db.execute_batch(warehouse::SCHEMA).map_err(sqlite_error)?;
    warehouse::fill(&mut db, size).map_err(sqlite_error)?;
    db.close().map_err(|(_, source)| sqlite_error(source))
}

/// Creates an empty destination in WAL mode, so that readers such as a
/// catalog load are not blocked while a sync writes to it.
fn create_destination(path: &Path, schema: &str) -> Result<(), EngineError> {
    let sqlite_error = |source| EngineError::DemoSqlite {
        path: path.to_path_buf(),
        source,
    };
    let db = Db::open(path).map_err(sqlite_error)?;
    db.pragma_update(None, "journal_mode", "WAL")
        .map_err(sqlite_error)?;
    db.execute_batch(schema).map_err(sqlite_error)?;
    db.close().map_err(|(_, source)| sqlite_error(source))
}

fn partial_path(data_dir: &Path, file: &str) -> PathBuf {
    data_dir.join(format!("{file}{PARTIAL_SUFFIX}"))
}

fn remove_if_present(path: &Path) -> Result<(), EngineError> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(io_error(path, error)),
        _ => Ok(()),
    }
}

fn io_error(path: &Path, source: std::io::Error) -> EngineError {
    EngineError::Io {
        path: path.to_path_buf(),
        source,
    }
}
