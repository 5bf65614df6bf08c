//! The warning rules: flows that can be saved and run, but probably not as
//! their author meant.

use foldhash::{HashMap, HashMapExt};

use crate::graph::StepGraph;
use crate::model::{Flow, Sync};
use crate::problem::{Problem, ProblemCode, Severity, TriggerRef};

pub(super) struct Context<'a> {
    flow: &'a Flow,
    graph: &'a StepGraph<'a>,
    /// The sync of each step, if the catalog has it.
    sync_of: Vec<Option<&'a Sync>>,
    /// The strongly connected component of each step.
    component_of: Vec<usize>,
    /// The position of each step's component in a topological order of the
    /// components. A path only ever passes steps of equal or higher rank,
    /// which bounds every search for a path.
    rank: Vec<usize>,
}

impl<'a> Context<'a> {
    pub fn new(
        flow: &'a Flow,
        graph: &'a StepGraph<'a>,
        sync_of: Vec<Option<&'a Sync>>,
        components: &[Vec<usize>],
    ) -> Self {
        let mut component_of = vec![0; graph.len()];
        for (c, component) in components.iter().enumerate() {
            for &node in component {
                component_of[node] = c;
            }
        }
        let component_rank = rank_components(graph, components, &component_of);
        let rank = component_of.iter().map(|&c| component_rank[c]).collect();
        Context {
            flow,
            graph,
            sync_of,
            component_of,
            rank,
        }
    }

    fn id(&self, step: usize) -> &str {
        &self.flow.steps[step].id
    }

    /// Returns whether `step` is the first step with its id. Later duplicates
    /// are already an error and have no triggers in the graph.
    fn is_first(&self, step: usize) -> bool {
        self.graph.first[step]
    }

    fn sync(&self, step: usize) -> Option<&'a Sync> {
        self.sync_of[step]
    }
}

/// Ranks the components in a topological order by Kahn's algorithm, taking
/// ready components in the order of their steps. Unlike Tarjan's order,
/// this keeps the ranks of nearby steps close, so the searches bounded by
/// rank stay small.
fn rank_components(
    graph: &StepGraph,
    components: &[Vec<usize>],
    component_of: &[usize],
) -> Vec<usize> {
    let mut indegree = vec![0usize; components.len()];
    for (node, targets) in graph.succ.iter().enumerate() {
        for &next in targets
            .iter()
            .filter(|&&next| component_of[next] != component_of[node])
        {
            indegree[component_of[next]] += 1;
        }
    }

    let mut queued = vec![false; components.len()];
    let mut ready = std::collections::VecDeque::new();
    for &c in component_of {
        if indegree[c] == 0 && !std::mem::replace(&mut queued[c], true) {
            ready.push_back(c);
        }
    }

    let mut rank = vec![0; components.len()];
    let mut next_rank = 0;
    while let Some(c) = ready.pop_front() {
        rank[c] = next_rank;
        next_rank += 1;
        for &node in &components[c] {
            for &next in &graph.succ[node] {
                let other = component_of[next];
                if other == c {
                    continue;
                }
                indegree[other] -= 1;
                if indegree[other] == 0 {
                    queued[other] = true;
                    ready.push_back(other);
                }
            }
        }
    }
    rank
}

fn warning(
    code: ProblemCode,
    steps: Vec<String>,
    triggers: Vec<TriggerRef>,
    message: String,
) -> Problem {
    Problem {
        code,
        severity: Severity::Warning,
        steps,
        triggers,
        message,
    }
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
/// Most pairs are decided by rank, by sharing a cycle, or by a short
/// search. The pairs whose search grows past a budget are decided together
/// by propagating upstream bit sets over the components, 64 writers at a
/// time, so the worst case is O((steps + triggers) * writers / 64).
pub(super) fn lookup_races(
    context: &Context,
    components: &[Vec<usize>],
    problems: &mut Vec<Problem>,
) {
    let uses = lookup_uses(context);
    let mut upstream = vec![false; uses.len()];
    let mut deferred = Vec::new();
    let mut search = BoundedSearch::new(context.graph.len());

    for (k, used) in uses.iter().enumerate() {
        let (writer, reader) = (used.writer, used.reader);
        upstream[k] = if context.rank[writer] > context.rank[reader] {
            false
        } else if context.component_of[writer] == context.component_of[reader] {
            true
        } else {
            match search.reaches(context, writer, reader) {
                Some(found) => found,
                None => {
                    deferred.push(k);
                    false
                }
            }
        };
    }
    decide_by_bit_sets(context, components, &uses, &deferred, &mut upstream);

    for (used, _) in uses
        .iter()
        .zip(&upstream)
        .filter(|(_, &upstream)| !upstream)
    {
        let (reader, writer) = (context.id(used.reader), context.id(used.writer));
        problems.push(warning(
            ProblemCode::LookupRace,
            vec![reader.to_string(), writer.to_string()],
            Vec::new(),
            // One allocation per message: with thousands of races on a large
            // flow, `format!` was a large share of validation time.
            [
                "Step \"",
                reader,
                "\" looks up \"",
                used.object,
                "\" (field \"",
                used.field,
                "\"), which step \"",
                writer,
                "\" writes, but \"",
                writer,
                "\" is not upstream of \"",
                reader,
                "\": they can run in either order, and records whose \"",
                used.object,
                "\" is not written yet are rejected. Add a trigger from \"",
                writer,
                "\" to \"",
                reader,
                "\".",
            ]
            .concat(),
        ));
    }
}

fn lookup_uses<'a>(context: &Context<'a>) -> Vec<LookupUse<'a>> {
    let count = context.flow.steps.len();

    // The writers of each (connection, object) as a linked list through
    // `next_writer`, which avoids one allocation per object.
    let mut first_writer: HashMap<(&str, &str), usize> = HashMap::with_capacity(count);
    let mut next_writer = vec![usize::MAX; count];
    for step in (0..count).rev().filter(|&step| context.is_first(step)) {
        if let Some(sync) = context.sync(step) {
            let key = (
                sync.destination.connection_id.as_str(),
                sync.destination.object.as_str(),
            );
            if let Some(previous) = first_writer.insert(key, step) {
                next_writer[step] = previous;
            }
        }
    }

    let mut uses = Vec::new();
    for reader in (0..count).filter(|&step| context.is_first(step)) {
        let Some(sync) = context.sync(reader) else {
            continue;
        };
        for lookup in &sync.lookups {
            let key = (
                sync.destination.connection_id.as_str(),
                lookup.object.as_str(),
            );
            let mut writer = first_writer.get(&key).copied().unwrap_or(usize::MAX);
            while writer != usize::MAX {
                if writer != reader {
                    uses.push(LookupUse {
                        reader,
                        writer,
                        field: &lookup.field,
                        object: &lookup.object,
                    });
                }
                writer = next_writer[writer];
            }
        }
    }
    uses
}

/// A depth-first search for a path that gives up after visiting `BUDGET`
/// steps, reusing one stamp array across searches.
struct BoundedSearch {
    stamp: Vec<u32>,
    generation: u32,
    stack: Vec<usize>,
}

impl BoundedSearch {
    const BUDGET: usize = 256;

    fn new(len: usize) -> Self {
        BoundedSearch {
            stamp: vec![0; len],
            generation: 0,
            stack: Vec::new(),
        }
    }

    /// Returns whether `goal` is downstream of `start`, or `None` when the
    /// search used up its budget first.
    fn reaches(&mut self, context: &Context, start: usize, goal: usize) -> Option<bool> {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.generation = 1;
        }
        let limit = context.rank[goal];
        self.stack.clear();
        self.stack.push(start);
        let mut visited = 0;

        while let Some(node) = self.stack.pop() {
            for &next in &context.graph.succ[node] {
                if next == goal {
                    return Some(true);
                }
                if context.rank[next] > limit || self.stamp[next] == self.generation {
                    continue;
                }
                self.stamp[next] = self.generation;
                visited += 1;
                if visited > Self::BUDGET {
                    return None;
                }
                self.stack.push(next);
            }
        }
        Some(false)
    }
}

/// Decides the `deferred` uses: for each group of 64 writers, one pass over
/// the components in topological order computes which of them are upstream
/// of every component.
fn decide_by_bit_sets(
    context: &Context,
    components: &[Vec<usize>],
    uses: &[LookupUse],
    deferred: &[usize],
    upstream: &mut [bool],
) {
    // The bit of each deferred writer, by step; `usize::MAX` for other steps.
    let mut bit_of = vec![usize::MAX; context.graph.len()];
    let mut writers = 0;
    for &k in deferred {
        let writer = uses[k].writer;
        if bit_of[writer] == usize::MAX {
            bit_of[writer] = writers;
            writers += 1;
        }
    }
    let mut by_group: Vec<Vec<usize>> = vec![Vec::new(); writers.div_ceil(64)];
    for &k in deferred {
        by_group[bit_of[uses[k].writer] / 64].push(k);
    }

    let mut sets = vec![0u64; components.len()];
    for (group, members) in by_group.iter().enumerate() {
        // Tarjan lists components sinks first, so walk it backwards to see
        // every predecessor's component before its successors.
        for c in (0..components.len()).rev() {
            let mut set = 0u64;
            for &node in &components[c] {
                let bit = bit_of[node];
                if bit != usize::MAX && bit / 64 == group {
                    set |= 1 << (bit % 64);
                }
                for &pred in &context.graph.pred[node] {
                    let other = context.component_of[pred];
                    if other != c {
                        set |= sets[other];
                    }
                }
            }
            sets[c] = set;
        }

        for &k in members {
            let bit = bit_of[uses[k].writer] % 64;
            upstream[k] = sets[context.component_of[uses[k].reader]] & (1 << bit) != 0;
        }
    }
}

pub(super) fn duplicate_syncs(context: &Context, problems: &mut Vec<Problem>) {
    let steps = &context.flow.steps;

    // The steps of each sync as a linked list through `next_step`, built
    // backwards so each list starts at the sync's first step.
    let mut first_step: HashMap<&str, usize> = HashMap::with_capacity(steps.len());
    let mut next_step = vec![usize::MAX; steps.len()];
    for (i, step) in steps.iter().enumerate().rev() {
        if let Some(later) = first_step.insert(step.sync_id.as_str(), i) {
            next_step[i] = later;
        }
    }
    let mut is_first = vec![false; steps.len()];
    for &i in first_step.values() {
        is_first[i] = true;
    }

    for first in (0..steps.len()).filter(|&i| is_first[i] && next_step[i] != usize::MAX) {
        let mut ids = Vec::new();
        let mut cursor = first;
        while cursor != usize::MAX {
            ids.push(steps[cursor].id.clone());
            cursor = next_step[cursor];
        }

        let sync_id = &steps[first].sync_id;
        let listed: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
        let message = format!(
            "Sync \"{sync_id}\" is placed in {} steps ({}), so one run syncs it {} times: keep one step, unless running it again is intended.",
            ids.len(),
            listed.join(", "),
            ids.len()
        );
        problems.push(warning(
            ProblemCode::DuplicateSync,
            ids,
            Vec::new(),
            message,
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
                    "Step \"{id}\" has no trigger to or from the rest of the flow, so it starts with the first steps of every run: connect it, or remove it if it belongs elsewhere."
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

        reach_avoiding(context, disabled, &mut stamp);
        let cut: Vec<usize> = succs
            .iter()
            .copied()
            .filter(|&s| stamp[s] != disabled)
            .collect();
        if cut.is_empty() {
            continue;
        }

        let id = context.id(disabled);
        let cut_ids: Vec<String> = cut.iter().map(|&s| context.id(s).to_string()).collect();
        let listed: Vec<String> = cut_ids.iter().map(|id| format!("\"{id}\"")).collect();
        let triggers = preds
            .iter()
            .map(|&p| TriggerRef {
                from: context.id(p).to_string(),
                to: id.to_string(),
            })
            .chain(cut_ids.iter().map(|to| TriggerRef {
                from: id.to_string(),
                to: to.clone(),
            }))
            .collect();
        let mut steps = vec![id.to_string()];
        steps.extend(cut_ids);
        problems.push(warning(
            ProblemCode::DisabledStepCutsPath,
            steps,
            triggers,
            format!(
                "Step \"{id}\" is disabled and is the only path to {} from the steps above it, so they start without \"{id}\"'s sync running: enable \"{id}\", or remove it and connect the steps above it to them directly.",
                listed.join(", ")
            ),
        ));
    }
}

/// Marks with `stamp[node] = blocked` every step reachable from the
/// predecessors of `blocked` without passing through it, skipping steps
/// ranked after every successor. The search stops once every successor of
/// `blocked` is found.
fn reach_avoiding(context: &Context, blocked: usize, stamp: &mut [usize]) {
    let graph = context.graph;
    let targets = &graph.succ[blocked];
    let limit = targets.iter().map(|&s| context.rank[s]).max().unwrap_or(0);
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
            if stamp[next] == blocked || context.rank[next] > limit {
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
