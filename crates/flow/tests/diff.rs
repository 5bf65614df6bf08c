//! The difference between two flows.

mod common;

use baton_flow::diff::{diff, Change, StepField};
use baton_flow::{Position, TriggerCondition, TriggerRef};
use common::{flow, step};

#[test]
fn same_flow_has_empty_diff() {
    let one = flow(&["a", "b"], &[("a", "b")]);
    assert!(diff(&one, &one.clone()).is_empty());
}

#[test]
fn added_removed_and_changed() {
    let before = flow(&["a", "b", "c"], &[("a", "b"), ("b", "c")]);
    let mut after = flow(&["a", "b", "d"], &[("a", "b"), ("b", "d")]);
    after.steps[1].enabled = false;
    after.steps[1].position = Position { x: 5.0, y: 0.0 };
    after.triggers[0].condition = TriggerCondition::OnCompletion;
    after.name = "new name".into();
    after.schedule = Some("@daily".into());

    let result = diff(&before, &after);

    assert_eq!(
        result.name,
        Some(Change {
            before: "test flow".into(),
            after: "new name".into()
        })
    );
    assert_eq!(
        result.schedule,
        Some(Change {
            before: None,
            after: Some("@daily".into())
        })
    );
    assert_eq!(result.description, None);
    assert_eq!(result.steps_added, vec!["d"]);
    assert_eq!(result.steps_removed, vec!["c"]);
    assert_eq!(result.steps_changed.len(), 1);
    assert_eq!(result.steps_changed[0].id, "b");
    assert_eq!(
        result.steps_changed[0].fields,
        vec![StepField::Position, StepField::Enabled]
    );
    assert_eq!(
        result.triggers_added,
        vec![TriggerRef {
            from: "b".into(),
            to: "d".into()
        }]
    );
    assert_eq!(
        result.triggers_removed,
        vec![TriggerRef {
            from: "b".into(),
            to: "c".into()
        }]
    );
    assert_eq!(result.triggers_changed.len(), 1);
    assert_eq!(
        result.triggers_changed[0].condition.after,
        TriggerCondition::OnCompletion
    );
}

#[test]
fn sync_change_is_a_field() {
    let before = flow(&["a"], &[]);
    let mut after = before.clone();
    after.steps[0] = step("a", "other");
    let result = diff(&before, &after);
    assert_eq!(result.steps_changed[0].fields, vec![StepField::SyncId]);
}

#[test]
fn diff_from_empty_flow() {
    let result = diff(&flow(&[], &[]), &flow(&["a", "b"], &[("a", "b")]));
    assert_eq!(result.steps_added, vec!["a", "b"]);
    assert_eq!(result.triggers_added.len(), 1);
    assert!(result.steps_removed.is_empty());
}
