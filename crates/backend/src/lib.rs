//! The Baton reference sync backend: it stores flows, runs their syncs and
//! serves the HTTP contract under `/api/v1`, plus a built dashboard.

pub mod config;
pub mod engine;
pub mod error;
mod routes;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;

pub use config::Config;
pub use error::{ApiError, ApiResult};

/// Shared context of every request handler.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    dist: Option<PathBuf>,
}

impl AppState {
    /// Opens the backend's state for `config`.
    pub fn open(config: &Config) -> Result<Self, std::io::Error> {
        if let Some(dist) = &config.dist {
            let index = dist.join("index.html");
            if !index.is_file() {
                let message = format!(
                    "--dist {} has no index.html; build the dashboard first (trunk build) or leave out --dist",
                    dist.display()
                );
                return Err(std::io::Error::new(std::io::ErrorKind::NotFound, message));
            }
        }
        Ok(AppState { inner: Arc::new(Inner { dist: config.dist.clone() }) })
    }
}

/// Builds the router: the API under `/api/v1`, a JSON 404 for any other
/// `/api` path, and the dashboard (if any) for everything else.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}
