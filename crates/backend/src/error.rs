//! The one error type of the HTTP layer: each variant maps to a status and a
//! stable code in the shared error body. Internal detail is logged once here
//! and never sent to the client.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use baton_flow::{ErrorBody, ErrorResponse, Flow, Problem};
use serde_json::json;

use crate::store::StoreError;

/// Result of a request handler.
pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A malformed request: invalid JSON, an unknown field, a wrong type, a bad query parameter.
    #[error("{message}")]
    BadRequest {
        message: String,
        field: Option<String>,
    },

    #[error("{0}")]
    Unauthorized(String),

    #[error("{0}")]
    Forbidden(String),

    #[error("{0}")]
    NotFound(String),

    #[error("{0}")]
    MethodNotAllowed(String),

    /// `subject` is the flow, or the sync triggered alone, such as "flow `flow_1a2b`".
    #[error("{subject} already has an active run `{run_id}`; wait for it to finish or cancel it")]
    RunActive { subject: String, run_id: String },

    #[error("{message}")]
    Conflict { code: &'static str, message: String },

    #[error("flow `{}` is at version {}, not the version in If-Match; reload it and apply your change again", current.id, current.version)]
    StaleVersion { current: Box<Flow> },

    #[error(
        "PUT needs an If-Match header with the flow's version (its ETag), such as If-Match: \"3\""
    )]
    PreconditionRequired,

    #[error("request body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },

    #[error("the flow breaks {} rule(s); details lists every problem", problems.iter().filter(|problem| problem.is_error()).count())]
    InvalidFlow { problems: Vec<Problem> },

    #[error("{0}")]
    Unavailable(String),

    /// Anything the client cannot fix; the detail goes to the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            message: message.into(),
            field: None,
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest { .. } => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::RunActive { .. } => (StatusCode::CONFLICT, "run_active"),
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            ApiError::StaleVersion { .. } => (StatusCode::PRECONDITION_FAILED, "stale_version"),
            ApiError::PreconditionRequired => {
                (StatusCode::PRECONDITION_REQUIRED, "precondition_required")
            }
            ApiError::PayloadTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
            }
            ApiError::InvalidFlow { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_flow"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    fn details(&self) -> Option<serde_json::Value> {
        match self {
            ApiError::BadRequest {
                field: Some(field), ..
            } => Some(json!({ "field": field })),
            ApiError::RunActive { run_id, .. } => Some(json!({ "run_id": run_id })),
            ApiError::StaleVersion { current } => serde_json::to_value(current).ok(),
            ApiError::InvalidFlow { problems } => serde_json::to_value(problems).ok(),
            ApiError::PayloadTooLarge { limit } => Some(json!({ "limit_bytes": limit })),
            _ => None,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                "internal error; the backend's log has the detail".to_string()
            }
            other => {
                tracing::info!(status = status.as_u16(), code, error = %other, "request rejected");
                other.to_string()
            }
        };

        let body = ErrorResponse {
            error: ErrorBody {
                code: code.to_string(),
                message,
                details: self.details(),
            },
        };
        (status, Json(body)).into_response()
    }
}
