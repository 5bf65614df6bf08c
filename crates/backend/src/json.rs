//! The JSON body extractor: 413 over the size limit, and 400 naming the field
//! for unknown fields, wrong types and invalid JSON.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// Largest request body, in bytes: 32 MiB.
///
/// A flow at the limits of baton-flow takes 15.3 MB as compact JSON and
/// 18.2 MB indented by two spaces: 10,000 steps, 50,000 triggers, step ids of
/// 100 characters and every optional field set. So it fits, with room for
/// longer sync ids. The `flow_at_step_limit_fits` test posts such a flow.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// A JSON request body of type `T`.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge {
                        limit: MAX_BODY_BYTES,
                    }
                } else {
                    ApiError::bad_request(format!("cannot read the request body: {rejection}"))
                }
            })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Parses `bytes` as `T`, naming the field of the first error.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let field = (path != ".").then_some(path);
        let message = match &field {
            Some(field) => format!("invalid request body at `{field}`: {inner}"),
            None => format!("invalid request body: {inner}"),
        };
        ApiError::BadRequest { message, field }
    })?;

    deserializer
        .end()
        .map_err(|error| ApiError::bad_request(format!("invalid request body: {error}")))?;
    Ok(value)
}
