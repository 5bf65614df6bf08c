//! The check the editor runs on every pointer move while a trigger is being
//! dragged: would a trigger from one step to another be accepted, and if it
//! would close a cycle, through which steps.
//!
//! `ConnectionCheck::new` builds the adjacency and a topological rank once
//! per flow state. Each query then searches only the part of the graph that
//! could lead back, because in a flow without cycles a path from `to` back
//! to `from` only passes steps ranked at or before `from`.

use std::collections::VecDeque;

use foldhash::{HashMap, HashMapExt, HashSet};

use crate::graph::StepGraph;
use crate::model::{Flow, StepId};

/// The reason a proposed trigger is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    #[error("step {step:?} is not in the flow; refresh the editor and try again")]
    UnknownStep { step: StepId },

    #[error("step {step:?} cannot trigger itself; drop the connection on another step")]
    SelfTrigger { step: StepId },

    #[error("a trigger from step {from:?} to step {to:?} already exists")]
    Duplicate { from: StepId, to: StepId },

    /// `path` runs from the proposed trigger's `to` back to its `from`, so the
    /// cycle is `from -> path[0] -> ... -> path[last] = from`.
    #[error("a trigger from step {from:?} to step {to:?} would close the cycle {}", cycle_text(.from, .path))]
    Cycle {
        from: StepId,
        to: StepId,
        path: Vec<StepId>,
    },
}

fn cycle_text(from: &str, path: &[StepId]) -> String {
    let mut parts = vec![format!("{from:?}")];
    parts.extend(path.iter().map(|id| format!("{id:?}")));
    parts.join(" -> ")
}

/// The graph of one flow state, ready for proposed-trigger queries.
#[derive(Debug, Clone)]
pub struct ConnectionCheck {
    ids: Vec<StepId>,
    index: HashMap<StepId, usize>,
    succ: Vec<Vec<usize>>,
    existing: HashSet<(usize, usize)>,
    /// Position of each step in a topological order; `None` when the flow
    /// already has a cycle, which disables the pruning.
    rank: Option<Vec<usize>>,
}

impl ConnectionCheck {
    /// Builds the check for `flow` in O(steps + triggers). Build it again
    /// after every edit to the flow's steps or triggers.
    pub fn new(flow: &Flow) -> Self {
        let graph = StepGraph::new(flow);

        let rank = graph.topological_order().map(|order| {
            let mut rank = vec![0; order.len()];
            for (position, &node) in order.iter().enumerate() {
                rank[node] = position;
            }
            rank
        });
        let existing = graph
            .succ
            .iter()
            .enumerate()
            .flat_map(|(from, targets)| targets.iter().map(move |&to| (from, to)))
            .collect();
        let index = graph
            .index
            .iter()
            .map(|(id, &i)| (id.to_string(), i))
            .collect();

        ConnectionCheck {
            ids: flow.steps.iter().map(|step| step.id.clone()).collect(),
            index,
            succ: graph.succ,
            existing,
            rank,
        }
    }

    /// Checks a proposed trigger from step `from` to step `to`.
    pub fn check(&self, from: &str, to: &str) -> Result<(), ConnectError> {
        let from_index = self.lookup(from)?;
        let to_index = self.lookup(to)?;

        if from_index == to_index {
            return Err(ConnectError::SelfTrigger {
                step: from.to_string(),
            });
        }
        if self.existing.contains(&(from_index, to_index)) {
            return Err(ConnectError::Duplicate {
                from: from.to_string(),
                to: to.to_string(),
            });
        }

        match self.path_between(to_index, from_index) {
            None => Ok(()),
            Some(path) => Err(ConnectError::Cycle {
                from: from.to_string(),
                to: to.to_string(),
                path: path.into_iter().map(|i| self.ids[i].clone()).collect(),
            }),
        }
    }

    fn lookup(&self, id: &str) -> Result<usize, ConnectError> {
        self.index
            .get(id)
            .copied()
            .ok_or_else(|| ConnectError::UnknownStep {
                step: id.to_string(),
            })
    }

    /// Finds the shortest path of triggers from `start` to `goal`, both included.
    fn path_between(&self, start: usize, goal: usize) -> Option<Vec<usize>> {
        // A path only visits steps of increasing rank, so none after `goal`.
        let limit = self.rank.as_ref().map(|rank| rank[goal]);
        let allowed = |node: usize| match (&self.rank, limit) {
            (Some(rank), Some(limit)) => rank[node] <= limit,
            _ => true,
        };
        if !allowed(start) {
            return None;
        }

        let mut parent: HashMap<usize, usize> = HashMap::new();
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            if node == goal {
                return Some(path_to(&parent, start, goal));
            }
            for &next in &self.succ[node] {
                if next != start && allowed(next) && !parent.contains_key(&next) {
                    parent.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        None
    }
}

fn path_to(parent: &HashMap<usize, usize>, start: usize, goal: usize) -> Vec<usize> {
    let mut path = vec![goal];
    let mut node = goal;
    while node != start {
        match parent.get(&node) {
            Some(&previous) => node = previous,
            None => break,
        }
        path.push(node);
    }
    path.reverse();
    path
}
