//! The sync engine: runs one sync of the catalog for real, from a source
//! query on the warehouse into a destination object, over SQLite files.
//!
//! A data dir contains the catalog (`syncs.toml`), the warehouse and one SQLite
//! file per destination. Destinations enforce their references with foreign
//! keys, and the engine resolves each lookup before it writes, so a record
//! whose referenced object is missing is rejected with the reason, exactly as
//! a SaaS API would. The run executor calls [`run_sync`] once per step run.

mod catalog;
mod demo;
mod error;
mod rng;
mod run;
mod sqlite;
mod writer;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use baton_flow::{RecordCounts, RejectedRecord};

pub use catalog::{Catalog, CATALOG_FILE};
pub use demo::{create_demo, DemoSize, DEMO_CATALOG};
pub use error::EngineError;
pub use run::{run_sync, MAX_REJECTED_SAMPLES};

/// Record counts and rejected samples of one sync run.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncOutcome {
    pub records: RecordCounts,
    /// The first rejected records, at most [`MAX_REJECTED_SAMPLES`], with the reason for each.
    pub rejected_samples: Vec<RejectedRecord>,
}

/// Callback that receives the counts so far after each committed batch.
pub type ProgressFn = Box<dyn Fn(RecordCounts) + Send + Sync>;

/// How the caller of [`run_sync`] follows and stops a sync run.
///
/// The engine checks the cancel flag between batches, so a cancel takes
/// effect within one batch, and the batches committed before it stay.
pub struct Control {
    pub cancel: Arc<AtomicBool>,
    pub progress: ProgressFn,
}

impl Control {
    pub fn new(
        cancel: Arc<AtomicBool>,
        progress: impl Fn(RecordCounts) + Send + Sync + 'static,
    ) -> Self {
        Control {
            cancel,
            progress: Box::new(progress),
        }
    }

    /// Asks the running sync to stop after its current batch.
    pub fn request_cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

impl Default for Control {
    /// A control that nobody cancels and whose progress goes nowhere.
    fn default() -> Self {
        Control::new(Arc::new(AtomicBool::new(false)), |_| {})
    }
}

impl std::fmt::Debug for Control {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Control")
            .field("cancelled", &self.is_cancelled())
            .finish_non_exhaustive()
    }
}
