//! Validation: every rule a flow must pass, with every problem reported at
//! once.
//!
//! Errors block saving and warnings do not. Problems come errors first. Within
//! a severity they follow the order of the rules below, and within a rule the
//! order of the flow's steps and triggers, so the same flow always yields the
//! same list.

use foldhash::{HashMap, HashMapExt};

use crate::graph::StepGraph;
use crate::limits::{
    MAX_COORDINATE, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, MAX_RETRIES, MAX_STEPS,
    MAX_STEP_ID_CHARS, MAX_TIMEOUT_SECS, MAX_TRIGGERS,
};
use crate::model::{Flow, Step, Sync, Trigger};
use crate::problem::{Problem, ProblemCode, Severity, TriggerRef};
use crate::schedule::Schedule;

mod warnings;

/// Checks `flow` against every rule, using `syncs` (the backend's catalog) to
/// resolve each step's sync. Returns every problem found, errors first.
pub fn validate(flow: &Flow, syncs: &[Sync]) -> Vec<Problem> {
    let graph = StepGraph::new(flow);
    let catalog: HashMap<&str, &Sync> = syncs.iter().map(|sync| (sync.id.as_str(), sync)).collect();
    let sync_of: Vec<Option<&Sync>> = flow
        .steps
        .iter()
        .map(|step| catalog.get(step.sync_id.as_str()).copied())
        .collect();
    let mut problems = Vec::new();

    check_limits(flow, &mut problems);
    check_duplicate_step_ids(flow, &graph, &mut problems);
    check_positions(flow, &mut problems);
    check_trigger_ends(flow, &graph, &mut problems);
    check_duplicate_triggers(flow, &graph, &mut problems);
    let components = graph.sccs();
    check_cycles(flow, &graph, &components, &mut problems);
    check_unknown_syncs(flow, &sync_of, &mut problems);
    check_schedule(flow, &mut problems);

    // NOTE: the warnings cost more than linear time in the worst case, so a
    // flow already beyond the step or trigger limit gets its errors only.
    if flow.steps.len() <= MAX_STEPS && flow.triggers.len() <= MAX_TRIGGERS {
        let context = warnings::Context::new(flow, &graph, sync_of, &components);
        warnings::lookup_races(&context, &components, &mut problems);
        warnings::duplicate_syncs(&context, &mut problems);
        warnings::unconnected_steps(&context, &mut problems);
        warnings::disabled_steps_cutting_paths(&context, &mut problems);
    }

    problems.sort_by_key(|problem| problem.severity);
    problems
}

fn error(
    code: ProblemCode,
    steps: Vec<String>,
    triggers: Vec<TriggerRef>,
    message: String,
) -> Problem {
    Problem {
        code,
        severity: Severity::Error,
        steps,
        triggers,
        message,
    }
}

fn trigger_ref(trigger: &Trigger) -> TriggerRef {
    TriggerRef {
        from: trigger.from.clone(),
        to: trigger.to.clone(),
    }
}

fn check_limits(flow: &Flow, problems: &mut Vec<Problem>) {
    let mut flow_limit = |message: String| {
        problems.push(error(
            ProblemCode::LimitExceeded,
            Vec::new(),
            Vec::new(),
            message,
        ));
    };

    if flow.steps.len() > MAX_STEPS {
        flow_limit(format!(
            "The flow has {} steps, more than the maximum of {MAX_STEPS}: split it into several flows.",
            flow.steps.len()
        ));
    }
    if flow.triggers.len() > MAX_TRIGGERS {
        flow_limit(format!(
            "The flow has {} triggers, more than the maximum of {MAX_TRIGGERS}: remove triggers that a longer path already implies, or split the flow.",
            flow.triggers.len()
        ));
    }

    let name_chars = flow.name.chars().count();
    if flow.name.trim().is_empty() {
        flow_limit("The flow has no name: give it one.".to_string());
    } else if name_chars > MAX_NAME_CHARS {
        flow_limit(format!(
            "The flow's name is {name_chars} characters long, more than the maximum of {MAX_NAME_CHARS}: shorten it."
        ));
    }

    let description_chars = flow.description.chars().count();
    if description_chars > MAX_DESCRIPTION_CHARS {
        flow_limit(format!(
            "The flow's description is {description_chars} characters long, more than the maximum of {MAX_DESCRIPTION_CHARS}: shorten it."
        ));
    }

    for step in &flow.steps {
        check_step_limits(step, problems);
    }
}

fn check_step_limits(step: &Step, problems: &mut Vec<Problem>) {
    let mut step_limit = |message: String| {
        problems.push(error(
            ProblemCode::LimitExceeded,
            vec![step.id.clone()],
            Vec::new(),
            message,
        ));
    };

    let id_chars = step.id.chars().count();
    if step.id.is_empty() {
        step_limit(format!(
            "A step of sync \"{}\" has an empty id: give it one.",
            step.sync_id
        ));
    } else if id_chars > MAX_STEP_ID_CHARS {
        step_limit(format!(
            "Step id \"{}\" is {id_chars} characters long, more than the maximum of {MAX_STEP_ID_CHARS}: shorten it.",
            step.id
        ));
    }

    if step.failure_policy.retries > MAX_RETRIES {
        step_limit(format!(
            "Step \"{}\" retries {} times, more than the maximum of {MAX_RETRIES}: lower its retries.",
            step.id, step.failure_policy.retries
        ));
    }

    match step.timeout_secs {
        Some(0) => step_limit(format!(
            "Step \"{}\" has a timeout of 0 seconds, so no attempt could run: set at least 1 second, or no timeout to use the backend's default.",
            step.id
        )),
        Some(secs) if secs > MAX_TIMEOUT_SECS => step_limit(format!(
            "Step \"{}\" has a timeout of {secs} seconds, more than the maximum of {MAX_TIMEOUT_SECS} (24 hours): lower it.",
            step.id
        )),
        _ => {}
    }
}

fn check_duplicate_step_ids(flow: &Flow, graph: &StepGraph, problems: &mut Vec<Problem>) {
    // Count the later steps of each repeated id at its first step.
    let mut repeats: HashMap<usize, usize> = HashMap::new();
    for (i, step) in flow.steps.iter().enumerate() {
        if !graph.first[i] {
            if let Some(&first) = graph.index.get(step.id.as_str()) {
                *repeats.entry(first).or_default() += 1;
            }
        }
    }

    for (i, step) in flow.steps.iter().enumerate() {
        let Some(&later) = repeats.get(&i) else {
            continue;
        };
        problems.push(error(
            ProblemCode::DuplicateStepId,
            vec![step.id.clone()],
            Vec::new(),
            format!(
                "{} steps share the id \"{}\": step ids must be unique, so rename all but one.",
                later + 1,
                step.id
            ),
        ));
    }
}

fn check_positions(flow: &Flow, problems: &mut Vec<Problem>) {
    for step in &flow.steps {
        let Step { position, .. } = step;
        let valid = |value: f64| value.is_finite() && value.abs() <= MAX_COORDINATE;
        if !valid(position.x) || !valid(position.y) {
            problems.push(error(
                ProblemCode::InvalidPosition,
                vec![step.id.clone()],
                Vec::new(),
                format!(
                    "Step \"{}\" is at ({}, {}), outside the canvas: each coordinate must be a finite number between -{MAX_COORDINATE} and {MAX_COORDINATE}. Move the step or lay the flow out again.",
                    step.id, position.x, position.y
                ),
            ));
        }
    }
}

fn check_trigger_ends(flow: &Flow, graph: &StepGraph, problems: &mut Vec<Problem>) {
    for (trigger, &(from, to)) in flow.triggers.iter().zip(&graph.trigger_ends) {
        if from.is_some() && to.is_some() {
            if trigger.from == trigger.to {
                problems.push(error(
                    ProblemCode::SelfTrigger,
                    vec![trigger.from.clone()],
                    vec![trigger_ref(trigger)],
                    format!(
                        "Step \"{}\" triggers itself: remove the trigger.",
                        trigger.from
                    ),
                ));
            }
            continue;
        }

        let ends = [(&trigger.from, from), (&trigger.to, to)];
        let missing: Vec<&str> = ends
            .iter()
            .filter(|(_, end)| end.is_none())
            .map(|(id, _)| id.as_str())
            .collect();
        let existing = ends
            .iter()
            .filter(|(_, end)| end.is_some())
            .map(|(id, _)| (*id).clone())
            .collect();
        problems.push(error(
            ProblemCode::UnknownStep,
            existing,
            vec![trigger_ref(trigger)],
            format!(
                "Trigger \"{}\" names {}, which the flow does not have: remove the trigger or add the step.",
                trigger.key(),
                quoted_list(&missing)
            ),
        ));
    }
}

fn check_duplicate_triggers(flow: &Flow, graph: &StepGraph, problems: &mut Vec<Problem>) {
    // Known steps are keyed by index; an unknown id gets a number past them.
    let mut unknown: HashMap<&str, usize> = HashMap::new();
    let mut keys: Vec<(usize, usize)> = Vec::with_capacity(flow.triggers.len());
    for (trigger, &(from, to)) in flow.triggers.iter().zip(&graph.trigger_ends) {
        let from = end_key(&mut unknown, flow.steps.len(), &trigger.from, from);
        let to = end_key(&mut unknown, flow.steps.len(), &trigger.to, to);
        keys.push((from, to));
    }

    let mut counts: HashMap<(usize, usize), usize> = HashMap::with_capacity(keys.len());
    for &pair in &keys {
        *counts.entry(pair).or_default() += 1;
    }

    for (trigger, pair) in flow.triggers.iter().zip(&keys) {
        // Report each repeated pair once, at its first trigger.
        let Some(count) = counts.remove(pair) else {
            continue;
        };
        if count > 1 {
            problems.push(error(
                ProblemCode::DuplicateTrigger,
                vec![trigger.from.clone(), trigger.to.clone()],
                vec![trigger_ref(trigger)],
                format!(
                    "{count} triggers join step \"{}\" to step \"{}\": keep one and remove the others.",
                    trigger.from, trigger.to
                ),
            ));
        }
    }
}

fn end_key<'a>(
    unknown: &mut HashMap<&'a str, usize>,
    steps: usize,
    id: &'a str,
    end: Option<usize>,
) -> usize {
    end.unwrap_or_else(|| {
        let next = steps + unknown.len();
        *unknown.entry(id).or_insert(next)
    })
}

/// Reports one cycle per strongly connected component: the shortest cycle
/// through the component's first step in flow order. Fixing it may leave
/// another cycle in the same component, which the next validation reports.
fn check_cycles(
    flow: &Flow,
    graph: &StepGraph,
    components: &[Vec<usize>],
    problems: &mut Vec<Problem>,
) {
    for (cycle, component_size) in graph.cycles(components) {
        let ids: Vec<String> = cycle.iter().map(|&i| flow.steps[i].id.clone()).collect();
        let triggers = (0..ids.len())
            .map(|k| TriggerRef {
                from: ids[k].clone(),
                to: ids[(k + 1) % ids.len()].clone(),
            })
            .collect();

        let mut path: Vec<&str> = ids.iter().map(String::as_str).collect();
        path.push(&ids[0]);
        let mut message = format!(
            "The triggers form a cycle: {}. A flow must not loop back on itself: remove one of these triggers.",
            path.iter().map(|id| format!("\"{id}\"")).collect::<Vec<_>>().join(" -> ")
        );
        if component_size > ids.len() {
            message.push_str(&format!(
                " {} more steps are caught in cycles with these.",
                component_size - ids.len()
            ));
        }
        problems.push(error(ProblemCode::Cycle, ids, triggers, message));
    }
}

fn check_unknown_syncs(flow: &Flow, sync_of: &[Option<&Sync>], problems: &mut Vec<Problem>) {
    for (step, sync) in flow.steps.iter().zip(sync_of) {
        if sync.is_none() {
            problems.push(error(
                ProblemCode::UnknownSync,
                vec![step.id.clone()],
                Vec::new(),
                format!(
                    "Step \"{}\" uses sync \"{}\", which is not in the catalog: pick another sync or remove the step.",
                    step.id, step.sync_id
                ),
            ));
        }
    }
}

fn check_schedule(flow: &Flow, problems: &mut Vec<Problem>) {
    let Some(schedule) = &flow.schedule else {
        return;
    };
    if let Err(reason) = Schedule::parse(schedule) {
        problems.push(error(
            ProblemCode::InvalidSchedule,
            Vec::new(),
            Vec::new(),
            format!("The flow's schedule is invalid: {reason}."),
        ));
    }
}

fn quoted_list(ids: &[&str]) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("step \"{id}\"")).collect();
    quoted.join(" and ")
}
