//! The one error type of the HTTP layer: each variant maps to a status and a
//! stable code in the shared error body, and internal detail is logged once
//! here instead of being sent to the client.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use baton_flow::{ErrorBody, ErrorResponse};

/// Result of a request handler.
pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        tracing::info!(status = status.as_u16(), code, error = %self, "request rejected");
        let body = ErrorResponse {
            error: ErrorBody { code: code.to_string(), message: self.to_string(), details: None },
        };
        (status, Json(body)).into_response()
    }
}
