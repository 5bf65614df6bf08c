//! What a run executes and when each step may start: the pure rules of the
//! run executor, kept apart from tasks and the store so they are easy to test.

use std::collections::{HashMap, HashSet, VecDeque};

use baton_flow::{Flow, Step, StepRunStatus, Trigger, TriggerCondition};

/// The steps of one run and the triggers between them.
///
/// A retry runs a subset of a flow: triggers from steps outside the subset
/// are left out, because those steps succeeded in the run being retried.
#[derive(Debug, Clone)]
pub struct Plan {
    pub flow_id: Option<String>,
    pub steps: Vec<Step>,
    pub triggers: Vec<Trigger>,
}

impl Plan {
    /// A plan with every step of `flow`, or only those in `only`.
    pub fn of_flow(flow: &Flow, only: Option<&HashSet<String>>) -> Plan {
        let included = |id: &str| only.is_none_or(|only| only.contains(id));
        let steps = flow
            .steps
            .iter()
            .filter(|step| included(&step.id))
            .cloned()
            .collect();
        let triggers = flow
            .triggers
            .iter()
            .filter(|trigger| included(&trigger.from) && included(&trigger.to))
            .cloned()
            .collect();
        Plan {
            flow_id: Some(flow.id.clone()),
            steps,
            triggers,
        }
    }

    /// A plan with one step that runs `sync_id` alone; the step's id is the sync's.
    pub fn of_sync(sync_id: &str) -> Plan {
        let step = Step {
            id: sync_id.to_string(),
            sync_id: sync_id.to_string(),
            position: Default::default(),
            pinned: false,
            enabled: true,
            failure_policy: Default::default(),
            timeout_secs: None,
        };
        Plan {
            flow_id: None,
            steps: vec![step],
            triggers: Vec::new(),
        }
    }

    /// The triggers into each step, by the step's id.
    pub fn upstream(&self) -> HashMap<String, Vec<Trigger>> {
        let mut upstream: HashMap<String, Vec<Trigger>> = HashMap::new();
        for trigger in &self.triggers {
            upstream
                .entry(trigger.to.clone())
                .or_default()
                .push(trigger.clone());
        }
        upstream
    }
}

/// How a finished step counts for the triggers below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    /// A disabled step whose triggers allowed it: the steps below see a success.
    PassedThrough,
    Failed,
    Skipped,
    Cancelled,
}

/// What to do with a step whose upstream steps have all finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Run,
    PassThrough,
    /// Skip it; the value names the upstream step whose outcome blocks it.
    Skip {
        blocked_by: String,
    },
}

/// Decides `step` from the outcomes of the steps upstream of it. Every
/// trigger into the step must allow it: `on_success` needs a success or a
/// pass-through, `on_completion` accepts any end.
pub fn decide(
    step: &Step,
    triggers: &[Trigger],
    outcomes: &HashMap<String, Outcome>,
) -> Option<Decision> {
    for trigger in triggers {
        let outcome = outcomes.get(&trigger.from)?;
        let allowed = match trigger.condition {
            TriggerCondition::OnSuccess => {
                matches!(outcome, Outcome::Succeeded | Outcome::PassedThrough)
            }
            TriggerCondition::OnCompletion => true,
        };
        if !allowed {
            return Some(Decision::Skip {
                blocked_by: trigger.from.clone(),
            });
        }
    }

    Some(if step.enabled {
        Decision::Run
    } else {
        Decision::PassThrough
    })
}

/// The steps a retry of failed steps runs: every step of `flow` whose step run
/// did not succeed in `statuses`, and every step downstream of one.
/// Steps of the flow that the earlier run did not execute count as succeeded.
pub fn steps_to_retry(flow: &Flow, statuses: &HashMap<String, StepRunStatus>) -> HashSet<String> {
    let mut selected: HashSet<String> = statuses
        .iter()
        .filter(|(id, status)| **status != StepRunStatus::Succeeded && flow.step(id).is_some())
        .map(|(id, _)| id.clone())
        .collect();

    // A disabled step that was passed through shows as skipped without having
    // failed; re-running it alone would do nothing, so it only counts when
    // something above it is selected too, which the walk below adds.
    selected.retain(|id| {
        flow.step(id).is_some_and(|step| step.enabled)
            || statuses.get(id) != Some(&StepRunStatus::Skipped)
    });

    let mut queue: VecDeque<String> = selected.iter().cloned().collect();
    while let Some(id) = queue.pop_front() {
        for trigger in flow.triggers.iter().filter(|trigger| trigger.from == id) {
            if selected.insert(trigger.to.clone()) {
                queue.push_back(trigger.to.clone());
            }
        }
    }
    selected
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: &str) -> Step {
        let mut step = Plan::of_sync(id).steps.remove(0);
        step.sync_id = format!("sync_{id}");
        step
    }

    fn trigger(from: &str, to: &str, condition: TriggerCondition) -> Trigger {
        Trigger {
            from: from.into(),
            to: to.into(),
            condition,
        }
    }

    #[test]
    fn on_success_skips_below_failure() {
        let triggers = [trigger("a", "b", TriggerCondition::OnSuccess)];
        let outcomes = HashMap::from([("a".to_string(), Outcome::Failed)]);

        let decision = decide(&step("b"), &triggers, &outcomes);

        assert_eq!(
            decision,
            Some(Decision::Skip {
                blocked_by: "a".into()
            })
        );
    }

    #[test]
    fn on_completion_runs_after_failure() {
        let triggers = [trigger("a", "b", TriggerCondition::OnCompletion)];
        let outcomes = HashMap::from([("a".to_string(), Outcome::Failed)]);

        assert_eq!(
            decide(&step("b"), &triggers, &outcomes),
            Some(Decision::Run)
        );
    }

    #[test]
    fn waits_for_every_upstream_step() {
        let triggers = [
            trigger("a", "c", TriggerCondition::OnSuccess),
            trigger("b", "c", TriggerCondition::OnSuccess),
        ];
        let outcomes = HashMap::from([("a".to_string(), Outcome::Succeeded)]);

        assert_eq!(decide(&step("c"), &triggers, &outcomes), None);
    }

    #[test]
    fn disabled_step_passes_through() {
        let mut disabled = step("b");
        disabled.enabled = false;
        let triggers = [trigger("a", "b", TriggerCondition::OnSuccess)];
        let outcomes = HashMap::from([("a".to_string(), Outcome::PassedThrough)]);

        assert_eq!(
            decide(&disabled, &triggers, &outcomes),
            Some(Decision::PassThrough)
        );
    }

    #[test]
    fn retry_takes_failed_and_below() {
        let flow = Flow {
            steps: vec![step("a"), step("b"), step("c"), step("d")],
            triggers: vec![
                trigger("a", "b", TriggerCondition::OnSuccess),
                trigger("b", "c", TriggerCondition::OnSuccess),
            ],
            ..Flow::default()
        };
        let statuses = HashMap::from([
            ("a".to_string(), StepRunStatus::Succeeded),
            ("b".to_string(), StepRunStatus::Failed),
            ("c".to_string(), StepRunStatus::Skipped),
            ("d".to_string(), StepRunStatus::Succeeded),
        ]);

        let selected = steps_to_retry(&flow, &statuses);

        assert_eq!(selected, HashSet::from(["b".to_string(), "c".to_string()]));
    }
}
