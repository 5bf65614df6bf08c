//! Edits as data: every change the editor makes to a flow is an `Edit`,
//! applied by `apply`, which returns the edit that undoes it. Undo and redo
//! stacks, autosave and replaying a draft all work on these values.
//!
//! An edit that names an unknown step or trigger, or that would create a
//! duplicate step id or trigger, returns an error and leaves the flow as it
//! was. Edits do not enforce the other rules (cycles, limits, schedules):
//! validation reports those, so that a flow can pass through an invalid
//! state while it is edited.

use serde::{Deserialize, Serialize};

use crate::model::{
    FailurePolicy, Flow, Position, Step, StepId, SyncId, Trigger, TriggerCondition,
};

/// A step's new position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepMove {
    pub id: StepId,
    pub position: Position,
}

/// A trigger with its index in `Flow::triggers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedTrigger {
    pub index: usize,
    pub trigger: Trigger,
}

/// One change to a flow. Steps are named by id and triggers by their two
/// ends, except in the variants that undo a removal, which carry indices so
/// the flow comes back exactly as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Edit {
    /// Appends a step. Its id must be new.
    AddStep {
        step: Step,
    },
    /// Removes a step and every trigger to or from it.
    RemoveStep {
        id: StepId,
    },
    /// Removes the step at `index` and no trigger: the inverse of `AddStep`.
    RemoveStepAt {
        index: usize,
    },
    /// Puts a removed step and its triggers back at their indices.
    RestoreStep {
        index: usize,
        step: Step,
        triggers: Vec<IndexedTrigger>,
    },
    /// Moves steps in the listed order. The same step may appear more than once.
    MoveSteps {
        moves: Vec<StepMove>,
    },
    /// Appends a trigger between two different existing steps that are not
    /// yet joined. It may close a cycle, which validation reports.
    Connect {
        trigger: Trigger,
    },
    /// Removes the trigger from `from` to `to`.
    Disconnect {
        from: StepId,
        to: StepId,
    },
    /// Removes the trigger at `index`: the inverse of `RestoreTrigger`.
    RemoveTriggerAt {
        index: usize,
    },
    /// Puts a removed trigger back at `index`.
    RestoreTrigger {
        index: usize,
        trigger: Trigger,
    },
    SetCondition {
        from: StepId,
        to: StepId,
        condition: TriggerCondition,
    },
    SetEnabled {
        id: StepId,
        enabled: bool,
    },
    SetPinned {
        id: StepId,
        pinned: bool,
    },
    SetFailurePolicy {
        id: StepId,
        policy: FailurePolicy,
    },
    SetTimeout {
        id: StepId,
        timeout_secs: Option<u32>,
    },
    SetSync {
        id: StepId,
        sync_id: SyncId,
    },
    Rename {
        name: String,
    },
    SetDescription {
        description: String,
    },
    SetSchedule {
        schedule: Option<String>,
    },
    /// Several edits applied as one: all of them, or none if one fails.
    Batch {
        edits: Vec<Edit>,
    },
}

/// The reason an edit cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("step {id:?} is not in the flow")]
    UnknownStep { id: StepId },

    #[error("a step with id {id:?} already exists; choose another id")]
    DuplicateStepId { id: StepId },

    #[error("there is no trigger from step {from:?} to step {to:?}")]
    UnknownTrigger { from: StepId, to: StepId },

    #[error("a trigger from step {from:?} to step {to:?} already exists")]
    DuplicateTrigger { from: StepId, to: StepId },

    #[error("step {id:?} cannot trigger itself")]
    SelfTrigger { id: StepId },

    #[error("index {index} is out of range for {len} {what}")]
    IndexOutOfRange {
        index: usize,
        len: usize,
        what: &'static str,
    },

    #[error("the trigger indices of a restored step must ascend, but {index} follows {previous}")]
    UnorderedIndices { index: usize, previous: usize },

    #[error("edit {index} of the batch failed: {source}")]
    InBatch {
        index: usize,
        #[source]
        source: Box<EditError>,
    },
}

/// Applies `edit` to `flow` and returns the edit that undoes it. On error,
/// `flow` is unchanged.
pub fn apply(flow: &mut Flow, edit: Edit) -> Result<Edit, EditError> {
    match edit {
        Edit::AddStep { step } => add_step(flow, step),
        Edit::RemoveStep { id } => remove_step(flow, &id),
        Edit::RemoveStepAt { index } => remove_step_at(flow, index),
        Edit::RestoreStep {
            index,
            step,
            triggers,
        } => restore_step(flow, index, step, triggers),
        Edit::MoveSteps { moves } => move_steps(flow, moves),
        Edit::Connect { trigger } => connect(flow, trigger),
        Edit::Disconnect { from, to } => {
            let index = trigger_index(flow, &from, &to)?;
            let trigger = flow.triggers.remove(index);
            Ok(Edit::RestoreTrigger { index, trigger })
        }
        Edit::RemoveTriggerAt { index } => {
            check_index(index, flow.triggers.len(), "triggers")?;
            let trigger = flow.triggers.remove(index);
            Ok(Edit::RestoreTrigger { index, trigger })
        }
        Edit::RestoreTrigger { index, trigger } => {
            check_index(index, flow.triggers.len() + 1, "trigger slots")?;
            flow.triggers.insert(index, trigger);
            Ok(Edit::RemoveTriggerAt { index })
        }
        Edit::SetCondition {
            from,
            to,
            condition,
        } => {
            let index = trigger_index(flow, &from, &to)?;
            let old = std::mem::replace(&mut flow.triggers[index].condition, condition);
            Ok(Edit::SetCondition {
                from,
                to,
                condition: old,
            })
        }
        Edit::SetEnabled { id, enabled } => {
            let old = std::mem::replace(&mut step_mut(flow, &id)?.enabled, enabled);
            Ok(Edit::SetEnabled { id, enabled: old })
        }
        Edit::SetPinned { id, pinned } => {
            let old = std::mem::replace(&mut step_mut(flow, &id)?.pinned, pinned);
            Ok(Edit::SetPinned { id, pinned: old })
        }
        Edit::SetFailurePolicy { id, policy } => {
            let old = std::mem::replace(&mut step_mut(flow, &id)?.failure_policy, policy);
            Ok(Edit::SetFailurePolicy { id, policy: old })
        }
        Edit::SetTimeout { id, timeout_secs } => {
            let old = std::mem::replace(&mut step_mut(flow, &id)?.timeout_secs, timeout_secs);
            Ok(Edit::SetTimeout {
                id,
                timeout_secs: old,
            })
        }
        Edit::SetSync { id, sync_id } => {
            let old = std::mem::replace(&mut step_mut(flow, &id)?.sync_id, sync_id);
            Ok(Edit::SetSync { id, sync_id: old })
        }
        Edit::Rename { name } => Ok(Edit::Rename {
            name: std::mem::replace(&mut flow.name, name),
        }),
        Edit::SetDescription { description } => Ok(Edit::SetDescription {
            description: std::mem::replace(&mut flow.description, description),
        }),
        Edit::SetSchedule { schedule } => Ok(Edit::SetSchedule {
            schedule: std::mem::replace(&mut flow.schedule, schedule),
        }),
        Edit::Batch { edits } => apply_batch(flow, edits),
    }
}

fn check_index(index: usize, len: usize, what: &'static str) -> Result<(), EditError> {
    if index < len {
        Ok(())
    } else {
        Err(EditError::IndexOutOfRange { index, len, what })
    }
}

fn step_index(flow: &Flow, id: &str) -> Result<usize, EditError> {
    flow.steps
        .iter()
        .position(|step| step.id == id)
        .ok_or_else(|| EditError::UnknownStep { id: id.to_string() })
}

fn step_mut<'a>(flow: &'a mut Flow, id: &str) -> Result<&'a mut Step, EditError> {
    let index = step_index(flow, id)?;
    Ok(&mut flow.steps[index])
}

fn trigger_index(flow: &Flow, from: &str, to: &str) -> Result<usize, EditError> {
    flow.triggers
        .iter()
        .position(|trigger| trigger.from == from && trigger.to == to)
        .ok_or_else(|| EditError::UnknownTrigger {
            from: from.to_string(),
            to: to.to_string(),
        })
}

fn add_step(flow: &mut Flow, step: Step) -> Result<Edit, EditError> {
    if flow.step(&step.id).is_some() {
        return Err(EditError::DuplicateStepId { id: step.id });
    }
    flow.steps.push(step);
    Ok(Edit::RemoveStepAt {
        index: flow.steps.len() - 1,
    })
}

fn remove_step(flow: &mut Flow, id: &str) -> Result<Edit, EditError> {
    let index = step_index(flow, id)?;
    let step = flow.steps.remove(index);

    let mut removed = Vec::new();
    let mut kept = Vec::with_capacity(flow.triggers.len());
    for (i, trigger) in std::mem::take(&mut flow.triggers).into_iter().enumerate() {
        if trigger.from == id || trigger.to == id {
            removed.push(IndexedTrigger { index: i, trigger });
        } else {
            kept.push(trigger);
        }
    }
    flow.triggers = kept;

    Ok(Edit::RestoreStep {
        index,
        step,
        triggers: removed,
    })
}

fn remove_step_at(flow: &mut Flow, index: usize) -> Result<Edit, EditError> {
    check_index(index, flow.steps.len(), "steps")?;
    let step = flow.steps.remove(index);
    Ok(Edit::RestoreStep {
        index,
        step,
        triggers: Vec::new(),
    })
}

fn restore_step(
    flow: &mut Flow,
    index: usize,
    step: Step,
    triggers: Vec<IndexedTrigger>,
) -> Result<Edit, EditError> {
    check_index(index, flow.steps.len() + 1, "step slots")?;
    // Inserting in ascending order puts each trigger back at its index, so
    // each index may be at most the length reached by the earlier inserts.
    let mut previous = None;
    for (k, indexed) in triggers.iter().enumerate() {
        check_index(indexed.index, flow.triggers.len() + k + 1, "trigger slots")?;
        if let Some(previous) = previous.filter(|&previous| indexed.index <= previous) {
            return Err(EditError::UnorderedIndices {
                index: indexed.index,
                previous,
            });
        }
        previous = Some(indexed.index);
    }

    let id = step.id.clone();
    flow.steps.insert(index, step);
    for indexed in triggers {
        flow.triggers.insert(indexed.index, indexed.trigger);
    }
    Ok(Edit::RemoveStep { id })
}

fn move_steps(flow: &mut Flow, moves: Vec<StepMove>) -> Result<Edit, EditError> {
    let mut indices = Vec::with_capacity(moves.len());
    for step_move in &moves {
        indices.push(step_index(flow, &step_move.id)?);
    }

    let mut undo = Vec::with_capacity(moves.len());
    for (step_move, index) in moves.into_iter().zip(indices) {
        let old = std::mem::replace(&mut flow.steps[index].position, step_move.position);
        undo.push(StepMove {
            id: step_move.id,
            position: old,
        });
    }
    // Undoing in reverse order restores a step that moved twice to its first position.
    undo.reverse();
    Ok(Edit::MoveSteps { moves: undo })
}

fn connect(flow: &mut Flow, trigger: Trigger) -> Result<Edit, EditError> {
    step_index(flow, &trigger.from)?;
    step_index(flow, &trigger.to)?;
    if trigger.from == trigger.to {
        return Err(EditError::SelfTrigger { id: trigger.from });
    }
    if trigger_index(flow, &trigger.from, &trigger.to).is_ok() {
        return Err(EditError::DuplicateTrigger {
            from: trigger.from,
            to: trigger.to,
        });
    }

    let inverse = Edit::Disconnect {
        from: trigger.from.clone(),
        to: trigger.to.clone(),
    };
    flow.triggers.push(trigger);
    Ok(inverse)
}

fn apply_batch(flow: &mut Flow, edits: Vec<Edit>) -> Result<Edit, EditError> {
    let mut inverses = Vec::with_capacity(edits.len());
    for (index, edit) in edits.into_iter().enumerate() {
        match apply(flow, edit) {
            Ok(inverse) => inverses.push(inverse),
            Err(error) => {
                rollback(flow, inverses);
                return Err(EditError::InBatch {
                    index,
                    source: Box::new(error),
                });
            }
        }
    }
    inverses.reverse();
    Ok(Edit::Batch { edits: inverses })
}

/// Undoes the edits of a failed batch, latest first. Each inverse applies to
/// exactly the state its edit produced, so none of them can fail.
fn rollback(flow: &mut Flow, inverses: Vec<Edit>) {
    for inverse in inverses.into_iter().rev() {
        let undone = apply(flow, inverse);
        debug_assert!(undone.is_ok(), "an inverse edit failed: {undone:?}");
    }
}
