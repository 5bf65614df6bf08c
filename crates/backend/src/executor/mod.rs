//! The run executor: starts runs of flows (and of syncs alone), follows each
//! flow's triggers, runs independent steps in parallel up to a limit, and
//! announces every change of a run as an event.
//!
//! The store is the source of truth: an active run's state is written there
//! on every change, so a restart loses at most the counts since the last
//! progress write, and the run comes back `interrupted`.

pub mod plan;
mod run;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baton_flow::{RunEvent, RunSummary, TriggerReason};
use tokio::sync::{broadcast, Notify};

use crate::engine::{Catalog, Control, EngineError, SyncOutcome};
use crate::store::runs::NewRun;
use crate::store::{new_id, Store, StoreError};

pub use plan::Plan;

/// Runs one sync for a step run. The real one calls the sync engine; tests
/// and benchmarks may pass another.
pub trait StepRunner: Send + Sync + 'static {
    /// Runs `sync_id` until it ends or `control` is cancelled; blocking.
    fn run(&self, sync_id: &str, control: &Control) -> Result<SyncOutcome, EngineError>;
}

/// The sync engine over the data dir's files; without a catalog, every sync
/// is unknown.
pub struct EngineRunner {
    pub data_dir: PathBuf,
    pub catalog: Option<Arc<Catalog>>,
}

impl StepRunner for EngineRunner {
    fn run(&self, sync_id: &str, control: &Control) -> Result<SyncOutcome, EngineError> {
        match &self.catalog {
            Some(catalog) => crate::engine::run_sync(&self.data_dir, catalog, sync_id, control),
            None => Err(EngineError::UnknownSync {
                sync_id: sync_id.to_string(),
            }),
        }
    }
}

/// Limits of the executor.
#[derive(Debug, Clone, Copy)]
pub struct ExecutorSettings {
    /// Step runs of one run that may run at the same time.
    pub concurrency: usize,
    /// Timeout of one attempt of a step that sets no `timeout_secs`.
    pub default_timeout: Duration,
    /// Minimum time between two progress writes of a step run.
    pub progress_interval: Duration,
}

/// Error of a run that could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("run `{0}` is still active")]
    Active(String),
    #[error("the backend is stopping; start the run again once it is back")]
    Stopping,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A run in progress, as the executor tracks it.
struct ActiveRun {
    cancel: Arc<AtomicBool>,
    wake: Arc<Notify>,
}

pub struct Executor {
    store: Store,
    runner: Arc<dyn StepRunner>,
    settings: ExecutorSettings,
    active: Mutex<HashMap<String, ActiveRun>>,
    events: broadcast::Sender<(String, RunEvent)>,
    /// Set when the process stops: runs write nothing more, and none start.
    stopping: Arc<AtomicBool>,
}

/// Reason, caller and flow version of a run to start.
#[derive(Debug, Clone)]
pub struct Start {
    pub reason: TriggerReason,
    pub triggered_by: String,
    pub retry_of: Option<String>,
    /// Version of the flow that runs; `None` for a sync triggered alone.
    pub flow_version: Option<u64>,
}

impl Executor {
    pub fn new(
        store: Store,
        runner: Arc<dyn StepRunner>,
        settings: ExecutorSettings,
    ) -> Arc<Executor> {
        let (events, _) = broadcast::channel(1024);
        Arc::new(Executor {
            store,
            runner,
            settings,
            active: Mutex::new(HashMap::new()),
            events,
            stopping: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Creates a run of `plan` and starts executing it in the background.
    pub async fn start(
        self: &Arc<Self>,
        plan: Plan,
        start: Start,
    ) -> Result<RunSummary, StartError> {
        if self.stopping.load(Ordering::SeqCst) {
            return Err(StartError::Stopping);
        }
        let new_run = NewRun {
            id: new_id("run"),
            sync_id: if plan.flow_id.is_none() {
                plan.steps.first().map(|step| step.sync_id.clone())
            } else {
                None
            },
            flow_id: plan.flow_id.clone(),
            flow_version: start.flow_version,
            trigger_reason: start.reason,
            triggered_by: start.triggered_by,
            retry_of: start.retry_of,
            steps: plan
                .steps
                .iter()
                .map(|step| (step.id.clone(), step.sync_id.clone()))
                .collect(),
        };

        // Registered before the run exists in the store, so that a cancel
        // that follows the start's response always finds it.
        let run_id = new_run.id.clone();
        let cancel = Arc::new(AtomicBool::new(false));
        let wake = Arc::new(Notify::new());
        self.lock_active().insert(
            run_id.clone(),
            ActiveRun {
                cancel: Arc::clone(&cancel),
                wake: Arc::clone(&wake),
            },
        );

        let created = self
            .store
            .call(move |conn| crate::store::runs::create(conn, &new_run))
            .await;
        let summary = match created {
            Ok(Ok(summary)) => summary,
            Ok(Err(active)) => {
                self.lock_active().remove(&run_id);
                return Err(StartError::Active(active));
            }
            Err(error) => {
                self.lock_active().remove(&run_id);
                return Err(StartError::Store(error));
            }
        };
        tracing::info!(
            run_id = %summary.id,
            flow_id = ?summary.flow_id,
            sync_id = ?summary.sync_id,
            reason = ?summary.trigger_reason,
            steps = summary.step_count,
            "run queued"
        );

        let executor = Arc::clone(self);
        tokio::spawn(async move {
            let task = run::RunTask::new(Arc::clone(&executor), run_id.clone(), plan, cancel, wake);
            // A panic in the run's task must not leave the flow blocked by a
            // run that stays active forever, so it ends the run as interrupted.
            if let Err(error) = tokio::spawn(task.execute()).await {
                tracing::error!(run_id = %run_id, %error, "run task failed; marking the run interrupted");
                let failed_run = run_id.clone();
                let marked = executor
                    .store
                    .call(move |conn| crate::store::runs::interrupt(conn, &failed_run))
                    .await;
                if let Err(error) = marked {
                    tracing::error!(run_id = %run_id, %error, "cannot mark the failed run interrupted");
                }
            }
            executor.lock_active().remove(&run_id);
        });
        Ok(summary)
    }

    /// Stops for a process shutdown: no run starts or writes any more, and
    /// the active runs are marked interrupted now, as the next start would.
    /// Their syncs are asked to stop after their current batch.
    pub async fn stop(&self) -> Result<Vec<String>, StoreError> {
        self.stopping.store(true, Ordering::SeqCst);
        for run in self.lock_active().values() {
            run.cancel.store(true, Ordering::SeqCst);
        }

        // The store's lock orders this after any write already under way,
        // and every later write sees `stopping` under the same lock.
        self.store
            .call(crate::store::runs::interrupt_unfinished)
            .await
    }

    pub(crate) fn is_stopping(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stopping)
    }

    /// Asks an active run to stop; returns `false` if it is not active here.
    pub fn cancel(&self, run_id: &str) -> bool {
        let active = self.lock_active();
        let Some(run) = active.get(run_id) else {
            return false;
        };
        run.cancel.store(true, Ordering::SeqCst);
        run.wake.notify_one();
        tracing::info!(run_id, "run cancel requested");
        true
    }

    pub fn is_active(&self, run_id: &str) -> bool {
        self.lock_active().contains_key(run_id)
    }

    /// Number of runs executing now.
    pub fn active_count(&self) -> usize {
        self.lock_active().len()
    }

    /// Events of every run as they happen; filter by run id.
    pub fn subscribe(&self) -> broadcast::Receiver<(String, RunEvent)> {
        self.events.subscribe()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    fn lock_active(&self) -> std::sync::MutexGuard<'_, HashMap<String, ActiveRun>> {
        self.active
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
