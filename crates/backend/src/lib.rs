//! The Baton reference sync backend: it stores flows, runs their syncs and
//! serves the HTTP contract under `/api/v1`, plus a built dashboard.

pub mod auth;
pub mod config;
mod demo_flows;
pub mod engine;
pub mod error;
pub mod executor;
pub mod json;
mod routes;
pub mod scheduler;
mod startup;
pub mod store;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;

use crate::auth::TokenTable;
use crate::executor::Executor;
use crate::store::Store;

pub use config::Config;
pub use error::{ApiError, ApiResult};
pub use startup::StartupError;

/// Shared context of every request handler.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    dist: Option<PathBuf>,
    allow_origin: Option<String>,
    store: Store,
    catalog: Arc<SyncCatalog>,
    tokens: TokenTable,
    executor: Arc<Executor>,
    /// Turns `true` when the process stops, so open event streams end.
    shutdown: tokio::sync::watch::Sender<bool>,
}

impl AppState {
    /// Opens the data dir for `config`: migrates the store, marks runs left
    /// active by an earlier process as interrupted, sets up tokens and, with
    /// `--demo`, the demo data. Needs a tokio runtime.
    pub fn open(config: &Config) -> Result<Self, StartupError> {
        startup::open(config)
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn catalog(&self) -> &Arc<SyncCatalog> {
        &self.inner.catalog
    }

    pub fn executor(&self) -> &Arc<Executor> {
        &self.inner.executor
    }

    /// Ends open event streams, so a graceful shutdown need not wait for them.
    pub fn begin_shutdown(&self) {
        self.inner.shutdown.send_replace(true);
    }

    pub(crate) fn shutdown_signal(&self) -> tokio::sync::watch::Receiver<bool> {
        self.inner.shutdown.subscribe()
    }

    pub(crate) fn tokens(&self) -> &TokenTable {
        &self.inner.tokens
    }
}

/// The connections and syncs that the API lists and flows may use: the
/// engine's catalog, or nothing when the data dir has none.
#[derive(Debug, Clone, Default)]
pub struct SyncCatalog {
    pub connections: Vec<baton_flow::Connection>,
    pub syncs: Vec<baton_flow::Sync>,
}

impl SyncCatalog {
    pub fn sync(&self, id: &str) -> Option<&baton_flow::Sync> {
        self.syncs.iter().find(|sync| sync.id == id)
    }
}

/// Builds the router: the API under `/api/v1`, a JSON 404 for any other
/// `/api` path, and the dashboard (if any) for everything else.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}
