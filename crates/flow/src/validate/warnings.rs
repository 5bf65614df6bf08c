//! The warning rules: flows that can be saved and run, but probably not as
//! their author meant.

use std::collections::HashMap;

use crate::graph::StepGraph;
use crate::model::{Flow, Sync};
use crate::problem::{Problem, ProblemCode, Severity, TriggerRef};

pub(super) struct Context<'a> {
    pub flow: &'a Flow,
    pub graph: &'a StepGraph<'a>,
    pub catalog: &'a HashMap<&'a str, &'a Sync>,
}

impl Context<'_> {
    fn id(&self, step: usize) -> &str {
        &self.flow.steps[step].id
    }

    /// Whether `step` is the first step with its id: later duplicates are
    /// already an error and have no triggers in the graph.
    fn is_first(&self, step: usize) -> bool {
        self.graph.index.get(self.id(step)) == Some(&step)
    }

    fn sync(&self, step: usize) -> Option<&Sync> {
        self.catalog.get(self.flow.steps[step].sync_id.as_str()).copied()
    }
}

fn warning(code: ProblemCode, steps: Vec<String>, triggers: Vec<TriggerRef>, message: String) -> Problem {
    Problem { code, severity: Severity::Warning, steps, triggers, message }
}

/// A lookup of step `reader` that step `writer` serves.
struct LookupUse<'a> {
    reader: usize,
    writer: usize,
    field: &'a str,
    object: &'a str,
}

/// Warns about each step whose sync looks up an object that another step
/// writes (same destination connection and object) without that step being
/// upstream: the two can run in either order, which is the race a flow exists
/// to remove.
///
/// Upstream sets are computed once for all relevant writers, as bit sets
/// propagated over the strongly connected components in topological order,
/// which costs O((steps + triggers) * writers / 64) instead of one search per
/// pair.
pub(super) fn lookup_races(context: &Context, components: &[Vec<usize>], problems: &mut Vec<Problem>) {
    let uses = lookup_uses(context);
    if uses.is_empty() {
        return;
    }

    let mut bit_of: HashMap<usize, usize> = HashMap::new();
    for used in &uses {
        let next = bit_of.len();
        bit_of.entry(used.writer).or_insert(next);
    }
    let upstream = UpstreamSets::new(context.graph, components, &bit_of);

    for used in uses {
        if upstream.contains(used.reader, bit_of[&used.writer]) {
            continue;
        }
        let (reader, writer) = (context.id(used.reader), context.id(used.writer));
        problems.push(warning(
            ProblemCode::LookupRace,
            vec![reader.to_string(), writer.to_string()],
            Vec::new(),
            format!(
                "Step {reader:?} looks up {:?} (field {:?}), which step {writer:?} writes, but {writer:?} is not upstream of {reader:?}: they can run in either order, and records whose {:?} is not written yet are rejected. Add a trigger from {writer:?} to {reader:?}.",
                used.object, used.field, used.object
            ),
        ));
    }
}

fn lookup_uses<'a>(context: &Context<'a>) -> Vec<LookupUse<'a>> {
    let steps = 0..context.flow.steps.len();

    let mut writers: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for step in steps.clone().filter(|&step| context.is_first(step)) {
        if let Some(sync) = context.sync(step) {
            let destination = &sync.destination;
            writers
                .entry((destination.connection_id.as_str(), destination.object.as_str()))
                .or_default()
                .push(step);
        }
    }

    let mut uses = Vec::new();
    for reader in steps.filter(|&step| context.is_first(step)) {
        let Some(sync) = context.catalog.get(context.flow.steps[reader].sync_id.as_str()).copied() else {
            continue;
        };
        for lookup in &sync.lookups {
            let key = (sync.destination.connection_id.as_str(), lookup.object.as_str());
            for &writer in writers.get(&key).into_iter().flatten() {
                if writer != reader {
                    uses.push(LookupUse {
                        reader,
                        writer,
                        field: &lookup.field,
                        object: &lookup.object,
                    });
                }
            }
        }
    }
    uses
}

/// For every step, the set of tracked steps (by bit) upstream of it.
struct UpstreamSets {
    component_of: Vec<usize>,
    sets: Vec<Vec<u64>>,
}

impl UpstreamSets {
    fn new(graph: &StepGraph, components: &[Vec<usize>], bit_of: &HashMap<usize, usize>) -> Self {
        let words = bit_of.len().div_ceil(64);
        let mut component_of = vec![0; graph.len()];
        for (c, component) in components.iter().enumerate() {
            for &node in component {
                component_of[node] = c;
            }
        }

        // Tarjan lists components sinks first, so walk it backwards to see
        // every predecessor's component before its successors.
        let mut sets = vec![Vec::new(); components.len()];
        for c in (0..components.len()).rev() {
            let mut set = vec![0u64; words];
            for &node in &components[c] {
                // Steps of a component of two or more reach each other, so
                // a tracked step is upstream of the others in its component.
                if let Some(&bit) = bit_of.get(&node) {
                    set[bit / 64] |= 1 << (bit % 64);
                }
                for &pred in &graph.pred[node] {
                    let other = component_of[pred];
                    if other != c {
                        for (word, upstream) in set.iter_mut().zip(&sets[other]) {
                            *word |= upstream;
                        }
                    }
                }
            }
            sets[c] = set;
        }

        UpstreamSets { component_of, sets }
    }

    fn contains(&self, step: usize, bit: usize) -> bool {
        let set = &self.sets[self.component_of[step]];
        set.get(bit / 64).is_some_and(|word| word & (1 << (bit % 64)) != 0)
    }
}

pub(super) fn duplicate_syncs(context: &Context, problems: &mut Vec<Problem>) {
    let mut steps_of: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for step in &context.flow.steps {
        let steps = steps_of.entry(step.sync_id.as_str()).or_default();
        if steps.is_empty() {
            order.push(step.sync_id.as_str());
        }
        steps.push(step.id.as_str());
    }

    for sync_id in order {
        let steps = &steps_of[sync_id];
        if steps.len() < 2 {
            continue;
        }
        let listed: Vec<String> = steps.iter().map(|id| format!("{id:?}")).collect();
        problems.push(warning(
            ProblemCode::DuplicateSync,
            steps.iter().map(|id| id.to_string()).collect(),
            Vec::new(),
            format!(
                "Sync {sync_id:?} is placed in {} steps ({}), so one run syncs it {} times: keep one step, unless running it again is intended.",
                steps.len(),
                listed.join(", "),
                steps.len()
            ),
        ));
    }
}

pub(super) fn unconnected_steps(context: &Context, problems: &mut Vec<Problem>) {
    if context.flow.steps.len() < 2 {
        return;
    }
    for step in (0..context.flow.steps.len()).filter(|&step| context.is_first(step)) {
        if context.graph.succ[step].is_empty() && context.graph.pred[step].is_empty() {
            let id = context.id(step);
            problems.push(warning(
                ProblemCode::UnconnectedStep,
                vec![id.to_string()],
                Vec::new(),
                format!(
                    "Step {id:?} has no trigger to or from the rest of the flow, so it starts with the first steps of every run: connect it, or remove it if it belongs elsewhere."
                ),
            ));
        }
    }
}

/// Warns about a disabled step that is the only path from its upstream steps
/// to one of its downstream steps: when the flow runs, the disabled step is
/// passed through, so those downstream steps start without its sync running.
pub(super) fn disabled_steps_cutting_paths(context: &Context, problems: &mut Vec<Problem>) {
    let graph = context.graph;
    // One stamp array for every search, so each costs no allocation.
    let mut stamp = vec![usize::MAX; graph.len()];

    for disabled in 0..context.flow.steps.len() {
        let step = &context.flow.steps[disabled];
        if step.enabled || !context.is_first(disabled) {
            continue;
        }
        let (preds, succs) = (&graph.pred[disabled], &graph.succ[disabled]);
        if preds.is_empty() || succs.is_empty() {
            continue;
        }

        reach_avoiding(graph, disabled, &mut stamp);
        let cut: Vec<usize> = succs.iter().copied().filter(|&s| stamp[s] != disabled).collect();
        if cut.is_empty() {
            continue;
        }

        let id = context.id(disabled);
        let cut_ids: Vec<String> = cut.iter().map(|&s| context.id(s).to_string()).collect();
        let listed: Vec<String> = cut_ids.iter().map(|id| format!("{id:?}")).collect();
        let triggers = preds
            .iter()
            .map(|&p| TriggerRef { from: context.id(p).to_string(), to: id.to_string() })
            .chain(cut_ids.iter().map(|to| TriggerRef { from: id.to_string(), to: to.clone() }))
            .collect();
        let mut steps = vec![id.to_string()];
        steps.extend(cut_ids);
        problems.push(warning(
            ProblemCode::DisabledStepCutsPath,
            steps,
            triggers,
            format!(
                "Step {id:?} is disabled and is the only path to {} from the steps above it, so they start without {id:?}'s sync running: enable {id:?}, or remove it and connect the steps above it to them directly.",
                listed.join(", ")
            ),
        ));
    }
}

/// Marks with `stamp[node] = blocked` every step reachable from the
/// predecessors of `blocked` without passing through it. The search stops
/// once every successor of `blocked` is found.
fn reach_avoiding(graph: &StepGraph, blocked: usize, stamp: &mut [usize]) {
    let targets = &graph.succ[blocked];
    let mut remaining = targets.len();
    stamp[blocked] = blocked;

    let mut stack: Vec<usize> = Vec::new();
    for &pred in &graph.pred[blocked] {
        if stamp[pred] != blocked {
            stamp[pred] = blocked;
            stack.push(pred);
        }
    }

    while let Some(node) = stack.pop() {
        for &next in &graph.succ[node] {
            if stamp[next] == blocked {
                continue;
            }
            stamp[next] = blocked;
            if targets.contains(&next) {
                remaining -= 1;
                if remaining == 0 {
                    return;
                }
            }
            stack.push(next);
        }
    }
}
