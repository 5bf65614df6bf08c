//! The two example flows of the demo, created once per data dir.

use crate::engine::Catalog;
use crate::store::{flows, Store, StoreError};

const CREATED_KEY: &str = "demo_flows_created";

/// Creates the example flows unless this data dir already got them once.
pub fn create_once(store: &Store, catalog: &Catalog) -> Result<(), StoreError> {
    let _ = catalog;
    store.call_blocking(|conn| {
        if flows::meta(conn, CREATED_KEY)?.is_some() {
            return Ok(());
        }
        // TODO: build the flows from the demo catalog once it exists.
        flows::set_meta(conn, CREATED_KEY, &crate::store::format_time(crate::store::now()))
    })
}
