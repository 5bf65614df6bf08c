//! Each validation rule against a minimal flow, including the hard cases.

mod common;

use baton_flow::limits::{MAX_NAME_CHARS, MAX_STEPS, MAX_STEP_ID_CHARS};
use baton_flow::{validate, Problem, ProblemCode, Severity, TriggerCondition, TriggerRef};
use common::{flow, plain_syncs, step, sync, sync_in, trigger};

fn codes(problems: &[Problem]) -> Vec<ProblemCode> {
    problems.iter().map(|problem| problem.code).collect()
}

fn only(problems: &[Problem], code: ProblemCode) -> Vec<&Problem> {
    problems
        .iter()
        .filter(|problem| problem.code == code)
        .collect()
}

fn pair(from: &str, to: &str) -> TriggerRef {
    TriggerRef {
        from: from.into(),
        to: to.into(),
    }
}

#[test]
fn empty_flow_is_valid() {
    assert_eq!(validate(&flow(&[], &[]), &[]), vec![]);
}

#[test]
fn one_step_is_valid() {
    let problems = validate(&flow(&["a"], &[]), &plain_syncs(&["a"]));
    assert_eq!(problems, vec![]);
}

#[test]
fn diamond_is_valid() {
    let diamond = flow(
        &["a", "b", "c", "d"],
        &[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")],
    );
    let problems = validate(&diamond, &plain_syncs(&["a", "b", "c", "d"]));
    assert_eq!(problems, vec![]);
}

#[test]
fn cycle_lists_steps_in_order() {
    // The triggers are listed out of order; the cycle is reported as walked.
    let looped = flow(&["a", "b", "c"], &[("c", "a"), ("b", "c"), ("a", "b")]);
    let problems = validate(&looped, &plain_syncs(&["a", "b", "c"]));

    assert_eq!(codes(&problems), vec![ProblemCode::Cycle]);
    assert_eq!(problems[0].steps, vec!["a", "b", "c"]);
    assert_eq!(
        problems[0].triggers,
        vec![pair("a", "b"), pair("b", "c"), pair("c", "a")]
    );
    assert!(
        problems[0].message.contains(r#""a" -> "b" -> "c" -> "a""#),
        "{}",
        problems[0].message
    );
}

#[test]
fn two_independent_cycles_reported_once_each() {
    let looped = flow(
        &["a", "b", "c", "d", "e", "f"],
        &[
            ("a", "b"),
            ("b", "a"),
            ("c", "d"),
            ("d", "e"),
            ("e", "c"),
            ("b", "f"),
            ("e", "f"),
        ],
    );
    let problems = validate(&looped, &plain_syncs(&["a", "b", "c", "d", "e", "f"]));

    let cycles = only(&problems, ProblemCode::Cycle);
    assert_eq!(cycles.len(), 2);
    assert_eq!(cycles[0].steps, vec!["a", "b"]);
    assert_eq!(cycles[1].steps, vec!["c", "d", "e"]);
}

#[test]
fn cycle_through_disabled_step_counts() {
    let mut looped = flow(&["a", "b", "c"], &[("a", "b"), ("b", "c"), ("c", "a")]);
    looped.steps[1].enabled = false;
    let problems = validate(&looped, &plain_syncs(&["a", "b", "c"]));

    let cycles = only(&problems, ProblemCode::Cycle);
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].steps, vec!["a", "b", "c"]);
}

#[test]
fn shared_step_cycles_reported_as_one() {
    // Two cycles through "a" form one tangle: one problem names the shorter
    // cycle and counts the other steps.
    let looped = flow(
        &["a", "b", "c", "d"],
        &[("a", "b"), ("b", "a"), ("a", "c"), ("c", "d"), ("d", "a")],
    );
    let problems = validate(&looped, &plain_syncs(&["a", "b", "c", "d"]));

    let cycles = only(&problems, ProblemCode::Cycle);
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].steps, vec!["a", "b"]);
    assert!(
        cycles[0].message.contains("2 more steps"),
        "{}",
        cycles[0].message
    );
}

#[test]
fn self_trigger_is_an_error() {
    let looped = flow(&["a"], &[("a", "a")]);
    let problems = validate(&looped, &plain_syncs(&["a"]));

    assert_eq!(codes(&problems), vec![ProblemCode::SelfTrigger]);
    assert_eq!(problems[0].steps, vec!["a"]);
    assert_eq!(problems[0].triggers, vec![pair("a", "a")]);
}

#[test]
fn duplicate_trigger_reported_once() {
    let mut twice = flow(&["a", "b"], &[("a", "b"), ("a", "b"), ("a", "b")]);
    twice.triggers[1].condition = TriggerCondition::OnCompletion;
    let problems = validate(&twice, &plain_syncs(&["a", "b"]));

    assert_eq!(codes(&problems), vec![ProblemCode::DuplicateTrigger]);
    assert!(
        problems[0].message.starts_with("3 triggers"),
        "{}",
        problems[0].message
    );
}

#[test]
fn trigger_to_unknown_step() {
    let dangling = flow(&["a"], &[("a", "ghost")]);
    let problems = validate(&dangling, &plain_syncs(&["a"]));

    assert_eq!(codes(&problems), vec![ProblemCode::UnknownStep]);
    assert_eq!(problems[0].steps, vec!["a"]);
    assert!(
        problems[0].message.contains(r#"step "ghost""#),
        "{}",
        problems[0].message
    );
}

#[test]
fn duplicate_step_id_reported_once() {
    let mut doubled = flow(&["a", "b"], &[("a", "b")]);
    doubled.steps.push(step("a", "b"));
    let problems = validate(&doubled, &plain_syncs(&["a", "b"]));

    let duplicates = only(&problems, ProblemCode::DuplicateStepId);
    assert_eq!(duplicates.len(), 1);
    assert_eq!(duplicates[0].steps, vec!["a"]);
}

#[test]
fn step_with_unknown_sync() {
    let problems = validate(&flow(&["a"], &[]), &[]);
    assert_eq!(codes(&problems), vec![ProblemCode::UnknownSync]);
    assert!(problems[0].message.contains("not in the catalog"));
}

#[test]
fn too_many_steps() {
    let names: Vec<String> = (0..=MAX_STEPS).map(|i| format!("s{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut big = flow(&refs, &[]);
    for step in &mut big.steps {
        step.sync_id = "a".into();
    }
    let problems = validate(&big, &plain_syncs(&["a"]));

    // Beyond the limit, the warnings (unconnected, duplicate sync) are skipped.
    assert_eq!(codes(&problems), vec![ProblemCode::LimitExceeded]);
    assert!(
        problems[0].message.contains("10001 steps"),
        "{}",
        problems[0].message
    );
}

#[test]
fn name_and_step_id_limits() {
    let mut bad = flow(&["a"], &[]);
    bad.name = " ".into();
    bad.steps[0].id = "x".repeat(MAX_STEP_ID_CHARS + 1);
    let problems = validate(&bad, &plain_syncs(&["a"]));
    assert_eq!(
        codes(&problems),
        vec![ProblemCode::LimitExceeded, ProblemCode::LimitExceeded]
    );

    bad.name = "n".repeat(MAX_NAME_CHARS + 1);
    bad.steps[0].id = String::new();
    let problems = validate(&bad, &plain_syncs(&["a"]));
    assert_eq!(
        codes(&problems),
        vec![ProblemCode::LimitExceeded, ProblemCode::LimitExceeded]
    );
    assert!(
        problems[0].message.contains("201 characters"),
        "{}",
        problems[0].message
    );
}

#[test]
fn retries_and_timeout_limits() {
    let mut bad = flow(&["a", "b"], &[("a", "b")]);
    bad.steps[0].failure_policy.retries = 11;
    bad.steps[1].timeout_secs = Some(0);
    let problems = validate(&bad, &plain_syncs(&["a", "b"]));

    assert_eq!(
        codes(&problems),
        vec![ProblemCode::LimitExceeded, ProblemCode::LimitExceeded]
    );
    assert_eq!(problems[0].steps, vec!["a"]);
    assert_eq!(problems[1].steps, vec!["b"]);
}

#[test]
fn invalid_position() {
    let mut bad = flow(&["a"], &[]);
    bad.steps[0].position.x = f64::NAN;
    let problems = validate(&bad, &plain_syncs(&["a"]));
    assert_eq!(codes(&problems), vec![ProblemCode::InvalidPosition]);
}

#[test]
fn malformed_schedule() {
    let mut scheduled = flow(&["a"], &[]);
    scheduled.schedule = Some("0 25 * * *".into());
    let problems = validate(&scheduled, &plain_syncs(&["a"]));

    assert_eq!(codes(&problems), vec![ProblemCode::InvalidSchedule]);
    assert!(
        problems[0].message.contains("hour field `25`"),
        "{}",
        problems[0].message
    );

    scheduled.schedule = Some("*/30 6-18 * * mon-fri".into());
    assert_eq!(validate(&scheduled, &plain_syncs(&["a"])), vec![]);
}

fn crm_syncs() -> Vec<baton_flow::Sync> {
    vec![
        sync("accounts", "account", &[]),
        sync("contacts", "contact", &["account"]),
        sync("deals", "deal", &["account", "contact"]),
    ]
}

#[test]
fn lookup_race_without_trigger() {
    let unordered = flow(&["accounts", "contacts"], &[]);
    let problems = validate(&unordered, &crm_syncs());

    let races = only(&problems, ProblemCode::LookupRace);
    assert_eq!(races.len(), 1);
    assert_eq!(races[0].severity, Severity::Warning);
    assert_eq!(races[0].steps, vec!["contacts", "accounts"]);
    assert!(races[0]
        .message
        .contains(r#"Add a trigger from "accounts" to "contacts""#));
}

#[test]
fn lookup_race_when_order_reversed() {
    let reversed = flow(&["accounts", "contacts"], &[("contacts", "accounts")]);
    let problems = validate(&reversed, &crm_syncs());
    assert_eq!(codes(&problems), vec![ProblemCode::LookupRace]);
}

#[test]
fn lookup_satisfied_by_direct_trigger() {
    let ordered = flow(&["accounts", "contacts"], &[("accounts", "contacts")]);
    assert_eq!(validate(&ordered, &crm_syncs()), vec![]);
}

#[test]
fn lookup_satisfied_through_longer_path() {
    // deals looks up account and contact; account reaches deals only via contacts.
    let chain = flow(
        &["accounts", "contacts", "deals"],
        &[("accounts", "contacts"), ("contacts", "deals")],
    );
    assert_eq!(validate(&chain, &crm_syncs()), vec![]);
}

#[test]
fn lookup_satisfied_through_disabled_step() {
    let mut chain = flow(
        &["accounts", "contacts", "deals"],
        &[("accounts", "contacts"), ("contacts", "deals")],
    );
    chain.steps[1].enabled = false;
    let problems = validate(&chain, &crm_syncs());
    assert_eq!(codes(&problems), vec![ProblemCode::DisabledStepCutsPath]);
}

#[test]
fn lookup_in_other_connection_is_no_race() {
    let syncs = vec![
        sync("accounts", "account", &[]),
        sync_in("billing", "customers", "customer", &["account"]),
    ];
    let problems = validate(&flow(&["accounts", "customers"], &[]), &syncs);
    assert_eq!(
        codes(&problems),
        vec![ProblemCode::UnconnectedStep, ProblemCode::UnconnectedStep]
    );
}

#[test]
fn lookup_race_per_writer() {
    let syncs = vec![
        sync("accounts", "account", &[]),
        sync("accounts_eu", "account", &[]),
        sync("contacts", "contact", &["account"]),
    ];
    let half = flow(
        &["accounts", "accounts_eu", "contacts"],
        &[("accounts", "contacts")],
    );
    let problems = validate(&half, &syncs);

    let races = only(&problems, ProblemCode::LookupRace);
    assert_eq!(races.len(), 1);
    assert_eq!(races[0].steps, vec!["contacts", "accounts_eu"]);
}

#[test]
fn same_sync_twice() {
    let mut twice = flow(&["a", "b"], &[("a", "b")]);
    twice.steps[1].sync_id = "a".into();
    let problems = validate(&twice, &plain_syncs(&["a"]));

    assert_eq!(codes(&problems), vec![ProblemCode::DuplicateSync]);
    assert_eq!(problems[0].steps, vec!["a", "b"]);
}

#[test]
fn unconnected_step() {
    let problems = validate(
        &flow(&["a", "b", "c"], &[("a", "b")]),
        &plain_syncs(&["a", "b", "c"]),
    );
    assert_eq!(codes(&problems), vec![ProblemCode::UnconnectedStep]);
    assert_eq!(problems[0].steps, vec!["c"]);
}

#[test]
fn disabled_step_cutting_path() {
    let mut chain = flow(&["a", "d", "c"], &[("a", "d"), ("d", "c")]);
    chain.steps[1].enabled = false;
    let problems = validate(&chain, &plain_syncs(&["a", "d", "c"]));

    assert_eq!(codes(&problems), vec![ProblemCode::DisabledStepCutsPath]);
    assert_eq!(problems[0].steps, vec!["d", "c"]);
    assert_eq!(problems[0].triggers, vec![pair("a", "d"), pair("d", "c")]);
}

#[test]
fn disabled_step_with_bypass() {
    let mut diamond = flow(
        &["a", "b", "d", "c"],
        &[("a", "b"), ("a", "d"), ("b", "c"), ("d", "c")],
    );
    diamond.steps[2].enabled = false;
    assert_eq!(
        validate(&diamond, &plain_syncs(&["a", "b", "d", "c"])),
        vec![]
    );
}

#[test]
fn disabled_step_at_the_edge() {
    // A disabled first or last step cuts no path between other steps.
    let mut chain = flow(&["a", "b"], &[("a", "b")]);
    chain.steps[0].enabled = false;
    assert_eq!(validate(&chain, &plain_syncs(&["a", "b"])), vec![]);
}

#[test]
fn errors_come_first() {
    let mut mixed = flow(&["a", "b", "c"], &[("a", "b")]);
    mixed.schedule = Some("nope".into());
    let problems = validate(&mixed, &plain_syncs(&["a", "b", "c"]));

    assert_eq!(
        codes(&problems),
        vec![ProblemCode::InvalidSchedule, ProblemCode::UnconnectedStep]
    );
    assert!(problems[0].is_error());
    assert!(!problems[1].is_error());
}

#[test]
fn every_problem_at_once_in_stable_order() {
    let mut broken = flow(
        &["a", "b", "c", "d"],
        &[("a", "a"), ("b", "c"), ("c", "b"), ("a", "ghost")],
    );
    broken.triggers.push(trigger("b", "c"));
    broken.steps[3].sync_id = "missing".into();
    let syncs = plain_syncs(&["a", "b", "c"]);
    let problems = validate(&broken, &syncs);

    assert_eq!(
        codes(&problems),
        vec![
            ProblemCode::SelfTrigger,
            ProblemCode::UnknownStep,
            ProblemCode::DuplicateTrigger,
            ProblemCode::Cycle,
            ProblemCode::UnknownSync,
            // "a" has only its self-trigger and the dangling one; "d" has none.
            ProblemCode::UnconnectedStep,
            ProblemCode::UnconnectedStep,
        ]
    );
    assert_eq!(validate(&broken, &syncs), problems);
}

#[test]
fn lookup_through_very_long_path() {
    // Paths longer than the quick search's budget are decided by the bit-set
    // pass: "accounts" reaches "contacts" through 600 steps, while
    // "accounts_eu" only leads into a dead-end chain of 400.
    let chain: Vec<String> = (0..600).map(|i| format!("s{i}")).collect();
    let dead_end: Vec<String> = (0..400).map(|i| format!("e{i}")).collect();
    let mut names: Vec<&str> = vec!["accounts", "accounts_eu", "contacts"];
    names.extend(chain.iter().map(String::as_str));
    names.extend(dead_end.iter().map(String::as_str));

    let mut edges: Vec<(&str, &str)> = vec![
        ("accounts", "s0"),
        ("s599", "contacts"),
        ("accounts_eu", "e0"),
    ];
    edges.extend(chain.windows(2).map(|w| (w[0].as_str(), w[1].as_str())));
    edges.extend(dead_end.windows(2).map(|w| (w[0].as_str(), w[1].as_str())));
    let long = flow(&names, &edges);

    let mut syncs = plain_syncs(&names[3..]);
    syncs.push(sync("accounts", "account", &[]));
    syncs.push(sync("accounts_eu", "account", &[]));
    syncs.push(sync("contacts", "contact", &["account"]));
    let problems = validate(&long, &syncs);

    let races = only(&problems, ProblemCode::LookupRace);
    assert_eq!(races.len(), 1, "{races:?}");
    assert_eq!(races[0].steps, vec!["contacts", "accounts_eu"]);
}
