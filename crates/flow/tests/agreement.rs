//! Properties that compare the fast graph algorithms with plain breadth-first
//! searches: the lookup-race rule, the proposed-trigger check and the
//! suggested triggers.

mod common;

use std::collections::{HashMap, HashSet, VecDeque};

use baton_flow::connect::{ConnectError, ConnectionCheck};
use baton_flow::plan::suggest_triggers;
use baton_flow::{validate, Flow, ProblemCode, Sync};
use proptest::prelude::*;

/// Collects every step reachable from `start` along at least one trigger.
fn downstream(flow: &Flow, start: &str) -> HashSet<String> {
    let mut succ: HashMap<&str, Vec<&str>> = HashMap::new();
    for trigger in &flow.triggers {
        succ.entry(&trigger.from).or_default().push(&trigger.to);
    }
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in succ.get(node).into_iter().flatten() {
            if seen.insert(next.to_string()) {
                queue.push_back(next);
            }
        }
    }
    seen
}

/// The (reader, writer) pairs the lookup-race rule must report, from one
/// breadth-first search per writer. Step ids in these flows are unique.
fn expected_races(flow: &Flow, syncs: &[Sync]) -> Vec<(String, String)> {
    let catalog: HashMap<&str, &Sync> = syncs.iter().map(|sync| (sync.id.as_str(), sync)).collect();
    let index: HashMap<&str, usize> = flow
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| (step.id.as_str(), i))
        .collect();
    let mut succ = vec![Vec::new(); flow.steps.len()];
    for trigger in &flow.triggers {
        succ[index[trigger.from.as_str()]].push(index[trigger.to.as_str()]);
    }
    let mut below: HashMap<usize, Vec<bool>> = HashMap::new();
    let mut races = Vec::new();

    for (r, reader) in flow.steps.iter().enumerate() {
        let Some(reader_sync) = catalog.get(reader.sync_id.as_str()) else {
            continue;
        };
        for lookup in &reader_sync.lookups {
            for (w, writer) in flow.steps.iter().enumerate() {
                let writes = catalog.get(writer.sync_id.as_str()).is_some_and(|sync| {
                    sync.destination.connection_id == reader_sync.destination.connection_id
                        && sync.destination.object == lookup.object
                });
                if !writes || w == r {
                    continue;
                }
                let reached = below.entry(w).or_insert_with(|| reachable(&succ, w));
                if !reached[r] {
                    races.push((reader.id.clone(), writer.id.clone()));
                }
            }
        }
    }
    races
}

fn reachable(succ: &[Vec<usize>], start: usize) -> Vec<bool> {
    let mut seen = vec![false; succ.len()];
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in &succ[node] {
            if !std::mem::replace(&mut seen[next], true) {
                queue.push_back(next);
            }
        }
    }
    seen
}

/// Generates a long flow: each step triggers some of the next three, so paths run
/// through hundreds of steps and the quick search's budget is exceeded.
/// Every step writes one of a few objects and may look one up.
fn long_flow() -> impl Strategy<Value = (Flow, Vec<Sync>)> {
    (300usize..450)
        .prop_flat_map(|size| {
            (
                Just(size),
                prop::collection::vec(prop::bool::weighted(0.7), size * 3),
                prop::collection::vec((0usize..6, prop::option::weighted(0.05, 0usize..6)), size),
                prop::collection::vec((0usize..size, 0usize..size), 0..4),
            )
        })
        .prop_map(|(size, links, objects, back_edges)| {
            let names: Vec<String> = (0..size).map(|i| format!("s{i}")).collect();
            let mut edges: Vec<(usize, usize)> = Vec::new();
            for (k, &linked) in links.iter().enumerate() {
                let (from, to) = (k / 3, k / 3 + 1 + k % 3);
                if linked && to < size {
                    edges.push((from, to));
                }
            }
            // A few triggers backwards, so some flows have cycles.
            edges.extend(back_edges.into_iter().filter(|(from, to)| from > to));

            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let pairs: Vec<(&str, &str)> = edges.iter().map(|&(a, b)| (refs[a], refs[b])).collect();
            let flow = common::flow(&refs, &pairs);
            let syncs = objects
                .iter()
                .enumerate()
                .map(|(i, (object, lookup))| {
                    let looked_up: Vec<String> = lookup.iter().map(|o| format!("o{o}")).collect();
                    let looked_up: Vec<&str> = looked_up.iter().map(String::as_str).collect();
                    common::sync(&names[i], &format!("o{object}"), &looked_up)
                })
                .collect();
            (flow, syncs)
        })
}

fn reported_races(flow: &Flow, syncs: &[Sync]) -> Vec<(String, String)> {
    validate(flow, syncs)
        .into_iter()
        .filter(|problem| problem.code == ProblemCode::LookupRace)
        .map(|problem| (problem.steps[0].clone(), problem.steps[1].clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn lookup_races_match_plain_search((flow, syncs) in long_flow()) {
        let mut reported = reported_races(&flow, &syncs);
        let mut expected = expected_races(&flow, &syncs);
        reported.sort();
        expected.sort();
        prop_assert_eq!(reported, expected);
    }

    #[test]
    fn connection_check_matches_plain_search((flow, _) in long_flow(), picks in prop::collection::vec((0usize..600, 0usize..600), 20)) {
        let check = ConnectionCheck::new(&flow);
        let count = flow.steps.len();
        for (a, b) in picks {
            let (from, to) = (&flow.steps[a % count].id, &flow.steps[b % count].id);
            let joined = flow.triggers.iter().any(|t| &t.from == from && &t.to == to);
            match check.check(from, to) {
                Err(ConnectError::SelfTrigger { .. }) => prop_assert_eq!(from, to),
                Err(ConnectError::Duplicate { .. }) => prop_assert!(joined),
                Err(ConnectError::Cycle { path, .. }) => {
                    prop_assert!(downstream(&flow, to).contains(from));
                    prop_assert_eq!(path.first(), Some(to));
                    prop_assert_eq!(path.last(), Some(from));
                    for pair in path.windows(2) {
                        prop_assert!(flow.triggers.iter().any(|t| t.from == pair[0] && t.to == pair[1]));
                    }
                }
                Err(other) => prop_assert!(false, "unexpected {:?}", other),
                Ok(()) => {
                    prop_assert!(from != to && !joined);
                    prop_assert!(!downstream(&flow, to).contains(from));
                }
            }
        }
    }

    #[test]
    fn suggestions_remove_every_race((flow, syncs) in long_flow()) {
        let suggestion = suggest_triggers(&flow, &syncs);
        let mut ordered = flow.clone();
        ordered.triggers.extend(suggestion.triggers.iter().cloned());

        let cycles_before = validate(&flow, &syncs).iter().filter(|p| p.code == ProblemCode::Cycle).count();
        let after = validate(&ordered, &syncs);
        let cycles_after = after.iter().filter(|p| p.code == ProblemCode::Cycle).count();
        prop_assert_eq!(cycles_before, cycles_after);

        let unsatisfiable: HashSet<(String, String)> = suggestion
            .unsatisfiable
            .iter()
            .map(|lookup| (lookup.step.clone(), lookup.writer.clone()))
            .collect();
        for race in reported_races(&ordered, &syncs) {
            prop_assert!(unsatisfiable.contains(&race), "{:?} still races", race);
        }
    }
}
