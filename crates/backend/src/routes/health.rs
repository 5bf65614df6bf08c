//! `GET /health`: whether the backend serves requests, without a token.

use axum::routing::get;
use axum::{Json, Router};
use baton_flow::Health;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
}
