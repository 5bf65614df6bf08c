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
mod startup;
pub mod store;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;

use crate::auth::TokenTable;
use crate::engine::Catalog;
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
    catalog: Arc<Catalog>,
    tokens: TokenTable,
    executor: Arc<Executor>,
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

    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.inner.catalog
    }

    pub fn executor(&self) -> &Arc<Executor> {
        &self.inner.executor
    }

    pub(crate) fn tokens(&self) -> &TokenTable {
        &self.inner.tokens
    }
}

/// Builds the router: the API under `/api/v1`, a JSON 404 for any other
/// `/api` path, and the dashboard (if any) for everything else.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}
