//! The flow model: syncs from the backend's catalog, and the flow that places
//! them as steps joined by triggers.
//!
//! These types are the JSON of the HTTP contract. Every struct that a client
//! sends rejects unknown fields, so a typo such as `enabeld` is reported with
//! the field's name instead of being dropped without a word.

use serde::{Deserialize, Serialize};

/// Identifier of a flow, assigned by the backend.
pub type FlowId = String;
/// Identifier of a step, unique within its flow and chosen by the client.
pub type StepId = String;
/// Identifier of a sync in the backend's catalog.
pub type SyncId = String;
/// Identifier of a connection (a source or a destination).
pub type ConnectionId = String;

/// Whether a connection is read from or written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionKind {
    Source,
    Destination,
}

/// A source (the warehouse) or a destination (CRM, billing, analytics).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub id: ConnectionId,
    pub name: String,
    pub kind: ConnectionKind,
    /// The kind of system, such as `warehouse`, `crm`, `billing` or `analytics`.
    pub service: String,
    /// Tables of a source, or objects of a destination.
    pub objects: Vec<String>,
}

/// Write mode of a sync into its destination object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Insert new records and update existing ones, matched on the key.
    Upsert,
    /// Update existing records only; records with no match are rejected.
    Update,
    /// Insert new records only; records whose key already exists are rejected.
    Insert,
    /// Upsert, then delete destination records that the source no longer has.
    Mirror,
}

/// A destination field that references another object of the same
/// destination, such as `contact.account_id` referencing `account`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Lookup {
    /// The field of the synced object that holds the reference.
    pub field: String,
    /// The referenced destination object.
    pub object: String,
}

/// Source connection and query of a sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSource {
    pub connection_id: ConnectionId,
    /// The SQL query run against the source.
    pub query: String,
}

/// The destination object a sync writes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SyncDestination {
    pub connection_id: ConnectionId,
    pub object: String,
}

/// A sync from the backend's catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sync {
    pub id: SyncId,
    pub label: String,
    pub source: SyncSource,
    pub destination: SyncDestination,
    pub operation: Operation,
    /// The destination field that records are matched on.
    pub key: String,
    pub lookups: Vec<Lookup>,
    /// The sync's most recent run in any flow, if it ever ran.
    #[serde(default)]
    pub last_run: Option<crate::api::SyncLastRun>,
}

/// A point on the editor's canvas, in canvas units (not screen pixels).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

/// Effect of a step's failure on the rest of its run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureAction {
    /// The run ends `failed`. Steps below on `on_success` triggers are skipped,
    /// while independent branches keep running.
    #[default]
    FailRun,
    /// The failure is recorded, but it does not make the run fail. Steps below
    /// on `on_success` triggers are still skipped.
    Continue,
}

/// Reaction of a step to a failed step run: retries, then the failure action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailurePolicy {
    /// Extra attempts after a failed one, before the step counts as failed.
    #[serde(default)]
    pub retries: u32,
    #[serde(default)]
    pub on_failure: FailureAction,
}

fn default_true() -> bool {
    true
}

/// One sync placed in a flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: StepId,
    pub sync_id: SyncId,
    #[serde(default)]
    pub position: Position,
    /// A pinned step keeps its position when the flow is laid out again.
    #[serde(default)]
    pub pinned: bool,
    /// A disabled step is passed through when the flow runs: it does not run,
    /// and the steps below it are triggered as if it had succeeded.
    #[serde(default = "default_true")]
    pub enabled: bool,
    #[serde(default)]
    pub failure_policy: FailurePolicy,
    /// Maximum time for one attempt, in seconds; `None` uses the backend's default.
    #[serde(default)]
    pub timeout_secs: Option<u32>,
}

/// When a trigger starts its downstream step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerCondition {
    /// Once the upstream step succeeded (or was passed through, when disabled).
    #[default]
    OnSuccess,
    /// Once the upstream step ended, whatever the outcome.
    OnCompletion,
}

/// An edge from an upstream step to a downstream step.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub from: StepId,
    pub to: StepId,
    #[serde(default)]
    pub condition: TriggerCondition,
}

impl Trigger {
    /// The trigger's identifier in links, test hooks and problems: `FROM->TO`.
    pub fn key(&self) -> String {
        format!("{}->{}", self.from, self.to)
    }
}

/// A sync sequence: a directed acyclic graph of steps and triggers.
///
/// The same type is the body of `POST /flows` and `PUT /flows/{id}`, the
/// response of `GET /flows/{id}`, the content of a draft and of a share link.
/// A client may leave out `id` and `version`; the backend assigns both.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    #[serde(default)]
    pub id: FlowId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The saved version this flow is, or was edited from; 0 for a flow never saved.
    #[serde(default)]
    pub version: u64,
    /// A five-field cron expression, evaluated in UTC.
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub triggers: Vec<Trigger>,
}

impl Flow {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|step| step.id == id)
    }
}
