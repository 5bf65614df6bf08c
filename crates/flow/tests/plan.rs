//! Stages, estimates and suggested triggers.

mod common;

use std::collections::HashMap;

use baton_flow::plan::{estimate, stages, suggest_triggers, PlanError};
use common::{flow, sync, trigger};

fn durations(pairs: &[(&str, u64)]) -> HashMap<String, u64> {
    pairs.iter().map(|(id, ms)| (id.to_string(), *ms)).collect()
}

#[test]
fn stages_of_diamond() {
    let diamond = flow(
        &["a", "b", "c", "d"],
        &[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")],
    );
    assert_eq!(
        stages(&diamond).unwrap(),
        vec![vec!["a"], vec!["b", "c"], vec!["d"]]
    );
}

#[test]
fn stages_use_longest_path() {
    // "d" waits for "c", which comes two stages after "a".
    let uneven = flow(
        &["a", "b", "c", "d"],
        &[("a", "b"), ("b", "c"), ("a", "d"), ("c", "d")],
    );
    assert_eq!(
        stages(&uneven).unwrap(),
        vec![vec!["a"], vec!["b"], vec!["c"], vec!["d"]]
    );
}

#[test]
fn stages_of_empty_and_single() {
    assert_eq!(stages(&flow(&[], &[])).unwrap(), Vec::<Vec<String>>::new());
    assert_eq!(stages(&flow(&["a"], &[])).unwrap(), vec![vec!["a"]]);
}

#[test]
fn stages_reject_cycle() {
    let looped = flow(&["a", "b", "c"], &[("a", "b"), ("b", "c"), ("c", "b")]);
    assert_eq!(
        stages(&looped),
        Err(PlanError::Cycle {
            steps: vec!["b".into(), "c".into()]
        })
    );
}

#[test]
fn estimate_follows_critical_path() {
    let diamond = flow(
        &["a", "b", "c", "d"],
        &[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")],
    );
    let result = estimate(
        &diamond,
        &durations(&[("a", 10), ("b", 50), ("c", 20), ("d", 5)]),
    )
    .unwrap();

    assert_eq!(result.total_ms, 65);
    assert_eq!(result.critical_path, vec!["a", "b", "d"]);
    assert!(result.missing.is_empty());
}

#[test]
fn estimate_reports_missing_durations() {
    let chain = flow(&["a", "b"], &[("a", "b")]);
    let result = estimate(&chain, &durations(&[("a", 10)])).unwrap();

    assert_eq!(result.total_ms, 10);
    assert_eq!(result.missing, vec!["b"]);
}

#[test]
fn estimate_skips_disabled_steps() {
    let mut chain = flow(&["a", "b"], &[("a", "b")]);
    chain.steps[1].enabled = false;
    let result = estimate(&chain, &durations(&[("a", 10)])).unwrap();

    assert_eq!(result.total_ms, 10);
    assert!(result.missing.is_empty());
}

#[test]
fn estimate_of_empty_flow() {
    let result = estimate(&flow(&[], &[]), &HashMap::new()).unwrap();
    assert_eq!(result.total_ms, 0);
    assert!(result.critical_path.is_empty());
}

fn crm() -> Vec<baton_flow::Sync> {
    vec![
        sync("accounts", "account", &[]),
        sync("contacts", "contact", &["account"]),
        sync("deals", "deal", &["account", "contact"]),
    ]
}

#[test]
fn suggests_lookup_order_without_implied() {
    let unordered = flow(&["deals", "contacts", "accounts"], &[]);
    let suggestion = suggest_triggers(&unordered, &crm());

    // accounts -> deals is implied by accounts -> contacts -> deals.
    assert_eq!(
        suggestion.triggers,
        vec![
            trigger("contacts", "deals"),
            trigger("accounts", "contacts")
        ]
    );
    assert!(suggestion.unsatisfiable.is_empty());
}

#[test]
fn suggests_nothing_when_satisfied_through_path() {
    let chain = flow(
        &["accounts", "contacts", "deals"],
        &[("accounts", "contacts"), ("contacts", "deals")],
    );
    let suggestion = suggest_triggers(&chain, &crm());
    assert!(suggestion.triggers.is_empty());
    assert!(suggestion.unsatisfiable.is_empty());
}

#[test]
fn reports_unsatisfiable_lookup() {
    let reversed = flow(&["accounts", "contacts"], &[("contacts", "accounts")]);
    let suggestion = suggest_triggers(&reversed, &crm());

    assert!(suggestion.triggers.is_empty());
    assert_eq!(suggestion.unsatisfiable.len(), 1);
    let lookup = &suggestion.unsatisfiable[0];
    assert_eq!(lookup.step, "contacts");
    assert_eq!(lookup.writer, "accounts");
    assert_eq!(lookup.field, "account_id");
    assert_eq!(lookup.path, vec!["contacts", "accounts"]);
}

#[test]
fn suggestions_make_validation_quiet() {
    let mut unordered = flow(&["deals", "contacts", "accounts"], &[]);
    let suggestion = suggest_triggers(&unordered, &crm());
    unordered.triggers.extend(suggestion.triggers);
    assert_eq!(baton_flow::validate(&unordered, &crm()), vec![]);
}
