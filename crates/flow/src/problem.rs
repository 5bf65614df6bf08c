//! Problems that validation finds in a flow.
//!
//! The dashboard lists them while a flow is edited and the backend returns
//! them in the `details` of a 422 response, in this one form.

use serde::{Deserialize, Serialize};

use crate::model::StepId;

/// Errors block saving; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// The stable code of each rule. Codes are part of the HTTP contract and of
/// the test hooks (`data-problem-code`): rename none of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// The triggers close a cycle.
    Cycle,
    /// A trigger goes from a step to itself.
    SelfTrigger,
    /// Two triggers join the same pair of steps.
    DuplicateTrigger,
    /// A trigger names a step that the flow does not have.
    UnknownStep,
    /// Two steps share one id.
    DuplicateStepId,
    /// A step's sync is not in the catalog.
    UnknownSync,
    /// More steps or triggers than allowed, or a name or id too long or empty.
    LimitExceeded,
    /// The schedule is not a valid five-field cron expression.
    InvalidSchedule,
    /// A step's position is not a finite number within the canvas limits.
    InvalidPosition,
    /// A step's sync looks up an object that another step writes, and that
    /// step is not upstream of it.
    LookupRace,
    /// The same sync is placed in two steps.
    DuplicateSync,
    /// A step has no trigger to or from the rest of a flow of several steps.
    UnconnectedStep,
    /// A disabled step lies on the only paths between other steps.
    DisabledStepCutsPath,
}

/// A trigger named by its two ends.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TriggerRef {
    pub from: StepId,
    pub to: StepId,
}

/// One finding of validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub code: ProblemCode,
    pub severity: Severity,
    /// The steps it concerns; for a cycle, in the order the cycle passes them.
    pub steps: Vec<StepId>,
    /// The triggers it concerns.
    pub triggers: Vec<TriggerRef>,
    /// What is wrong and what to do, for a person.
    pub message: String,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
