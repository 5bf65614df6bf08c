//! Edits and their inverses.

mod common;

use baton_flow::edit::{apply, Edit, EditError, StepMove};
use baton_flow::{FailureAction, FailurePolicy, Position, TriggerCondition};
use common::{flow, step, trigger};

fn sample() -> baton_flow::Flow {
    flow(&["a", "b", "c"], &[("a", "b"), ("b", "c"), ("a", "c")])
}

/// Applies `edit`, checks the flow changed as `check` expects, then undoes it.
fn round_trip(edit: Edit, check: impl Fn(&baton_flow::Flow)) {
    let original = sample();
    let mut edited = original.clone();
    let inverse = apply(&mut edited, edit).unwrap();
    check(&edited);
    apply(&mut edited, inverse).unwrap();
    assert_eq!(edited, original);
}

#[test]
fn add_and_remove_step() {
    round_trip(
        Edit::AddStep {
            step: step("d", "d"),
        },
        |f| assert_eq!(f.steps.len(), 4),
    );
    round_trip(Edit::RemoveStep { id: "b".into() }, |f| {
        assert_eq!(f.steps.len(), 2);
        assert_eq!(f.triggers, vec![trigger("a", "c")]);
    });
}

#[test]
fn add_step_keeps_dangling_triggers_on_undo() {
    let mut dangling = flow(&["a"], &[("a", "ghost")]);
    let original = dangling.clone();
    let inverse = apply(
        &mut dangling,
        Edit::AddStep {
            step: step("ghost", "g"),
        },
    )
    .unwrap();
    apply(&mut dangling, inverse).unwrap();
    assert_eq!(dangling, original);
}

#[test]
fn connect_and_disconnect() {
    round_trip(
        Edit::Connect {
            trigger: trigger("c", "a"),
        },
        |f| assert_eq!(f.triggers.len(), 4),
    );
    round_trip(
        Edit::Disconnect {
            from: "b".into(),
            to: "c".into(),
        },
        |f| assert_eq!(f.triggers.len(), 2),
    );
}

#[test]
fn setters_round_trip() {
    let edits = [
        Edit::SetCondition {
            from: "a".into(),
            to: "b".into(),
            condition: TriggerCondition::OnCompletion,
        },
        Edit::SetEnabled {
            id: "b".into(),
            enabled: false,
        },
        Edit::SetPinned {
            id: "b".into(),
            pinned: true,
        },
        Edit::SetFailurePolicy {
            id: "b".into(),
            policy: FailurePolicy {
                retries: 2,
                on_failure: FailureAction::Continue,
            },
        },
        Edit::SetTimeout {
            id: "b".into(),
            timeout_secs: Some(60),
        },
        Edit::SetSync {
            id: "b".into(),
            sync_id: "other".into(),
        },
        Edit::Rename {
            name: "renamed".into(),
        },
        Edit::SetDescription {
            description: "about".into(),
        },
        Edit::SetSchedule {
            schedule: Some("0 6 * * *".into()),
        },
    ];
    for edit in edits {
        let expected = edit.clone();
        round_trip(edit, |f| {
            assert_ne!(f, &sample(), "{expected:?} changed nothing")
        });
    }
}

#[test]
fn move_same_step_twice() {
    let moves = vec![
        StepMove {
            id: "a".into(),
            position: Position { x: 1.0, y: 1.0 },
        },
        StepMove {
            id: "a".into(),
            position: Position { x: 2.0, y: 2.0 },
        },
    ];
    round_trip(Edit::MoveSteps { moves }, |f| {
        assert_eq!(f.steps[0].position, Position { x: 2.0, y: 2.0 })
    });
}

#[test]
fn invalid_edits_leave_flow_unchanged() {
    let cases = [
        (
            Edit::AddStep {
                step: step("a", "a"),
            },
            EditError::DuplicateStepId { id: "a".into() },
        ),
        (
            Edit::RemoveStep { id: "z".into() },
            EditError::UnknownStep { id: "z".into() },
        ),
        (
            Edit::Connect {
                trigger: trigger("a", "z"),
            },
            EditError::UnknownStep { id: "z".into() },
        ),
        (
            Edit::Connect {
                trigger: trigger("a", "a"),
            },
            EditError::SelfTrigger { id: "a".into() },
        ),
        (
            Edit::Connect {
                trigger: trigger("a", "b"),
            },
            EditError::DuplicateTrigger {
                from: "a".into(),
                to: "b".into(),
            },
        ),
        (
            Edit::Disconnect {
                from: "c".into(),
                to: "a".into(),
            },
            EditError::UnknownTrigger {
                from: "c".into(),
                to: "a".into(),
            },
        ),
        (
            Edit::RemoveTriggerAt { index: 3 },
            EditError::IndexOutOfRange {
                index: 3,
                len: 3,
                what: "triggers",
            },
        ),
        (
            Edit::SetEnabled {
                id: "z".into(),
                enabled: false,
            },
            EditError::UnknownStep { id: "z".into() },
        ),
        (
            Edit::MoveSteps {
                moves: vec![
                    StepMove {
                        id: "a".into(),
                        position: Position { x: 9.0, y: 9.0 },
                    },
                    StepMove {
                        id: "z".into(),
                        position: Position::default(),
                    },
                ],
            },
            EditError::UnknownStep { id: "z".into() },
        ),
    ];
    for (edit, expected) in cases {
        let mut edited = sample();
        assert_eq!(apply(&mut edited, edit), Err(expected));
        assert_eq!(edited, sample());
    }
}

#[test]
fn failed_batch_rolls_back() {
    let mut edited = sample();
    let batch = Edit::Batch {
        edits: vec![
            Edit::AddStep {
                step: step("d", "d"),
            },
            Edit::Connect {
                trigger: trigger("c", "d"),
            },
            Edit::Connect {
                trigger: trigger("d", "nowhere"),
            },
        ],
    };
    let result = apply(&mut edited, batch);

    assert!(
        matches!(result, Err(EditError::InBatch { index: 2, .. })),
        "{result:?}"
    );
    assert_eq!(edited, sample());
}

#[test]
fn batch_round_trips() {
    let batch = Edit::Batch {
        edits: vec![
            Edit::AddStep {
                step: step("d", "d"),
            },
            Edit::Connect {
                trigger: trigger("c", "d"),
            },
            Edit::RemoveStep { id: "a".into() },
        ],
    };
    round_trip(batch, |f| {
        assert_eq!(f.steps.len(), 3);
        assert_eq!(f.triggers, vec![trigger("b", "c"), trigger("c", "d")]);
    });
}

#[test]
fn edit_serializes_with_type_tag() {
    let json = serde_json::to_string(&Edit::SetEnabled {
        id: "a".into(),
        enabled: false,
    })
    .unwrap();
    assert_eq!(json, r#"{"type":"set_enabled","id":"a","enabled":false}"#);
    let back: Edit = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back,
        Edit::SetEnabled {
            id: "a".into(),
            enabled: false
        }
    );
}
