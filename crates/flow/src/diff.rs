//! The difference between two versions of a flow, for the history page and
//! for showing a draft's unsaved changes: steps and triggers added, removed
//! and changed, and changes to the name, description and schedule.
//!
//! Steps are matched by id and triggers by their two ends. When ids repeat
//! (which validation reports), the first occurrence is the one compared.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::{Flow, Step, StepId, Trigger, TriggerCondition};
use crate::problem::TriggerRef;

/// A value before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change<T> {
    pub before: T,
    pub after: T,
}

/// A field of a step that can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepField {
    SyncId,
    Position,
    Pinned,
    Enabled,
    FailurePolicy,
    Timeout,
}

/// A step present in both flows whose fields differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepChange {
    pub id: StepId,
    pub fields: Vec<StepField>,
    pub before: Step,
    pub after: Step,
}

/// A trigger present in both flows whose condition differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerChange {
    pub trigger: TriggerRef,
    pub condition: Change<TriggerCondition>,
}

/// Everything that differs between two flows. Added and changed items come
/// in the order of the newer flow, removed items in the order of the older.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FlowDiff {
    pub name: Option<Change<String>>,
    pub description: Option<Change<String>>,
    pub schedule: Option<Change<Option<String>>>,
    pub steps_added: Vec<StepId>,
    pub steps_removed: Vec<StepId>,
    pub steps_changed: Vec<StepChange>,
    pub triggers_added: Vec<TriggerRef>,
    pub triggers_removed: Vec<TriggerRef>,
    pub triggers_changed: Vec<TriggerChange>,
}

impl FlowDiff {
    /// Returns whether the two flows have the same content, ids and versions aside.
    pub fn is_empty(&self) -> bool {
        *self == FlowDiff::default()
    }
}

/// Compares `before` with `after`.
pub fn diff(before: &Flow, after: &Flow) -> FlowDiff {
    let mut result = FlowDiff {
        name: changed(&before.name, &after.name),
        description: changed(&before.description, &after.description),
        schedule: changed(&before.schedule, &after.schedule),
        ..FlowDiff::default()
    };
    diff_steps(before, after, &mut result);
    diff_triggers(before, after, &mut result);
    result
}

fn changed<T: PartialEq + Clone>(before: &T, after: &T) -> Option<Change<T>> {
    (before != after).then(|| Change {
        before: before.clone(),
        after: after.clone(),
    })
}

fn first_by_id(steps: &[Step]) -> HashMap<&str, &Step> {
    let mut map = HashMap::with_capacity(steps.len());
    for step in steps {
        map.entry(step.id.as_str()).or_insert(step);
    }
    map
}

fn diff_steps(before: &Flow, after: &Flow, result: &mut FlowDiff) {
    let old = first_by_id(&before.steps);
    let new = first_by_id(&after.steps);

    for step in unique(&after.steps, |step| step.id.as_str()) {
        match old.get(step.id.as_str()) {
            None => result.steps_added.push(step.id.clone()),
            Some(previous) => {
                let fields = changed_fields(previous, step);
                if !fields.is_empty() {
                    result.steps_changed.push(StepChange {
                        id: step.id.clone(),
                        fields,
                        before: (*previous).clone(),
                        after: step.clone(),
                    });
                }
            }
        }
    }
    for step in unique(&before.steps, |step| step.id.as_str()) {
        if !new.contains_key(step.id.as_str()) {
            result.steps_removed.push(step.id.clone());
        }
    }
}

fn changed_fields(before: &Step, after: &Step) -> Vec<StepField> {
    let checks = [
        (StepField::SyncId, before.sync_id != after.sync_id),
        (StepField::Position, before.position != after.position),
        (StepField::Pinned, before.pinned != after.pinned),
        (StepField::Enabled, before.enabled != after.enabled),
        (
            StepField::FailurePolicy,
            before.failure_policy != after.failure_policy,
        ),
        (
            StepField::Timeout,
            before.timeout_secs != after.timeout_secs,
        ),
    ];
    checks
        .into_iter()
        .filter(|(_, differs)| *differs)
        .map(|(field, _)| field)
        .collect()
}

fn diff_triggers(before: &Flow, after: &Flow, result: &mut FlowDiff) {
    let key = |trigger: &Trigger| (trigger.from.clone(), trigger.to.clone());
    let mut old: HashMap<(StepId, StepId), &Trigger> = HashMap::new();
    for trigger in &before.triggers {
        old.entry(key(trigger)).or_insert(trigger);
    }
    let mut new: HashMap<(StepId, StepId), &Trigger> = HashMap::new();
    for trigger in &after.triggers {
        new.entry(key(trigger)).or_insert(trigger);
    }
    let reference = |trigger: &Trigger| TriggerRef {
        from: trigger.from.clone(),
        to: trigger.to.clone(),
    };

    for trigger in unique(&after.triggers, key) {
        match old.get(&key(trigger)) {
            None => result.triggers_added.push(reference(trigger)),
            Some(previous) if previous.condition != trigger.condition => {
                result.triggers_changed.push(TriggerChange {
                    trigger: reference(trigger),
                    condition: Change {
                        before: previous.condition,
                        after: trigger.condition,
                    },
                });
            }
            Some(_) => {}
        }
    }
    for trigger in unique(&before.triggers, key) {
        if !new.contains_key(&key(trigger)) {
            result.triggers_removed.push(reference(trigger));
        }
    }
}

/// Keeps the items whose key has not appeared before, in order.
fn unique<'a, T, K: std::hash::Hash + Eq>(items: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<&'a T> {
    let mut seen = std::collections::HashSet::new();
    items.iter().filter(|item| seen.insert(key(item))).collect()
}
