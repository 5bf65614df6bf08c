//! The sync catalog: the connections and syncs declared in `syncs.toml`,
//! checked against the SQLite files of the data dir.
//!
//! The objects of a connection are the tables of its file, so the catalog
//! cannot name an object or a field that the destination does not have.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use baton_flow::{
    Connection, ConnectionKind, Lookup, Operation, Sync, SyncDestination, SyncSource,
};
use serde::Deserialize;

use super::sqlite;
use super::EngineError;

/// Name of the catalog file inside a data dir.
pub const CATALOG_FILE: &str = "syncs.toml";

/// Records per destination write when a connection does not set `batch_size`.
const DEFAULT_BATCH_SIZE: u32 = 500;

/// Upper bound of `batch_size`, so that one batch stays a modest amount of memory.
const MAX_BATCH_SIZE: u32 = 100_000;

/// Upper bound of `batch_latency_ms`, one minute, so that a typo cannot stall every run.
const MAX_BATCH_LATENCY_MS: u64 = 60_000;

/// The connections and syncs of a data dir, checked against each other and
/// against the objects that the connections' files contain.
///
/// `Catalog::default()` is an empty catalog, for a data dir without one. Syncs
/// pushed onto it by hand have no connection settings, so `run_sync` rejects
/// them with `UnknownConnection`.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub connections: Vec<Connection>,
    pub syncs: Vec<Sync>,
    settings: HashMap<String, ConnectionSettings>,
}

/// Location of a connection's file, and the pace at which its simulated API accepts writes.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionSettings {
    /// SQLite file, relative to the data dir.
    pub file: PathBuf,
    pub batch_size: u32,
    /// Pause before each batch is written, the time a SaaS API would take to process it.
    pub batch_latency: Duration,
    /// Fields of each object (table), as read when the catalog was loaded.
    fields: HashMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    connections: Vec<ConnectionEntry>,
    #[serde(default)]
    syncs: Vec<SyncEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConnectionEntry {
    id: String,
    name: String,
    kind: ConnectionKind,
    service: String,
    /// SQLite file, relative to the data dir.
    file: PathBuf,
    batch_size: Option<u32>,
    batch_latency_ms: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SyncEntry {
    id: String,
    label: String,
    source: String,
    query: String,
    destination: String,
    object: String,
    key: String,
    operation: Operation,
    #[serde(default)]
    lookups: Vec<LookupEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LookupEntry {
    field: String,
    object: String,
}

impl Catalog {
    /// Reads `syncs.toml` in `data_dir` and checks it against the connections' files.
    pub fn load(data_dir: &Path) -> Result<Catalog, EngineError> {
        let path = data_dir.join(CATALOG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| EngineError::Io {
            path: path.clone(),
            source,
        })?;
        let file: CatalogFile =
            toml::from_str(&text).map_err(|error| EngineError::InvalidCatalog {
                path: path.clone(),
                message: error.to_string(),
            })?;

        let mut catalog = Catalog {
            connections: Vec::new(),
            syncs: Vec::new(),
            settings: HashMap::new(),
        };
        for entry in file.connections {
            catalog.add_connection(data_dir, &path, entry)?;
        }
        for entry in file.syncs {
            catalog.add_sync(&path, entry)?;
        }
        Ok(catalog)
    }

    pub fn sync(&self, sync_id: &str) -> Option<&Sync> {
        self.syncs.iter().find(|sync| sync.id == sync_id)
    }

    pub fn connection(&self, connection_id: &str) -> Option<&Connection> {
        self.connections
            .iter()
            .find(|connection| connection.id == connection_id)
    }

    pub(crate) fn settings(&self, connection_id: &str) -> Option<&ConnectionSettings> {
        self.settings.get(connection_id)
    }

    fn add_connection(
        &mut self,
        data_dir: &Path,
        catalog_path: &Path,
        entry: ConnectionEntry,
    ) -> Result<(), EngineError> {
        if self.connection(&entry.id).is_some() {
            return Err(EngineError::DuplicateId {
                kind: "connection",
                id: entry.id,
            });
        }
        let mut settings = connection_settings(catalog_path, &entry)?;

        let path = data_dir.join(&settings.file);
        let db = sqlite::open_read_only(&entry.id, &path)?;
        let read_error = |source| EngineError::OpenConnection {
            connection: entry.id.clone(),
            path: path.clone(),
            source,
        };
        let objects = sqlite::table_names(&db).map_err(read_error)?;
        for object in &objects {
            let columns = sqlite::columns(&db, object).map_err(read_error)?;
            let names = columns.into_iter().map(|column| column.name).collect();
            settings.fields.insert(object.clone(), names);
        }

        self.settings.insert(entry.id.clone(), settings);
        self.connections.push(Connection {
            id: entry.id,
            name: entry.name,
            kind: entry.kind,
            service: entry.service,
            objects,
        });
        Ok(())
    }

    fn add_sync(&mut self, catalog_path: &Path, entry: SyncEntry) -> Result<(), EngineError> {
        check_sync_text(catalog_path, &entry)?;
        if self.sync(&entry.id).is_some() {
            return Err(EngineError::DuplicateId {
                kind: "sync",
                id: entry.id,
            });
        }
        self.expect_connection(&entry.id, &entry.source, ConnectionKind::Source)?;
        self.expect_connection(&entry.id, &entry.destination, ConnectionKind::Destination)?;

        let fields = self.object_fields(&entry.id, &entry.destination, &entry.object)?;
        expect_field(&entry.id, &entry.object, fields, &entry.key)?;
        for lookup in &entry.lookups {
            expect_field(&entry.id, &entry.object, fields, &lookup.field)?;
            self.object_fields(&entry.id, &entry.destination, &lookup.object)?;
        }

        self.syncs.push(Sync {
            id: entry.id,
            label: entry.label,
            source: SyncSource {
                connection_id: entry.source,
                query: entry.query,
            },
            destination: SyncDestination {
                connection_id: entry.destination,
                object: entry.object,
            },
            operation: entry.operation,
            key: entry.key,
            lookups: entry
                .lookups
                .into_iter()
                .map(|lookup| Lookup {
                    field: lookup.field,
                    object: lookup.object,
                })
                .collect(),
            last_run: None,
        });
        Ok(())
    }

    fn find_connection(
        &self,
        sync_id: &str,
        connection_id: &str,
    ) -> Result<&Connection, EngineError> {
        if let Some(connection) = self.connection(connection_id) {
            return Ok(connection);
        }
        let declared: Vec<&str> = self.connections.iter().map(|c| c.id.as_str()).collect();
        Err(EngineError::UnknownConnection {
            sync_id: sync_id.to_string(),
            connection: connection_id.to_string(),
            declared: list_or_none(&declared),
        })
    }

    fn expect_connection(
        &self,
        sync_id: &str,
        connection_id: &str,
        kind: ConnectionKind,
    ) -> Result<(), EngineError> {
        let connection = self.find_connection(sync_id, connection_id)?;
        if connection.kind == kind {
            return Ok(());
        }
        Err(EngineError::WrongConnectionKind {
            sync_id: sync_id.to_string(),
            connection: connection_id.to_string(),
            role: kind_name(kind),
            kind: kind_name(connection.kind),
        })
    }

    /// The fields of a destination object, which must exist.
    fn object_fields(
        &self,
        sync_id: &str,
        connection_id: &str,
        object: &str,
    ) -> Result<&[String], EngineError> {
        let connection = self.find_connection(sync_id, connection_id)?;
        let fields = self
            .settings
            .get(connection_id)
            .and_then(|settings| settings.fields.get(object));
        if let Some(fields) = fields {
            return Ok(fields);
        }

        let known: Vec<&str> = connection.objects.iter().map(String::as_str).collect();
        Err(EngineError::UnknownObject {
            sync_id: sync_id.to_string(),
            connection: connection_id.to_string(),
            object: object.to_string(),
            known: list_or_none(&known),
        })
    }
}

fn connection_settings(
    catalog_path: &Path,
    entry: &ConnectionEntry,
) -> Result<ConnectionSettings, EngineError> {
    let invalid = |message: String| EngineError::InvalidCatalog {
        path: catalog_path.to_path_buf(),
        message,
    };

    if entry.id.trim().is_empty() {
        return Err(invalid(format!(
            "connection `{}` has an empty id; give it an id",
            entry.name
        )));
    }

    let is_destination = entry.kind == ConnectionKind::Destination;
    if !is_destination && (entry.batch_size.is_some() || entry.batch_latency_ms.is_some()) {
        return Err(invalid(format!(
            "connection `{}` is a source, but batch_size and batch_latency_ms apply to destinations only; remove them",
            entry.id
        )));
    }

    let batch_size = entry.batch_size.unwrap_or(DEFAULT_BATCH_SIZE);
    if !(1..=MAX_BATCH_SIZE).contains(&batch_size) {
        return Err(invalid(format!(
            "connection `{}` has batch_size {batch_size}; set it from 1 to {MAX_BATCH_SIZE}",
            entry.id
        )));
    }
    let latency_ms = entry.batch_latency_ms.unwrap_or(0);
    if latency_ms > MAX_BATCH_LATENCY_MS {
        return Err(invalid(format!(
            "connection `{}` has batch_latency_ms {latency_ms}; set it from 0 to {MAX_BATCH_LATENCY_MS}",
            entry.id
        )));
    }

    Ok(ConnectionSettings {
        file: entry.file.clone(),
        batch_size,
        batch_latency: Duration::from_millis(latency_ms),
        fields: HashMap::new(),
    })
}

fn check_sync_text(catalog_path: &Path, entry: &SyncEntry) -> Result<(), EngineError> {
    let message = if entry.id.trim().is_empty() {
        format!(
            "the sync labelled `{}` has an empty id; give it an id",
            entry.label
        )
    } else if entry.query.trim().is_empty() {
        format!(
            "sync `{}` has an empty query; give it the SQL that reads its records",
            entry.id
        )
    } else {
        return Ok(());
    };
    Err(EngineError::InvalidCatalog {
        path: catalog_path.to_path_buf(),
        message,
    })
}

fn expect_field(
    sync_id: &str,
    object: &str,
    fields: &[String],
    field: &str,
) -> Result<(), EngineError> {
    if fields.iter().any(|name| name == field) {
        return Ok(());
    }
    let known: Vec<&str> = fields.iter().map(String::as_str).collect();
    Err(EngineError::UnknownField {
        sync_id: sync_id.to_string(),
        object: object.to_string(),
        field: field.to_string(),
        known: list_or_none(&known),
    })
}

pub(crate) fn kind_name(kind: ConnectionKind) -> &'static str {
    match kind {
        ConnectionKind::Source => "source",
        ConnectionKind::Destination => "destination",
    }
}

fn list_or_none(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    names.join(", ")
}
