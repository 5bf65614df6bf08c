//! Request and response bodies of the HTTP contract under `/api/v1`, beyond
//! the flow model itself. docs/openapi.json describes the same shapes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{FlowId, StepId, SyncId};

/// Identifier of a run, assigned by the backend.
pub type RunId = String;

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok` while the backend serves requests.
    pub status: String,
    /// The backend's version.
    pub version: String,
}

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything.
    Viewer,
    /// Also saves and deletes flows and starts, cancels and retries runs.
    Editor,
}

/// `GET /me`: the token's name and role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub role: Role,
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable machine-readable code, such as `not_found` or `invalid_flow`.
    pub code: String,
    /// What failed and what to do, for a person.
    pub message: String,
    /// Structured detail: the problems of a 422, the active run of a 409, the
    /// current flow of a 412.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// A page of a list, with the cursor that fetches the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// A row of `GET /flows`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowSummary {
    pub id: FlowId,
    pub name: String,
    pub description: String,
    pub version: u64,
    pub schedule: Option<String>,
    pub step_count: u32,
    pub trigger_count: u32,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub last_run: Option<RunSummary>,
}

/// A row of `GET /flows/{id}/versions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowVersionInfo {
    pub version: u64,
    pub saved_at: DateTime<Utc>,
    /// The name of the token that saved it.
    pub saved_by: String,
    pub step_count: u32,
    pub trigger_count: u32,
}

/// `GET /flows/{id}/versions/{n}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowVersion {
    pub info: FlowVersionInfo,
    pub flow: crate::model::Flow,
}

/// Status of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    /// The backend stopped while the run was going.
    Interrupted,
}

impl RunStatus {
    pub fn is_active(self) -> bool {
        matches!(self, RunStatus::Queued | RunStatus::Running)
    }
}

/// Status of a step run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepRunStatus {
    /// Waiting for its upstream steps.
    Pending,
    Queued,
    Running,
    Succeeded,
    Failed,
    /// Not run because an upstream step failed under an `on_success` trigger.
    Skipped,
    Cancelled,
    Interrupted,
}

impl StepRunStatus {
    pub fn is_finished(self) -> bool {
        !matches!(
            self,
            StepRunStatus::Pending | StepRunStatus::Queued | StepRunStatus::Running
        )
    }
}

/// Why a run started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerReason {
    /// A person pressed run, or a client called the API.
    Manual,
    /// The flow's cron schedule.
    Schedule,
    /// A retry of an earlier run.
    Retry,
}

/// Record counts of a step run, or their sums over a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecordCounts {
    /// Records read from the source.
    pub processed: u64,
    pub inserted: u64,
    pub updated: u64,
    pub deleted: u64,
    /// Records the destination rejected.
    pub failed: u64,
}

/// A record the destination rejected, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedRecord {
    /// The record's key value.
    pub key: String,
    pub reason: String,
    /// The record as read from the source.
    pub record: serde_json::Value,
}

/// One execution of a step's sync inside a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRun {
    pub step_id: StepId,
    pub sync_id: SyncId,
    pub status: StepRunStatus,
    /// 1 for the first attempt; more when the step's failure policy retries.
    pub attempt: u32,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub records: RecordCounts,
    pub error: Option<String>,
    /// Up to a few rejected records, with the reason for each.
    pub rejected_samples: Vec<RejectedRecord>,
}

/// A run without its step runs: rows of history and a flow's last run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: RunId,
    /// The flow that ran; `None` for a sync triggered alone.
    pub flow_id: Option<FlowId>,
    pub flow_version: Option<u64>,
    /// The sync triggered alone; `None` for a flow run.
    pub sync_id: Option<SyncId>,
    pub status: RunStatus,
    pub trigger_reason: TriggerReason,
    /// The name of the token that started it, or `schedule`.
    pub triggered_by: String,
    /// The run this one retries.
    pub retry_of: Option<RunId>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub step_count: u32,
    pub steps_failed: u32,
    pub records: RecordCounts,
}

/// `GET /runs/{id}`: a run with every step run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    #[serde(flatten)]
    pub summary: RunSummary,
    pub step_runs: Vec<StepRun>,
}

/// A sync's latest run, shown in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncLastRun {
    pub run_id: RunId,
    pub status: StepRunStatus,
    pub finished_at: Option<DateTime<Utc>>,
    /// Duration of the step run in milliseconds, used to estimate a flow's duration.
    pub duration_ms: Option<u64>,
    pub records: RecordCounts,
}

/// What `POST /runs/{id}/retry` runs again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryScope {
    /// The failed, skipped, cancelled and interrupted steps, and what depends on them.
    #[default]
    Failed,
    /// Every step of the flow version that ran.
    All,
}

/// Body of `POST /runs/{id}/retry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryRequest {
    #[serde(default)]
    pub scope: RetryScope,
}

/// One server-sent event of `GET /runs/{id}/events`. The SSE `id` is `seq`,
/// so a client that reconnects with `Last-Event-ID` misses nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunEvent {
    /// The run's own status or totals changed.
    Run { seq: u64, run: RunSummary },
    /// A step run changed.
    Step { seq: u64, step_run: StepRun },
}

impl RunEvent {
    pub fn seq(&self) -> u64 {
        match self {
            RunEvent::Run { seq, .. } | RunEvent::Step { seq, .. } => *seq,
        }
    }
}
