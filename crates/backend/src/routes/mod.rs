//! The HTTP routes, one module per resource, merged into one router here.

mod health;
mod static_files;

use axum::routing::any;
use axum::Router;
use tower_http::trace::TraceLayer;

use crate::{ApiError, AppState};

pub fn router(state: AppState) -> Router {
    let api = Router::new().merge(health::router());

    let router = Router::new()
        .nest("/api/v1", api)
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found));

    let router = match state.inner.dist.clone() {
        Some(dist) => router.fallback_service(static_files::service(&dist)),
        None => router.fallback(api_not_found),
    };
    router.layer(TraceLayer::new_for_http()).with_state(state)
}

async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no route for {}; the API lives under /api/v1", uri.path()))
}
