//! `GET /openapi.json`: the HTTP contract as OpenAPI 3.1, the same bytes as
//! docs/openapi.json, without a token.

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::AppState;

/// docs/openapi.json, embedded at build time.
pub const OPENAPI_JSON: &str = include_str!("../../../../docs/openapi.json");

pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(openapi))
}

async fn openapi() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}
