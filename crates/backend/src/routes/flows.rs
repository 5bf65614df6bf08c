//! Flows: list, create, read, replace (with optimistic concurrency), delete,
//! saved versions, and the flow's runs.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::{ETAG, IF_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use baton_flow::{
    Flow, FlowSummary, FlowVersion, FlowVersionInfo, Page, RunSummary, TriggerReason,
};

use super::history::{query_error, HistoryParams};
use super::start_error;
use crate::auth::{Caller, Editor};
use crate::executor::{Plan, Start};
use crate::json::ApiJson;
use crate::store::flows::{self, SaveOutcome};
use crate::store::runs;
use crate::{ApiError, ApiResult, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/flows", get(list).post(create))
        .route("/flows/{id}", get(read).put(replace).delete(remove))
        .route("/flows/{id}/versions", get(versions))
        .route("/flows/{id}/versions/{version}", get(version))
        .route("/flows/{id}/runs", get(history).post(start_run))
}

async fn list(_caller: Caller, State(state): State<AppState>) -> ApiResult<Json<Vec<FlowSummary>>> {
    Ok(Json(state.store().call(|conn| flows::list(conn)).await?))
}

async fn create(
    Editor(caller): Editor,
    State(state): State<AppState>,
    ApiJson(flow): ApiJson<Flow>,
) -> ApiResult<Response> {
    validate(&state, &flow)?;
    let flow = state
        .store()
        .call(move |conn| flows::create(conn, flow, &caller.name))
        .await?;
    tracing::info!(flow_id = %flow.id, version = flow.version, "flow created");
    Ok(with_etag(StatusCode::CREATED, flow))
}

async fn read(
    _caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let flow = load(&state, id).await?;
    Ok(with_etag(StatusCode::OK, flow))
}

async fn replace(
    Editor(caller): Editor,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(flow): ApiJson<Flow>,
) -> ApiResult<Response> {
    if !flow.id.is_empty() && flow.id != id {
        return Err(ApiError::BadRequest {
            message: format!("the body's id `{}` differs from the path's `{id}`; leave it out or make them equal", flow.id),
            field: Some("id".to_string()),
        });
    }
    let expected = if_match_version(&headers)?;
    validate(&state, &flow)?;

    let flow_id = id.clone();
    let outcome = state
        .store()
        .call(move |conn| flows::update(conn, &flow_id, expected, flow, &caller.name))
        .await?;
    match outcome {
        SaveOutcome::Saved(flow) => {
            tracing::info!(flow_id = %flow.id, version = flow.version, "flow saved");
            Ok(with_etag(StatusCode::OK, flow))
        }
        SaveOutcome::Stale(current) => Err(ApiError::StaleVersion {
            current: Box::new(current),
        }),
        SaveOutcome::NotFound => Err(flow_not_found(&id)),
    }
}

async fn remove(
    Editor(_caller): Editor,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let flow_id = id.clone();
    let deleted = state
        .store()
        .call(move |conn| flows::delete(conn, &flow_id))
        .await?;
    if !deleted {
        return Err(flow_not_found(&id));
    }
    tracing::info!(flow_id = %id, "flow deleted");
    Ok(StatusCode::NO_CONTENT)
}

async fn versions(
    _caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<FlowVersionInfo>>> {
    let flow_id = id.clone();
    let versions = state
        .store()
        .call(move |conn| flows::versions(conn, &flow_id))
        .await?;
    versions.map(Json).ok_or_else(|| flow_not_found(&id))
}

async fn version(
    _caller: Caller,
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
) -> ApiResult<Json<FlowVersion>> {
    let number: u64 = number.parse().map_err(|_| ApiError::BadRequest {
        message: format!("version `{number}` is not a positive integer"),
        field: Some("version".to_string()),
    })?;
    let flow_id = id.clone();
    let found = state
        .store()
        .call(move |conn| flows::version(conn, &flow_id, number))
        .await?;
    found.map(Json).ok_or_else(|| {
        ApiError::NotFound(format!(
            "flow `{id}` has no version {number}; GET /api/v1/flows/{id}/versions lists them"
        ))
    })
}

async fn start_run(
    Editor(caller): Editor,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<RunSummary>)> {
    let flow = load(&state, id).await?;
    let start = Start {
        reason: TriggerReason::Manual,
        triggered_by: caller.name,
        retry_of: None,
        flow_version: Some(flow.version),
    };
    let run = state
        .executor()
        .start(Plan::of_flow(&flow, None), start)
        .await
        .map_err(|error| start_error(error, format!("flow `{}`", flow.id)))?;
    Ok((StatusCode::CREATED, Json(run)))
}

async fn history(
    _caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<HistoryParams>, QueryRejection>,
) -> ApiResult<Json<Page<RunSummary>>> {
    let query = params.map_err(query_error)?.0.into_query()?;
    let page = state
        .store()
        .call(move |conn| runs::flow_history(conn, &id, &query))
        .await?;
    Ok(Json(page))
}

/// Rejects a flow that breaks a rule, with every problem found, errors and warnings.
fn validate(state: &AppState, flow: &Flow) -> ApiResult<()> {
    let problems = baton_flow::validate(flow, &state.catalog().syncs);
    if problems.iter().any(|problem| problem.is_error()) {
        return Err(ApiError::InvalidFlow { problems });
    }
    Ok(())
}

async fn load(state: &AppState, id: String) -> ApiResult<Flow> {
    let flow_id = id.clone();
    let flow = state
        .store()
        .call(move |conn| flows::get(conn, &flow_id))
        .await?;
    flow.ok_or_else(|| flow_not_found(&id))
}

fn flow_not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!(
        "flow `{id}` not found; GET /api/v1/flows lists them"
    ))
}

/// The version in `If-Match`: `"3"`, `W/"3"` or `3`.
fn if_match_version(headers: &HeaderMap) -> ApiResult<u64> {
    let value = headers
        .get(IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?;
    let text = value.to_str().unwrap_or("").trim();
    let unquoted = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    unquoted.parse().map_err(|_| ApiError::BadRequest {
        message: format!("If-Match `{text}` is not a flow version; send the ETag of GET /flows/{{id}}, such as \"3\""),
        field: Some("If-Match".to_string()),
    })
}

fn with_etag(status: StatusCode, flow: Flow) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", flow.version)).ok();
    let mut response = (status, Json(flow)).into_response();
    if let Some(etag) = etag {
        response.headers_mut().insert(ETAG, etag);
    }
    response
}
