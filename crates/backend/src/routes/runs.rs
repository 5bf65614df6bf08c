//! Runs: one run with its step runs, cancel, retry, and its server-sent events.

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, post};
use axum::{Json, Router};
use baton_flow::{
    RetryRequest, RetryScope, Run, RunEvent, RunStatus, RunSummary, StepRunStatus, TriggerReason,
};
use futures_util::Stream;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::start_error;
use crate::auth::{Caller, Editor, StreamCaller};
use crate::executor::plan::steps_to_retry;
use crate::executor::{Plan, Start};
use crate::store::{flows, runs};
use crate::{ApiError, ApiResult, AppState};

/// Interval of SSE comments that keep idle connections and proxies open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/runs/{id}", get(read))
        .route("/runs/{id}/cancel", post(cancel))
        .route("/runs/{id}/retry", post(retry))
        .route("/runs/{id}/events", get(events))
}

async fn read(
    _caller: Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Run>> {
    Ok(Json(load(&state, id).await?))
}

async fn cancel(
    Editor(caller): Editor,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<RunSummary>)> {
    let run = load(&state, id.clone()).await?;
    if !state.executor().cancel(&id) {
        return Err(ApiError::Conflict {
            code: "run_not_active",
            message: format!(
                "run `{id}` is {}, not active, so there is nothing to cancel",
                crate::store::enum_text(&run.summary.status)
            ),
        });
    }
    tracing::info!(run_id = %id, by = %caller.name, "run cancel accepted");
    Ok((StatusCode::ACCEPTED, Json(run.summary)))
}

async fn retry(
    Editor(caller): Editor,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<RunSummary>)> {
    let request: RetryRequest = if body.iter().all(u8::is_ascii_whitespace) {
        RetryRequest::default()
    } else {
        crate::json::parse(&body)?
    };
    let old = load(&state, id.clone()).await?;
    if old.summary.status.is_active() {
        return Err(ApiError::Conflict {
            code: "run_not_finished",
            message: format!(
                "run `{id}` is still active; cancel it or wait for it to finish before a retry"
            ),
        });
    }

    let (plan, subject) = retry_plan(&state, &old, request.scope).await?;
    let start = Start {
        reason: TriggerReason::Retry,
        triggered_by: caller.name,
        retry_of: Some(id.clone()),
        flow_version: old.summary.flow_version,
    };
    let run = state
        .executor()
        .start(plan, start)
        .await
        .map_err(|error| start_error(error, subject))?;
    tracing::info!(run_id = %run.id, retry_of = %id, scope = ?request.scope, "retry started");
    Ok((StatusCode::CREATED, Json(run)))
}

/// Builds the plan of a retry of `old`, and names what it runs for error messages.
async fn retry_plan(state: &AppState, old: &Run, scope: RetryScope) -> ApiResult<(Plan, String)> {
    let (Some(flow_id), Some(version)) = (old.summary.flow_id.clone(), old.summary.flow_version)
    else {
        let sync_id = old.summary.sync_id.clone().unwrap_or_default();
        if scope == RetryScope::Failed && old.summary.status == RunStatus::Succeeded {
            return Err(nothing_to_retry(&old.summary.id));
        }
        return Ok((Plan::of_sync(&sync_id), format!("sync `{sync_id}`")));
    };

    let lookup_id = flow_id.clone();
    let saved = state
        .store()
        .call(move |conn| flows::version(conn, &lookup_id, version))
        .await?;
    let flow = saved
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "flow `{flow_id}` version {version} no longer exists, so the run cannot be retried"
            ))
        })?
        .flow;

    let plan = match scope {
        RetryScope::All => Plan::of_flow(&flow, None),
        RetryScope::Failed => {
            let statuses: HashMap<String, StepRunStatus> = old
                .step_runs
                .iter()
                .map(|step_run| (step_run.step_id.clone(), step_run.status))
                .collect();
            let selected = steps_to_retry(&flow, &statuses);
            if selected.is_empty() {
                return Err(nothing_to_retry(&old.summary.id));
            }
            Plan::of_flow(&flow, Some(&selected))
        }
    };
    Ok((plan, format!("flow `{flow_id}`")))
}

fn nothing_to_retry(run_id: &str) -> ApiError {
    ApiError::Conflict {
        code: "nothing_to_retry",
        message: format!(
            "every step of run `{run_id}` succeeded; retry with scope `all` to run them again"
        ),
    }
}

/// Streams a run's events: the stored ones after `Last-Event-ID`, then live
/// ones, until the run ends.
async fn events(
    _caller: StreamCaller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let after = match headers.get("last-event-id") {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|text| text.trim().parse::<u64>().ok())
            .ok_or_else(|| ApiError::BadRequest {
                message: "Last-Event-ID is not an event id; send the id of the last event received"
                    .to_string(),
                field: Some("Last-Event-ID".to_string()),
            })?,
        None => 0,
    };

    // Subscribe before reading the store, so no event falls between the two.
    let live = state.executor().subscribe();
    load(&state, id.clone()).await?;

    let (sender, receiver) = mpsc::channel(64);
    tokio::spawn(forward_events(state, id, after, live, sender));
    Ok(Sse::new(ReceiverStream::new(receiver)).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

async fn forward_events(
    state: AppState,
    run_id: String,
    last_seq: u64,
    mut live: broadcast::Receiver<(String, RunEvent)>,
    sender: mpsc::Sender<Result<Event, Infallible>>,
) {
    let mut shutdown = state.shutdown_signal();
    tokio::select! {
        () = follow_run(&state, &run_id, last_seq, &mut live, &sender) => {}
        _ = shutdown.wait_for(|stopping| *stopping) => {}
        () = sender.closed() => {}
    }
}

async fn follow_run(
    state: &AppState,
    run_id: &str,
    mut last_seq: u64,
    live: &mut broadcast::Receiver<(String, RunEvent)>,
    sender: &mpsc::Sender<Result<Event, Infallible>>,
) {
    loop {
        let stored = {
            let run_id = run_id.to_string();
            state
                .store()
                .call(move |conn| runs::events_after(conn, &run_id, last_seq))
                .await
        };
        let stored = match stored {
            Ok(events) => events,
            Err(error) => {
                tracing::error!(run_id = %run_id, %error, "cannot read run events for a client");
                return;
            }
        };
        for event in stored {
            last_seq = event.seq();
            if !send(sender, &event).await || is_last(&event) {
                return;
            }
        }

        loop {
            match live.recv().await {
                Ok((id, event)) if id == run_id && event.seq() > last_seq => {
                    last_seq = event.seq();
                    if !send(sender, &event).await || is_last(&event) {
                        return;
                    }
                }
                Ok(_) => {}
                // Too slow for the live channel: catch up from the store.
                Err(broadcast::error::RecvError::Lagged(_)) => break,
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

/// Sends one event; `false` once the client has gone.
async fn send(sender: &mpsc::Sender<Result<Event, Infallible>>, event: &RunEvent) -> bool {
    let name = match event {
        RunEvent::Run { .. } => "run",
        RunEvent::Step { .. } => "step",
    };
    let data = match serde_json::to_string(event) {
        Ok(data) => data,
        Err(error) => {
            tracing::error!(%error, "cannot serialize a run event");
            return false;
        }
    };
    let event = Event::default()
        .id(event.seq().to_string())
        .event(name)
        .data(data);
    sender.send(Ok(event)).await.is_ok()
}

fn is_last(event: &RunEvent) -> bool {
    matches!(event, RunEvent::Run { run, .. } if !run.status.is_active())
}

async fn load(state: &AppState, id: String) -> ApiResult<Run> {
    let run_id = id.clone();
    let run = state
        .store()
        .call(move |conn| runs::get(conn, &run_id))
        .await?;
    run.ok_or_else(|| ApiError::NotFound(format!("run `{id}` not found")))
}
