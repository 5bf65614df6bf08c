//! The sync catalog: the connections and syncs declared in `syncs.toml`,
//! checked against the SQLite files of the data dir.

use std::path::Path;

use baton_flow::{Connection, Sync};

use super::EngineError;

/// Name of the catalog file inside a data dir.
pub const CATALOG_FILE: &str = "syncs.toml";

/// The connections and syncs of a data dir, checked against each other and
/// against the objects that the connections' files contain.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub connections: Vec<Connection>,
    pub syncs: Vec<Sync>,
}

impl Catalog {
    /// Reads and checks `syncs.toml` in `data_dir`.
    pub fn load(data_dir: &Path) -> Result<Catalog, EngineError> {
        let path = data_dir.join(CATALOG_FILE);
        Err(EngineError::InvalidCatalog {
            path,
            message: "TODO: not implemented yet".to_string(),
        })
    }

    pub fn sync(&self, sync_id: &str) -> Option<&Sync> {
        self.syncs.iter().find(|sync| sync.id == sync_id)
    }
}
