//! Figures the dashboard shows about a flow beyond its problems: the stages
//! (steps that can run in parallel), the critical path and an estimated
//! duration, and the triggers that the syncs' lookups suggest.
//!
//! These functions work on the well-formed part of a flow: triggers that
//! name unknown steps, self-triggers and repeated pairs are left out, as in
//! validation. A cycle makes stages and estimates meaningless, so they
//! return `PlanError::Cycle`.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::graph::{longest_path_levels, shortest_path, StepGraph};
use crate::model::{Flow, StepId, Sync, SyncId, Trigger, TriggerCondition};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the triggers form a cycle through steps {steps:?}; remove one of its triggers to get stages and an estimate")]
    Cycle { steps: Vec<StepId> },
}

fn topological_order(flow: &Flow, graph: &StepGraph) -> Result<Vec<usize>, PlanError> {
    graph.topological_order().ok_or_else(|| {
        let cycles = graph.cycles(&graph.sccs());
        let steps = cycles
            .into_iter()
            .next()
            .map(|(cycle, _)| cycle)
            .unwrap_or_default();
        PlanError::Cycle {
            steps: steps
                .into_iter()
                .map(|i| flow.steps[i].id.clone())
                .collect(),
        }
    })
}

/// Groups the steps into stages: stage 0 contains the steps with no upstream
/// step, and each later step sits one stage after its latest upstream step
/// (longest-path layering). Steps of one stage never trigger each other, so
/// they can run in parallel. Within a stage, steps keep the flow's order.
pub fn stages(flow: &Flow) -> Result<Vec<Vec<StepId>>, PlanError> {
    let graph = StepGraph::new(flow);
    let order = topological_order(flow, &graph)?;
    let level = longest_path_levels(&graph.pred, &order);

    let count = level.iter().max().map_or(0, |&max| max + 1);
    let mut stages = vec![Vec::new(); count];
    for (i, step) in flow.steps.iter().enumerate() {
        stages[level[i]].push(step.id.clone());
    }
    Ok(stages)
}

/// An estimated run time of a flow from past step durations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    /// The longest chain of durations through the triggers, in milliseconds.
    /// A lower bound when `missing` is not empty.
    pub total_ms: u64,
    /// The steps of that chain, from the first to run to the last.
    pub critical_path: Vec<StepId>,
    /// Enabled steps whose sync has no known duration, counted as 0 ms.
    pub missing: Vec<StepId>,
}

/// Estimates the run time of `flow` from `durations` (milliseconds per
/// sync, such as each sync's last run). Disabled steps do not run and take
/// no time. Steps start as soon as all their upstream steps end.
///
/// NOTE: retries and the backend's limit on parallel step runs are not
/// modelled, so a run can take longer than the estimate.
pub fn estimate(flow: &Flow, durations: &HashMap<SyncId, u64>) -> Result<Estimate, PlanError> {
    let graph = StepGraph::new(flow);
    let order = topological_order(flow, &graph)?;

    let mut missing = Vec::new();
    let duration: Vec<u64> = flow
        .steps
        .iter()
        .map(|step| match durations.get(&step.sync_id) {
            _ if !step.enabled => 0,
            Some(&ms) => ms,
            None => {
                missing.push(step.id.clone());
                0
            }
        })
        .collect();

    // finish[v]: the earliest time v can end; via[v]: the upstream step it waits for last.
    let mut finish = vec![0u64; flow.steps.len()];
    let mut via: Vec<Option<usize>> = vec![None; flow.steps.len()];
    for &node in &order {
        let latest = graph.pred[node]
            .iter()
            .copied()
            .max_by_key(|&p| (finish[p], std::cmp::Reverse(p)));
        let start = latest.map_or(0, |p| finish[p]);
        finish[node] = start.saturating_add(duration[node]);
        via[node] = latest;
    }

    let last = (0..flow.steps.len()).max_by_key(|&i| (finish[i], std::cmp::Reverse(i)));
    let mut critical_path = Vec::new();
    let mut cursor = last;
    while let Some(node) = cursor {
        critical_path.push(flow.steps[node].id.clone());
        cursor = via[node];
    }
    critical_path.reverse();

    Ok(Estimate {
        total_ms: last.map_or(0, |i| finish[i]),
        critical_path,
        missing,
    })
}

/// Triggers to add so that every lookup's writer is upstream of the step
/// that looks it up, and the lookups that no trigger can satisfy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// `on_success` triggers from the writing step to the looking-up step,
    /// without any that the others already imply.
    pub triggers: Vec<Trigger>,
    pub unsatisfiable: Vec<UnsatisfiableLookup>,
}

/// A lookup whose writer cannot be put upstream without closing a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsatisfiableLookup {
    /// The step whose sync has the lookup.
    pub step: StepId,
    pub field: String,
    pub object: String,
    /// The step that writes `object`.
    pub writer: StepId,
    /// The existing path from `step` down to `writer` that the trigger
    /// would turn into a cycle.
    pub path: Vec<StepId>,
}

/// Suggests the triggers that order every lookup, so that validation finds
/// no lookup race. For each step whose sync looks up an object that another
/// step writes in the same destination connection, it suggests a trigger
/// from the writer unless the writer is already upstream. A suggestion never
/// closes a cycle: such a lookup is reported as unsatisfiable instead.
pub fn suggest_triggers(flow: &Flow, syncs: &[Sync]) -> Suggestion {
    let graph = StepGraph::new(flow);
    let catalog: HashMap<&str, &Sync> = syncs.iter().map(|sync| (sync.id.as_str(), sync)).collect();
    let mut succ = graph.succ.clone();
    let mut pred = graph.pred.clone();
    // NOTE: a flow that already has a cycle gets no rank, so every search
    // below may visit the whole flow, once per lookup.
    let mut order = Order::new(&succ);
    let mut added: Vec<(usize, usize)> = Vec::new();
    let mut unsatisfiable = Vec::new();

    for (reader, lookup, writer) in lookup_pairs(flow, &graph, &catalog) {
        let rank = order.as_ref().map(|order| order.rank.as_slice());
        if ranked_path(&succ, rank, writer, reader).is_some() {
            continue;
        }
        if let Some(path) = ranked_path(&succ, rank, reader, writer) {
            unsatisfiable.push(UnsatisfiableLookup {
                step: flow.steps[reader].id.clone(),
                field: lookup.field.clone(),
                object: lookup.object.clone(),
                writer: flow.steps[writer].id.clone(),
                path: path.into_iter().map(|i| flow.steps[i].id.clone()).collect(),
            });
            continue;
        }

        succ[writer].push(reader);
        pred[reader].push(writer);
        added.push((writer, reader));
        if let Some(order) = order.as_mut() {
            order.insert(&succ, &pred, writer, reader);
        }
    }

    let rank = order.as_ref().map(|order| order.rank.as_slice());
    let triggers = drop_implied(&succ, rank, added)
        .into_iter()
        .map(|(from, to)| Trigger {
            from: flow.steps[from].id.clone(),
            to: flow.steps[to].id.clone(),
            condition: TriggerCondition::OnSuccess,
        })
        .collect();
    Suggestion {
        triggers,
        unsatisfiable,
    }
}

/// A topological rank kept up to date while triggers are added.
struct Order {
    rank: Vec<usize>,
    /// Visit marks for the searches of `insert`, by generation, so no search
    /// allocates or clears a set.
    mark: Vec<u32>,
    generation: u32,
}

impl Order {
    /// Ranks the steps of `succ` by Kahn's algorithm, taking the ready step
    /// that comes first in the flow, so ranks follow the flow's order where
    /// the triggers allow. `None` when `succ` has a cycle.
    fn new(succ: &[Vec<usize>]) -> Option<Order> {
        let mut indegree = vec![0usize; succ.len()];
        for &next in succ.iter().flatten() {
            indegree[next] += 1;
        }
        let mut ready: BinaryHeap<Reverse<usize>> = (0..succ.len())
            .filter(|&i| indegree[i] == 0)
            .map(Reverse)
            .collect();

        let mut rank = vec![0; succ.len()];
        let mut next_rank = 0;
        while let Some(Reverse(node)) = ready.pop() {
            rank[node] = next_rank;
            next_rank += 1;
            for &next in &succ[node] {
                indegree[next] -= 1;
                if indegree[next] == 0 {
                    ready.push(Reverse(next));
                }
            }
        }

        (next_rank == succ.len()).then(|| Order {
            rank,
            mark: vec![0; succ.len()],
            generation: 0,
        })
    }

    /// Restores the rank after inserting the edge `from -> to`, which must
    /// close no cycle, without ranking the whole flow again. Only steps
    /// ranked between the two ends can be out of order: those reachable from
    /// `to` and those reaching `from`. They swap places as two groups,
    /// reusing their own ranks, so the second group comes first.
    fn insert(&mut self, succ: &[Vec<usize>], pred: &[Vec<usize>], from: usize, to: usize) {
        let (lower, upper) = (self.rank[to], self.rank[from]);
        if lower >= upper {
            return;
        }

        let forward = self.collect(to, succ, |rank| rank < upper);
        let backward = self.collect(from, pred, |rank| rank > lower);

        let mut slots: Vec<usize> = forward
            .iter()
            .chain(&backward)
            .map(|&node| self.rank[node])
            .collect();
        slots.sort_unstable();
        for (node, slot) in backward.into_iter().chain(forward).zip(slots) {
            self.rank[node] = slot;
        }
    }

    /// Lists `start` and the steps reachable from it along `edges` whose
    /// rank satisfies `inside`, sorted by rank.
    fn collect(
        &mut self,
        start: usize,
        edges: &[Vec<usize>],
        inside: impl Fn(usize) -> bool,
    ) -> Vec<usize> {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.mark.fill(0);
            self.generation = 1;
        }

        self.mark[start] = self.generation;
        let mut nodes = vec![start];
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for &next in &edges[node] {
                if inside(self.rank[next]) && self.mark[next] != self.generation {
                    self.mark[next] = self.generation;
                    nodes.push(next);
                    stack.push(next);
                }
            }
        }
        nodes.sort_unstable_by_key(|&node| self.rank[node]);
        nodes
    }
}

/// Finds the shortest path from `start` to `goal`. With a topological rank,
/// the search skips every step ranked after `goal`, which no path to `goal`
/// can pass.
fn ranked_path(
    succ: &[Vec<usize>],
    rank: Option<&[usize]>,
    start: usize,
    goal: usize,
) -> Option<Vec<usize>> {
    match rank {
        Some(rank) if rank[start] >= rank[goal] => None,
        Some(rank) => shortest_path(succ, start, goal, |_, next| rank[next] <= rank[goal]),
        None => shortest_path(succ, start, goal, |_, _| true),
    }
}

/// Lists every (reader, lookup, writer) of the flow, readers in flow order.
fn lookup_pairs<'a>(
    flow: &Flow,
    graph: &StepGraph,
    catalog: &HashMap<&str, &'a Sync>,
) -> Vec<(usize, &'a crate::model::Lookup, usize)> {
    let first = |i: usize| graph.first[i];
    let sync_of = |i: usize| catalog.get(flow.steps[i].sync_id.as_str()).copied();

    let mut writers: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for i in (0..flow.steps.len()).filter(|&i| first(i)) {
        if let Some(sync) = sync_of(i) {
            let key = (
                sync.destination.connection_id.as_str(),
                sync.destination.object.as_str(),
            );
            writers.entry(key).or_default().push(i);
        }
    }

    let mut pairs = Vec::new();
    for reader in (0..flow.steps.len()).filter(|&i| first(i)) {
        let Some(sync) = sync_of(reader) else {
            continue;
        };
        for lookup in &sync.lookups {
            let key = (
                sync.destination.connection_id.as_str(),
                lookup.object.as_str(),
            );
            for &writer in writers.get(&key).into_iter().flatten() {
                if writer != reader {
                    pairs.push((reader, lookup, writer));
                }
            }
        }
    }
    pairs
}

/// Removes each added edge that a path through the other edges implies,
/// checking the latest additions first.
fn drop_implied(
    succ: &[Vec<usize>],
    rank: Option<&[usize]>,
    added: Vec<(usize, usize)>,
) -> Vec<(usize, usize)> {
    let mut removed: HashSet<(usize, usize)> = HashSet::new();
    for &(from, to) in added.iter().rev() {
        let within = |next: usize| rank.is_none_or(|rank| rank[next] <= rank[to]);
        let usable =
            |a: usize, b: usize| (a, b) != (from, to) && !removed.contains(&(a, b)) && within(b);
        if shortest_path(succ, from, to, usable).is_some() {
            removed.insert((from, to));
        }
    }
    added
        .into_iter()
        .filter(|edge| !removed.contains(edge))
        .collect()
}
