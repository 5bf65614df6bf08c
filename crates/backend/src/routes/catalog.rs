//! The sync catalog: connections, syncs with their last run, a sync
//! triggered alone, and a sync's run history across flows.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use baton_flow::{Connection, Page, RunSummary, Sync, TriggerReason};

use super::history::{query_error, HistoryParams};
use super::start_error;
use crate::auth::{Caller, Editor};
use crate::executor::{Plan, Start};
use crate::store::runs;
use crate::{ApiError, ApiResult, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/connections", get(connections))
        .route("/syncs", get(syncs))
        .route("/syncs/{id}", get(sync))
        .route("/syncs/{id}/trigger", post(trigger))
        .route("/syncs/{id}/runs", get(sync_runs))
}

async fn connections(_caller: Caller, State(state): State<AppState>) -> Json<Vec<Connection>> {
    Json(state.catalog().connections.clone())
}

async fn syncs(_caller: Caller, State(state): State<AppState>) -> ApiResult<Json<Vec<Sync>>> {
    let syncs = state.catalog().syncs.clone();
    let syncs = state
        .store()
        .call(move |conn| {
            syncs
                .into_iter()
                .map(|mut sync| {
                    sync.last_run = runs::sync_last_run(conn, &sync.id)?;
                    Ok(sync)
                })
                .collect()
        })
        .await?;
    Ok(Json(syncs))
}

async fn sync(
    _caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Sync>> {
    let mut sync = find_sync(&state, &id)?;
    sync.last_run = state
        .store()
        .call(move |conn| runs::sync_last_run(conn, &id))
        .await?;
    Ok(Json(sync))
}

async fn trigger(
    Editor(caller): Editor,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<RunSummary>)> {
    find_sync(&state, &id)?;
    let start = Start {
        reason: TriggerReason::Manual,
        triggered_by: caller.name,
        retry_of: None,
        flow_version: None,
    };
    let run = state
        .executor()
        .start(Plan::of_sync(&id), start)
        .await
        .map_err(|error| start_error(error, format!("sync `{id}`")))?;
    Ok((StatusCode::CREATED, Json(run)))
}

async fn sync_runs(
    _caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<HistoryParams>, QueryRejection>,
) -> ApiResult<Json<Page<RunSummary>>> {
    find_sync(&state, &id)?;
    let query = params.map_err(query_error)?.0.into_query()?;
    let page = state
        .store()
        .call(move |conn| runs::sync_history(conn, &id, &query))
        .await?;
    Ok(Json(page))
}

fn find_sync(state: &AppState, id: &str) -> ApiResult<Sync> {
    state.catalog().sync(id).cloned().ok_or_else(|| {
        ApiError::NotFound(format!(
            "sync `{id}` is not in the catalog; GET /api/v1/syncs lists them"
        ))
    })
}
