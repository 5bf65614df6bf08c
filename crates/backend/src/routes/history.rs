//! Query parameters of run history: status filter, time range, cursor and page size.

use baton_flow::RunStatus;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::store::parse_enum;
use crate::store::runs::{decode_cursor, HistoryQuery};
use crate::ApiError;

/// Page size when the request names none.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size a request may ask for.
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryParams {
    /// Comma-separated run statuses, such as `failed,interrupted`.
    pub status: Option<String>,
    /// RFC 3339 time; runs created at or after it.
    pub since: Option<String>,
    /// RFC 3339 time; runs created before it.
    pub until: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

impl HistoryParams {
    pub fn into_query(self) -> Result<HistoryQuery, ApiError> {
        let statuses = match &self.status {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|status| !status.is_empty())
                .map(|status| {
                    parse_enum::<RunStatus>("status", status).map_err(|_| ApiError::BadRequest {
                        message: format!(
                            "unknown run status `{status}` in `status`; use queued, running, succeeded, failed, cancelled or interrupted"
                        ),
                        field: Some("status".to_string()),
                    })
                })
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };

        let after = match &self.cursor {
            Some(cursor) => Some(decode_cursor(cursor).ok_or_else(|| {
                ApiError::BadRequest {
                    message: "invalid `cursor`; pass the next_cursor of the previous page as it is"
                        .to_string(),
                    field: Some("cursor".to_string()),
                }
            })?),
            None => None,
        };

        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ApiError::BadRequest {
                message: format!("`limit` is {limit}; use 1 to {MAX_LIMIT}"),
                field: Some("limit".to_string()),
            });
        }

        Ok(HistoryQuery {
            statuses,
            since: parse_time("since", self.since.as_deref())?,
            until: parse_time("until", self.until.as_deref())?,
            after,
            limit,
        })
    }
}

fn parse_time(field: &str, text: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(text) = text else {
        return Ok(None);
    };
    DateTime::parse_from_rfc3339(text)
        .map(|time| Some(time.with_timezone(&Utc)))
        .map_err(|error| ApiError::BadRequest {
            message: format!(
                "invalid `{field}` `{text}`: {error}; use RFC 3339, such as 2026-01-31T12:00:00Z"
            ),
            field: Some(field.to_string()),
        })
}

/// Maps axum's query rejection to the shared 400 body.
pub fn query_error(rejection: axum::extract::rejection::QueryRejection) -> ApiError {
    ApiError::bad_request(format!("invalid query string: {}", rejection.body_text()))
}
