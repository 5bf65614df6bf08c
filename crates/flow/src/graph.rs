//! The steps and triggers of a flow as an adjacency structure, built once
//! and shared by validation, planning and layout.
//!
//! Steps are numbered by their index in `Flow::steps`. Triggers that name an
//! unknown step, go from a step to itself, or repeat a pair are left out:
//! validation reports those separately, and every other rule reasons about
//! the well-formed part of the graph.

use std::collections::VecDeque;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::model::Flow;

pub(crate) struct StepGraph<'a> {
    /// Index of each step id's first occurrence; later duplicates get no edges.
    pub index: HashMap<&'a str, usize>,
    /// Whether each step is the first with its id.
    pub first: Vec<bool>,
    /// The step index of each trigger's two ends, `None` for an unknown step.
    pub trigger_ends: Vec<(Option<usize>, Option<usize>)>,
    pub succ: Vec<Vec<usize>>,
    pub pred: Vec<Vec<usize>>,
}

impl<'a> StepGraph<'a> {
    pub fn new(flow: &'a Flow) -> Self {
        let count = flow.steps.len();
        let mut index = HashMap::with_capacity(count);
        let mut first = vec![false; count];
        for (i, step) in flow.steps.iter().enumerate() {
            index.entry(step.id.as_str()).or_insert_with(|| {
                first[i] = true;
                i
            });
        }

        let mut succ = vec![Vec::new(); count];
        let mut pred = vec![Vec::new(); count];
        let trigger_ends: Vec<(Option<usize>, Option<usize>)> = flow
            .triggers
            .iter()
            .map(|trigger| {
                (
                    index.get(trigger.from.as_str()).copied(),
                    index.get(trigger.to.as_str()).copied(),
                )
            })
            .collect();

        let mut seen = HashSet::with_capacity(flow.triggers.len());
        for &ends in &trigger_ends {
            let (Some(from), Some(to)) = ends else {
                continue;
            };
            if from == to || !seen.insert((from, to)) {
                continue;
            }
            succ[from].push(to);
            pred[to].push(from);
        }

        StepGraph {
            index,
            first,
            trigger_ends,
            succ,
            pred,
        }
    }

    pub fn len(&self) -> usize {
        self.succ.len()
    }

    /// Strongly connected components in reverse topological order (sinks
    /// first), as petgraph's Tarjan implementation returns them.
    pub fn sccs(&self) -> Vec<Vec<usize>> {
        let mut graph = DiGraph::<(), ()>::with_capacity(self.len(), 0);
        for _ in 0..self.len() {
            graph.add_node(());
        }
        for (from, targets) in self.succ.iter().enumerate() {
            for &to in targets {
                graph.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
            }
        }

        petgraph::algo::tarjan_scc(&graph)
            .into_iter()
            .map(|component| component.into_iter().map(|node| node.index()).collect())
            .collect()
    }

    /// Computes a topological order by Kahn's algorithm, taking ready steps in flow
    /// order so the result is stable. `None` when the triggers close a cycle.
    pub fn topological_order(&self) -> Option<Vec<usize>> {
        let mut indegree: Vec<usize> = self.pred.iter().map(Vec::len).collect();
        let mut ready: VecDeque<usize> = (0..self.len()).filter(|&i| indegree[i] == 0).collect();
        let mut order = Vec::with_capacity(self.len());

        while let Some(node) = ready.pop_front() {
            order.push(node);
            for &next in &self.succ[node] {
                indegree[next] -= 1;
                if indegree[next] == 0 {
                    ready.push_back(next);
                }
            }
        }

        (order.len() == self.len()).then_some(order)
    }

    /// Finds one cycle per strongly connected component of two or more steps:
    /// the
    /// shortest cycle through the component's first step in flow order,
    /// listed in the order the triggers pass it. Cycles come in the order of
    /// their first steps. Each comes with its component's size.
    pub fn cycles(&self, components: &[Vec<usize>]) -> Vec<(Vec<usize>, usize)> {
        let mut inside = vec![false; self.len()];
        let mut found = Vec::new();

        for component in components.iter().filter(|component| component.len() > 1) {
            for &node in component {
                inside[node] = true;
            }
            let start = component.iter().copied().min();
            if let Some(cycle) =
                start.and_then(|start| self.cycle_through(start, |node| inside[node]))
            {
                found.push((cycle, component.len()));
            }
            for &node in component {
                inside[node] = false;
            }
        }

        found.sort_by_key(|(cycle, _)| cycle.first().copied());
        found
    }

    /// Finds the shortest cycle through `start` whose steps all satisfy `inside`,
    /// in the order the triggers pass them, starting at `start`.
    pub fn cycle_through(
        &self,
        start: usize,
        inside: impl Fn(usize) -> bool,
    ) -> Option<Vec<usize>> {
        let mut parent: HashMap<usize, usize> = HashMap::new();
        let mut queue = VecDeque::from([start]);

        while let Some(node) = queue.pop_front() {
            for &next in &self.succ[node] {
                if next == start {
                    return Some(path_back(&parent, node));
                }
                if inside(next) && !parent.contains_key(&next) {
                    parent.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        None
    }
}

/// Follows `parent` links from `end` back to the search's start.
fn path_back(parent: &HashMap<usize, usize>, end: usize) -> Vec<usize> {
    let mut path = vec![end];
    let mut node = end;
    while let Some(&previous) = parent.get(&node) {
        node = previous;
        path.push(node);
    }
    path.reverse();
    path
}

/// Finds the shortest path from `start` to `goal` (both included, at least one
/// edge) over the edges that `usable(from, to)` accepts.
pub(crate) fn shortest_path(
    succ: &[Vec<usize>],
    start: usize,
    goal: usize,
    usable: impl Fn(usize, usize) -> bool,
) -> Option<Vec<usize>> {
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([start]);

    while let Some(node) = queue.pop_front() {
        for &next in &succ[node] {
            if !usable(node, next) || next == start || parent.contains_key(&next) {
                continue;
            }
            parent.insert(next, node);
            if next == goal {
                return Some(path_back(&parent, goal));
            }
            queue.push_back(next);
        }
    }
    None
}

/// Computes the longest-path level of each step: 0 for a step with no upstream
/// step, else one more than its highest upstream step. `order` must be a
/// topological order of `pred`'s graph.
pub(crate) fn longest_path_levels(pred: &[Vec<usize>], order: &[usize]) -> Vec<usize> {
    let mut level = vec![0; pred.len()];
    for &node in order {
        level[node] = pred[node].iter().map(|&p| level[p] + 1).max().unwrap_or(0);
    }
    level
}
