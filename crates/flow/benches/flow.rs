//! Timings of the work the editor does on large flows: validation, one
//! proposed-trigger check while a connection is dragged, and layout.
//!
//! Run with `cargo bench -p baton-flow --bench flow`. The flows are
//! generated, see `generated`.

use std::collections::{HashMap, VecDeque};
use std::hint::black_box;
use std::time::Duration;

use baton_flow::connect::ConnectionCheck;
use baton_flow::layout::{layout, LayoutConfig};
use baton_flow::plan::suggest_triggers;
use baton_flow::{
    validate, Flow, Lookup, Operation, Position, Step, Sync, SyncDestination, SyncSource, Trigger,
};
use criterion::{criterion_group, criterion_main, Criterion};

/// A small linear congruential generator, so every run times the same flows.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound
    }
}

/// The objects that each step's sync looks up.
#[derive(Clone, Copy)]
enum Lookups {
    /// The objects of up to two of the step's upstream steps, so every
    /// lookup is ordered by a trigger and validation finds no race.
    Ordered,
    /// The objects of the steps three and six places before, in the same
    /// destination: most are not upstream, so nearly every step gets two
    /// lookup-race warnings.
    Racy,
}

/// Generates a flow of `size` steps with one sync per step. Each step
/// triggers one to four of the fifty steps after it, so the graph is long
/// and wide like a real sequence, with no cycle. One step in fifty is
/// disabled and one in twenty pinned.
fn generated(size: usize, lookups: Lookups) -> (Flow, Vec<Sync>) {
    let mut random = Lcg(size as u64);
    let steps = (0..size)
        .map(|i| Step {
            id: format!("step-{i}"),
            sync_id: format!("sync-{i}"),
            position: Position {
                x: random.below(10_000) as f64,
                y: random.below(10_000) as f64,
            },
            pinned: random.below(20) == 0,
            enabled: random.below(50) != 0,
            failure_policy: Default::default(),
            timeout_secs: None,
        })
        .collect();

    let mut triggers = Vec::new();
    let mut upstream = vec![Vec::new(); size];
    for from in 0..size {
        let mut targets: Vec<usize> = (0..1 + random.below(4))
            .map(|_| from + 1 + random.below(50))
            .collect();
        targets.sort_unstable();
        targets.dedup();
        for to in targets.into_iter().filter(|&to| to < size) {
            triggers.push(Trigger {
                from: format!("step-{from}"),
                to: format!("step-{to}"),
                condition: Default::default(),
            });
            upstream[to].push(from);
        }
    }

    let syncs = (0..size)
        .map(|i| {
            let looked_up: Vec<usize> = match lookups {
                Lookups::Ordered => upstream[i].iter().copied().take(2).collect(),
                Lookups::Racy => [3, 6]
                    .into_iter()
                    .filter(|k| i >= *k)
                    .map(|k| i - k)
                    .collect(),
            };
            Sync {
                id: format!("sync-{i}"),
                label: format!("Sync {i}"),
                source: SyncSource {
                    connection_id: "warehouse".into(),
                    query: format!("select * from t{i}"),
                },
                // Racy lookups reach back 3 or 6 steps, which share the destination.
                destination: SyncDestination {
                    connection_id: format!("dest-{}", i % 3),
                    object: format!("object_{i}"),
                },
                operation: Operation::Upsert,
                key: "id".into(),
                lookups: looked_up
                    .into_iter()
                    .filter(|j| j % 3 == i % 3)
                    .map(|j| Lookup {
                        field: format!("object_{j}_id"),
                        object: format!("object_{j}"),
                    })
                    .collect(),
                last_run: None,
            }
        })
        .collect();

    (
        Flow {
            name: format!("generated {size}"),
            steps,
            triggers,
            ..Flow::default()
        },
        syncs,
    )
}

/// The pair (a, b) with the longest shortest path from b to a: proposing a
/// trigger from a to b closes a cycle that the check must search the most for.
fn farthest_pair(flow: &Flow) -> (String, String) {
    let index: HashMap<&str, usize> = flow
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut succ = vec![Vec::new(); flow.steps.len()];
    for trigger in &flow.triggers {
        succ[index[trigger.from.as_str()]].push(index[trigger.to.as_str()]);
    }

    let mut distance = vec![usize::MAX; flow.steps.len()];
    distance[0] = 0;
    let mut queue = VecDeque::from([0]);
    let mut farthest = 0;
    while let Some(node) = queue.pop_front() {
        farthest = node;
        for &next in &succ[node] {
            if distance[next] == usize::MAX {
                distance[next] = distance[node] + 1;
                queue.push_back(next);
            }
        }
    }
    (flow.steps[farthest].id.clone(), flow.steps[0].id.clone())
}

fn benches(c: &mut Criterion) {
    for size in [1_000, 10_000] {
        for (name, lookups) in [("ordered", Lookups::Ordered), ("racy", Lookups::Racy)] {
            let (flow, syncs) = generated(size, lookups);
            let problems = validate(&flow, &syncs);
            println!(
                "{name} flow of {size} steps: {} triggers, {} problems",
                flow.triggers.len(),
                problems.len()
            );
            c.bench_function(&format!("validate_{name}/{size}"), |b| {
                b.iter(|| validate(black_box(&flow), black_box(&syncs)))
            });
            c.bench_function(&format!("suggest_triggers_{name}/{size}"), |b| {
                b.iter(|| suggest_triggers(black_box(&flow), black_box(&syncs)))
            });
        }

        let (flow, _) = generated(size, Lookups::Ordered);
        c.bench_function(&format!("connection_check_build/{size}"), |b| {
            b.iter(|| ConnectionCheck::new(black_box(&flow)))
        });

        let check = ConnectionCheck::new(&flow);
        let (last, first) = farthest_pair(&flow);
        println!("worst cycle check: {last} -> {first}");
        // Worst case: the trigger closes a cycle through the longest path,
        // found by searching every step ranked between the two.
        c.bench_function(&format!("connection_check_cycle/{size}"), |b| {
            b.iter(|| check.check(black_box(&last), black_box(&first)))
        });
        // Common case: a forward trigger, cleared by rank alone.
        c.bench_function(&format!("connection_check_forward/{size}"), |b| {
            b.iter(|| check.check(black_box(&first), black_box(&last)))
        });

        c.bench_function(&format!("layout/{size}"), |b| {
            b.iter(|| layout(black_box(&flow), &LayoutConfig::default()))
        });
    }
}

criterion_group! {
    name = flow;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(flow);
