//! The proposed-trigger check used while a connection is dragged.

mod common;

use baton_flow::connect::{ConnectError, ConnectionCheck};
use common::flow;

#[test]
fn accepts_new_forward_trigger() {
    let check = ConnectionCheck::new(&flow(&["a", "b", "c"], &[("a", "b")]));
    assert_eq!(check.check("a", "c"), Ok(()));
    assert_eq!(check.check("c", "a"), Ok(()));
    assert_eq!(check.check("b", "c"), Ok(()));
}

#[test]
fn rejects_trigger_closing_cycle() {
    let check = ConnectionCheck::new(&flow(
        &["a", "b", "c", "d"],
        &[("a", "b"), ("b", "c"), ("c", "d")],
    ));
    let refused = check.check("d", "a");

    assert_eq!(
        refused,
        Err(ConnectError::Cycle {
            from: "d".into(),
            to: "a".into(),
            path: vec!["a".into(), "b".into(), "c".into(), "d".into()],
        })
    );
    let message = refused.unwrap_err().to_string();
    assert!(
        message.contains(r#""d" -> "a" -> "b" -> "c" -> "d""#),
        "{message}"
    );
}

#[test]
fn reports_shortest_cycle() {
    let diamond = flow(
        &["a", "b", "c", "d"],
        &[("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")],
    );
    let check = ConnectionCheck::new(&diamond);
    match check.check("d", "a") {
        Err(ConnectError::Cycle { path, .. }) => assert_eq!(path, vec!["a", "d"]),
        other => panic!("expected a cycle, got {other:?}"),
    }
}

#[test]
fn rejects_self_duplicate_and_unknown() {
    let check = ConnectionCheck::new(&flow(&["a", "b"], &[("a", "b")]));
    assert_eq!(
        check.check("a", "a"),
        Err(ConnectError::SelfTrigger { step: "a".into() })
    );
    assert_eq!(
        check.check("a", "b"),
        Err(ConnectError::Duplicate {
            from: "a".into(),
            to: "b".into()
        })
    );
    assert_eq!(
        check.check("a", "z"),
        Err(ConnectError::UnknownStep { step: "z".into() })
    );
    assert_eq!(
        check.check("z", "a"),
        Err(ConnectError::UnknownStep { step: "z".into() })
    );
}

#[test]
fn works_on_flow_with_cycle() {
    // Without a topological rank the search runs unpruned.
    let looped = flow(&["a", "b", "c"], &[("a", "b"), ("b", "a"), ("b", "c")]);
    let check = ConnectionCheck::new(&looped);
    assert!(matches!(
        check.check("c", "a"),
        Err(ConnectError::Cycle { .. })
    ));
    assert_eq!(check.check("a", "c"), Ok(()));
}

#[test]
fn matches_reachability_on_chain() {
    let names: Vec<String> = (0..50).map(|i| format!("s{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let edges: Vec<(&str, &str)> = refs.windows(2).map(|w| (w[0], w[1])).collect();
    let check = ConnectionCheck::new(&flow(&refs, &edges));

    for i in 0..50 {
        for j in 0..50 {
            let result = check.check(refs[i], refs[j]);
            if i == j {
                assert!(matches!(result, Err(ConnectError::SelfTrigger { .. })));
            } else if j == i + 1 {
                assert!(matches!(result, Err(ConnectError::Duplicate { .. })));
            } else if j < i {
                assert!(
                    matches!(result, Err(ConnectError::Cycle { ref path, .. }) if path.len() == i - j + 1)
                );
            } else {
                assert_eq!(result, Ok(()), "{i} -> {j}");
            }
        }
    }
}
