//! The HTTP routes, one module per resource, merged into one router here.

mod catalog;
mod flows;
mod health;
mod history;
mod me;
mod openapi;
mod runs;
mod static_files;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::routing::any;
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::executor::StartError;
use crate::json::MAX_BODY_BYTES;
use crate::{ApiError, AppState};

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(health::router())
        .merge(me::router())
        .merge(openapi::router())
        .merge(catalog::router())
        .merge(flows::router())
        .merge(runs::router())
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let api = match cors(&state) {
        Some(cors) => api.layer(cors),
        None => api,
    };

    let router = Router::new()
        .nest("/api/v1", api)
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found));

    let router = match state.inner.dist.clone() {
        Some(dist) => router.fallback_service(static_files::service(&dist)),
        None => router.fallback(api_not_found),
    };
    // Spans carry the path without the query, because an event stream's
    // query may hold an access token, which must never reach the log.
    let trace = TraceLayer::new_for_http().make_span_with(|request: &axum::extract::Request| {
        tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
    });
    router.layer(trace).with_state(state)
}

/// CORS for the one origin of `--allow-origin`; none without it.
fn cors(state: &AppState) -> Option<CorsLayer> {
    let origin = state.inner.allow_origin.as_deref()?;
    let origin = match HeaderValue::from_str(origin) {
        Ok(origin) => origin,
        Err(error) => {
            tracing::error!(%error, "--allow-origin is not a valid header value; CORS stays off");
            return None;
        }
    };
    tracing::info!(origin = ?origin, "CORS allows this origin");
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::exact(origin))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                HeaderName::from_static("last-event-id"),
            ])
            .expose_headers([header::ETAG]),
    )
}

async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no route for {}; the API lives under /api/v1",
        uri.path()
    ))
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()))
}

/// Maps a failed start to 409 with the active run, or to an internal error.
pub(crate) fn start_error(error: StartError, subject: String) -> ApiError {
    match error {
        StartError::Active(run_id) => ApiError::RunActive { subject, run_id },
        StartError::Stopping => ApiError::Unavailable(error.to_string()),
        StartError::Store(error) => error.into(),
    }
}
