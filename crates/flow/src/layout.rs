//! A layered layout of a flow for the editor's canvas: triggers point left
//! to right, each stage of steps is a column, and pinned steps stay where
//! the user put them.
//!
//! The method is Sugiyama's: break cycles, assign layers by longest path,
//! insert dummy nodes on triggers that span several layers, reduce crossings
//! with barycenter sweeps (keeping the best order seen, counted exactly),
//! then assign coordinates column by column.
//!
//! Why not the rust-sugiyama crate (version 0.4, about 4,600 lines): it has
//! no notion of pinned vertices, so pins would need a second pass anyway.
//! It can panic on inconsistent input: `from_vertices_and_edges` documents a
//! panic, and its source has about a hundred `unwrap` and `expect` calls,
//! while a panic in WebAssembly kills the page. It also lays out each
//! connected component separately, leaving the caller to arrange them, and
//! adds a `log` dependency. The layered method fits in this one module.

use crate::edit::{Edit, StepMove};
use crate::graph::{longest_path_levels, StepGraph};
use crate::limits::MAX_COORDINATE;
use crate::model::{Flow, Position};

/// Sizes of the layout, in canvas units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutConfig {
    /// Width of a step's box on the canvas.
    pub node_width: f64,
    /// Height of a step's box on the canvas.
    pub node_height: f64,
    /// Horizontal space between two columns.
    pub layer_gap: f64,
    /// Vertical space between two steps of a column.
    pub node_gap: f64,
    /// Crossing-reduction passes, each one sweep down and one sweep up.
    pub sweeps: usize,
}

impl Default for LayoutConfig {
    fn default() -> Self {
        LayoutConfig {
            node_width: 220.0,
            node_height: 72.0,
            layer_gap: 80.0,
            node_gap: 32.0,
            sweeps: 4,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayoutError {
    #[error("layout setting {name} is {value}, but it must be a finite number {requirement}")]
    InvalidConfig {
        name: &'static str,
        value: f64,
        requirement: &'static str,
    },
}

impl LayoutConfig {
    fn check(&self) -> Result<(), LayoutError> {
        let sizes = [
            ("node_width", self.node_width),
            ("node_height", self.node_height),
        ];
        let gaps = [("layer_gap", self.layer_gap), ("node_gap", self.node_gap)];
        for (name, value) in sizes {
            if !(value.is_finite() && value > 0.0 && value <= MAX_COORDINATE) {
                return Err(LayoutError::InvalidConfig {
                    name,
                    value,
                    requirement: "above 0 and at most 10000000",
                });
            }
        }
        for (name, value) in gaps {
            if !(0.0..=MAX_COORDINATE).contains(&value) {
                return Err(LayoutError::InvalidConfig {
                    name,
                    value,
                    requirement: "of 0 or more, at most 10000000",
                });
            }
        }
        Ok(())
    }
}

/// Returns whether a step keeps its position. A pinned step outside the
/// canvas limits (which validation reports) is laid out like the others.
fn keeps_position(flow: &Flow, step: usize) -> bool {
    let step = &flow.steps[step];
    let valid = |value: f64| value.is_finite() && value.abs() <= MAX_COORDINATE;
    step.pinned && valid(step.position.x) && valid(step.position.y)
}

/// Computes a position for every step of `flow`, in the order of
/// `flow.steps`. Pinned steps keep their position, and no unpinned step's box
/// overlaps another step's box. Pinned steps that the user placed on top of
/// each other stay so.
pub fn layout(flow: &Flow, config: &LayoutConfig) -> Result<Vec<Position>, LayoutError> {
    config.check()?;
    let graph = StepGraph::new(flow);
    let layered = Layered::new(&graph);

    let mut order = layered.initial_order();
    reduce_crossings(&layered, &mut order, config.sweeps);

    let pinned: Vec<bool> = (0..flow.steps.len())
        .map(|i| keeps_position(flow, i))
        .collect();
    Ok(assign_coordinates(flow, &layered, &order, &pinned, config))
}

/// Lays `flow` out and returns the edit that moves every step whose position
/// changes, so applying a layout can be undone like any other edit. Steps
/// with a repeated id keep their position, since an edit names steps by id.
pub fn layout_edit(flow: &Flow, config: &LayoutConfig) -> Result<Edit, LayoutError> {
    let positions = layout(flow, config)?;
    let mut seen = std::collections::HashSet::new();
    let moves = flow
        .steps
        .iter()
        .zip(positions)
        .filter(|(step, _)| seen.insert(step.id.as_str()))
        .filter(|(step, position)| step.position != *position)
        .map(|(step, position)| StepMove {
            id: step.id.clone(),
            position,
        })
        .collect();
    Ok(Edit::MoveSteps { moves })
}

/// The graph prepared for crossing reduction: real steps first, then dummy
/// nodes that split triggers spanning several layers.
struct Layered {
    real: usize,
    layer: Vec<usize>,
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    /// Real steps in the topological order used for the initial placement.
    topological: Vec<usize>,
}

/// Maximum dummy nodes for long triggers. Beyond it, the remaining long
/// triggers do not take part in crossing reduction, which keeps the cost of
/// the layout bounded on large, dense flows.
const MAX_DUMMIES: usize = 100_000;

impl Layered {
    fn new(graph: &StepGraph) -> Self {
        let real = graph.len();
        let succ = acyclic_successors(graph);
        let mut pred = vec![Vec::new(); real];
        for (from, targets) in succ.iter().enumerate() {
            for &to in targets {
                pred[to].push(from);
            }
        }
        let topological = kahn_order(&succ, &pred);
        let mut layer = longest_path_levels(&pred, &topological);

        let mut up = vec![Vec::new(); real];
        let mut down = vec![Vec::new(); real];
        for (from, targets) in succ.iter().enumerate() {
            for &to in targets {
                let span = layer[to] - layer[from];
                if span > 1 && layer.len() - real + span - 1 > MAX_DUMMIES {
                    continue;
                }
                let mut previous = from;
                for step in 1..span {
                    let dummy = layer.len();
                    layer.push(layer[from] + step);
                    up.push(vec![previous]);
                    down.push(Vec::new());
                    down[previous].push(dummy);
                    previous = dummy;
                }
                down[previous].push(to);
                up[to].push(previous);
            }
        }

        Layered {
            real,
            layer,
            up,
            down,
            topological,
        }
    }

    fn layer_count(&self) -> usize {
        self.layer.iter().max().map_or(0, |&max| max + 1)
    }

    /// Nodes per layer: real steps in topological order, then each dummy
    /// after the node above it.
    fn initial_order(&self) -> Vec<Vec<usize>> {
        let mut order = vec![Vec::new(); self.layer_count()];
        let mut stack: Vec<usize> = Vec::new();
        for &node in &self.topological {
            order[self.layer[node]].push(node);
            stack.extend(self.down[node].iter().filter(|&&next| next >= self.real));
            while let Some(dummy) = stack.pop() {
                order[self.layer[dummy]].push(dummy);
                stack.extend(self.down[dummy].iter().filter(|&&next| next >= self.real));
            }
        }
        order
    }
}

/// Lists the successors of each step without the triggers that close
/// cycles: a depth-first search drops every edge to a step still on its stack.
fn acyclic_successors(graph: &StepGraph) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }

    let mut state = vec![State::New; graph.len()];
    let mut succ = vec![Vec::new(); graph.len()];
    for root in 0..graph.len() {
        if state[root] != State::New {
            continue;
        }
        state[root] = State::Open;
        let mut stack = vec![(root, 0usize)];
        while let Some(&mut (node, ref mut next_edge)) = stack.last_mut() {
            let Some(&next) = graph.succ[node].get(*next_edge) else {
                state[node] = State::Done;
                stack.pop();
                continue;
            };
            *next_edge += 1;
            match state[next] {
                State::Open => {}
                State::Done => succ[node].push(next),
                State::New => {
                    succ[node].push(next);
                    state[next] = State::Open;
                    stack.push((next, 0));
                }
            }
        }
    }
    succ
}

fn kahn_order(succ: &[Vec<usize>], pred: &[Vec<usize>]) -> Vec<usize> {
    let mut indegree: Vec<usize> = pred.iter().map(Vec::len).collect();
    let mut ready: std::collections::VecDeque<usize> =
        (0..succ.len()).filter(|&i| indegree[i] == 0).collect();
    let mut order = Vec::with_capacity(succ.len());
    while let Some(node) = ready.pop_front() {
        order.push(node);
        for &next in &succ[node] {
            indegree[next] -= 1;
            if indegree[next] == 0 {
                ready.push_back(next);
            }
        }
    }
    order
}

/// Reorders each layer by the barycenter of its neighbors' positions, sweeping
/// down then up `sweeps` times, and keeps the order with the fewest crossings.
fn reduce_crossings(layered: &Layered, order: &mut [Vec<usize>], sweeps: usize) {
    let mut position = vec![0usize; layered.layer.len()];
    let mut best = order.to_vec();
    let mut best_crossings = count_crossings(layered, order, &mut position);

    for _ in 0..sweeps {
        if best_crossings == 0 {
            break;
        }
        // `count_crossings` left every node's position in `position`.
        for layer in order.iter_mut().skip(1) {
            sort_by_barycenter(layer, &layered.up, &mut position);
        }
        for layer in order.iter_mut().rev().skip(1) {
            sort_by_barycenter(layer, &layered.down, &mut position);
        }

        let crossings = count_crossings(layered, order, &mut position);
        if crossings < best_crossings {
            best_crossings = crossings;
            best = order.to_vec();
        }
    }
    order.clone_from_slice(&best);
}

/// Sorts one layer by the mean position of each node's neighbors in the
/// adjacent layer; a node without neighbors keeps its own position as key.
fn sort_by_barycenter(layer: &mut [usize], neighbors: &[Vec<usize>], position: &mut [usize]) {
    let mut keyed: Vec<(f64, usize)> = layer
        .iter()
        .enumerate()
        .map(|(current, &node)| {
            let adjacent = &neighbors[node];
            let key = if adjacent.is_empty() {
                current as f64
            } else {
                adjacent.iter().map(|&n| position[n] as f64).sum::<f64>() / adjacent.len() as f64
            };
            (key, node)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));

    for (i, (slot, (_, node))) in layer.iter_mut().zip(keyed).enumerate() {
        *slot = node;
        position[node] = i;
    }
}

/// Counts the crossings between every pair of adjacent layers by counting
/// inversions with a Fenwick tree, in O(edges * log(nodes)).
fn count_crossings(layered: &Layered, order: &[Vec<usize>], position: &mut [usize]) -> u64 {
    for layer in order {
        for (i, &node) in layer.iter().enumerate() {
            position[node] = i;
        }
    }

    let mut total = 0u64;
    let mut tree: Vec<u64> = Vec::new();
    let mut targets: Vec<usize> = Vec::new();
    for pair in order.windows(2) {
        let (upper, lower) = (&pair[0], &pair[1]);
        tree.clear();
        tree.resize(lower.len() + 1, 0);
        let mut seen = 0u64;
        for &node in upper {
            targets.clear();
            targets.extend(layered.down[node].iter().map(|&n| position[n]));
            targets.sort_unstable();
            // Edges seen so far that end right of this target cross it.
            for &target in &targets {
                total += seen - prefix_sum(&tree, target + 1);
            }
            for &target in &targets {
                add(&mut tree, target + 1);
                seen += 1;
            }
        }
    }
    total
}

fn prefix_sum(tree: &[u64], mut index: usize) -> u64 {
    let mut sum = 0;
    while index > 0 {
        sum += tree[index];
        index &= index - 1;
    }
    sum
}

fn add(tree: &mut [u64], mut index: usize) {
    while index < tree.len() {
        tree[index] += 1;
        index += index & index.wrapping_neg();
    }
}

/// Places each column left to right. A node aims for the mean height of its
/// neighbors in the previous column, and moves down as needed to keep its
/// order, clear the node above it, and clear pinned steps.
fn assign_coordinates(
    flow: &Flow,
    layered: &Layered,
    order: &[Vec<usize>],
    pinned: &[bool],
    config: &LayoutConfig,
) -> Vec<Position> {
    let mut y = vec![0.0f64; layered.layer.len()];
    let mut positions: Vec<Position> = flow.steps.iter().map(|step| step.position).collect();
    let obstacles = pinned_tops(flow, pinned);

    for (l, column) in order.iter().enumerate() {
        let x = l as f64 * (config.node_width + config.layer_gap);
        let mut in_column: Vec<f64> = obstacles
            .iter()
            .filter(|(left, _)| *left < x + config.node_width && x < *left + config.node_width)
            .map(|&(_, top)| top)
            .collect();
        in_column.sort_by(f64::total_cmp);
        let mut next_obstacle = 0;
        let mut floor = f64::NEG_INFINITY;

        for &node in column {
            if node < layered.real && pinned[node] {
                y[node] = flow.steps[node].position.y;
                continue;
            }
            let above = &layered.up[node];
            let wanted = if above.is_empty() {
                0.0
            } else {
                above.iter().map(|&n| y[n]).sum::<f64>() / above.len() as f64
            };
            let mut top = wanted.max(floor);

            let height = if node < layered.real {
                config.node_height
            } else {
                0.0
            };
            if node < layered.real {
                // Obstacles share one height, so sorting by top also sorts by bottom.
                while let Some(&obstacle) = in_column.get(next_obstacle) {
                    if obstacle + config.node_height <= top {
                        next_obstacle += 1;
                    } else if obstacle < top + height {
                        top = obstacle + config.node_height + config.node_gap;
                        next_obstacle += 1;
                    } else {
                        break;
                    }
                }
                positions[node] = Position { x, y: top };
            }
            y[node] = top;
            floor = top + height + config.node_gap;
        }
    }
    positions
}

/// Lists the left edge and top of every pinned step.
fn pinned_tops(flow: &Flow, pinned: &[bool]) -> Vec<(f64, f64)> {
    flow.steps
        .iter()
        .zip(pinned)
        .filter(|(_, &pinned)| pinned)
        .map(|(step, _)| (step.position.x, step.position.y))
        .collect()
}
