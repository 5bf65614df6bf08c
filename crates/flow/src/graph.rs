//! The steps and triggers of a flow as an adjacency structure, built once
//! and shared by validation, planning and layout.
//!
//! Steps are numbered by their index in `Flow::steps`. Triggers that name an
//! unknown step, go from a step to itself, or repeat a pair are left out:
//! validation reports those separately, and every other rule reasons about
//! the well-formed part of the graph.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::model::Flow;

pub(crate) struct StepGraph<'a> {
    /// Index of each step id's first occurrence; later duplicates get no edges.
    pub index: HashMap<&'a str, usize>,
    pub succ: Vec<Vec<usize>>,
    pub pred: Vec<Vec<usize>>,
}

impl<'a> StepGraph<'a> {
    pub fn new(flow: &'a Flow) -> Self {
        let count = flow.steps.len();
        let mut index = HashMap::with_capacity(count);
        for (i, step) in flow.steps.iter().enumerate() {
            index.entry(step.id.as_str()).or_insert(i);
        }

        let mut succ = vec![Vec::new(); count];
        let mut pred = vec![Vec::new(); count];
        let mut seen = HashSet::with_capacity(flow.triggers.len());
        for trigger in &flow.triggers {
            let (Some(&from), Some(&to)) = (
                index.get(trigger.from.as_str()),
                index.get(trigger.to.as_str()),
            ) else {
                continue;
            };
            if from == to || !seen.insert((from, to)) {
                continue;
            }
            succ[from].push(to);
            pred[to].push(from);
        }

        StepGraph { index, succ, pred }
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

    /// A topological order by Kahn's algorithm, taking ready steps in flow
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

    /// The shortest cycle through `start` whose steps all satisfy `inside`,
    /// in the order the triggers pass them, starting at `start`.
    pub fn cycle_through(&self, start: usize, inside: impl Fn(usize) -> bool) -> Option<Vec<usize>> {
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

    /// Whether `to` can be reached from `from` along triggers (a path of at
    /// least one trigger).
    pub fn reaches(&self, from: usize, to: usize) -> bool {
        let mut seen = vec![false; self.len()];
        let mut stack = self.succ[from].clone();
        while let Some(node) = stack.pop() {
            if node == to {
                return true;
            }
            if !std::mem::replace(&mut seen[node], true) {
                stack.extend_from_slice(&self.succ[node]);
            }
        }
        false
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
