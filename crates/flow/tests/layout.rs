//! The layered layout.

mod common;

use baton_flow::layout::{layout, layout_edit, LayoutConfig, LayoutError};
use baton_flow::{edit, Position};
use common::flow;

fn overlaps(a: Position, b: Position, config: &LayoutConfig) -> bool {
    a.x < b.x + config.node_width
        && b.x < a.x + config.node_width
        && a.y < b.y + config.node_height
        && b.y < a.y + config.node_height
}

#[test]
fn chain_goes_left_to_right() {
    let config = LayoutConfig::default();
    let positions = layout(&flow(&["a", "b", "c"], &[("a", "b"), ("b", "c")]), &config).unwrap();

    assert_eq!(positions[0].x, 0.0);
    assert!(positions[1].x > positions[0].x);
    assert!(positions[2].x > positions[1].x);
    assert_eq!(positions[0].y, positions[2].y);
}

#[test]
fn diamond_middle_shares_column() {
    let config = LayoutConfig::default();
    let diamond = flow(
        &["a", "b", "c", "d"],
        &[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")],
    );
    let positions = layout(&diamond, &config).unwrap();

    assert_eq!(positions[1].x, positions[2].x);
    assert_ne!(positions[1].y, positions[2].y);
    assert!(!overlaps(positions[1], positions[2], &config));
    assert!(positions[3].x > positions[1].x);
}

#[test]
fn crossing_reduction_untangles() {
    // a1 -> b2 and a2 -> b1 cross in input order; the layout uncrosses them.
    let crossed = flow(&["a1", "a2", "b1", "b2"], &[("a1", "b2"), ("a2", "b1")]);
    let positions = layout(&crossed, &LayoutConfig::default()).unwrap();
    let a1_above_a2 = positions[0].y < positions[1].y;
    let b2_above_b1 = positions[3].y < positions[2].y;
    assert_eq!(a1_above_a2, b2_above_b1);
}

#[test]
fn pinned_step_keeps_position() {
    let config = LayoutConfig::default();
    let mut pinned = flow(&["a", "b", "c"], &[("a", "b"), ("a", "c")]);
    // Pin "b" exactly where "c" would go, so "c" must move out of its way.
    let free = layout(&pinned, &config).unwrap();
    pinned.steps[1].pinned = true;
    pinned.steps[1].position = free[2];
    let positions = layout(&pinned, &config).unwrap();

    assert_eq!(positions[1], free[2]);
    for i in 0..3 {
        for j in 0..i {
            assert!(
                !overlaps(positions[i], positions[j], &config),
                "{i} and {j} overlap"
            );
        }
    }
}

#[test]
fn cycle_and_bad_triggers_do_not_stop_layout() {
    let broken = flow(
        &["a", "b", "c"],
        &[
            ("a", "b"),
            ("b", "c"),
            ("c", "a"),
            ("a", "a"),
            ("a", "ghost"),
        ],
    );
    let positions = layout(&broken, &LayoutConfig::default()).unwrap();
    assert_eq!(positions.len(), 3);
}

#[test]
fn empty_and_single_flow() {
    assert_eq!(
        layout(&flow(&[], &[]), &LayoutConfig::default()).unwrap(),
        vec![]
    );
    assert_eq!(
        layout(&flow(&["a"], &[]), &LayoutConfig::default()).unwrap(),
        vec![Position { x: 0.0, y: 0.0 }]
    );
}

#[test]
fn invalid_config_is_rejected() {
    let config = LayoutConfig {
        node_width: f64::NAN,
        ..LayoutConfig::default()
    };
    assert!(matches!(
        layout(&flow(&["a"], &[]), &config),
        Err(LayoutError::InvalidConfig {
            name: "node_width",
            ..
        })
    ));
    let config = LayoutConfig {
        node_gap: -1.0,
        ..LayoutConfig::default()
    };
    assert!(matches!(
        layout(&flow(&["a"], &[]), &config),
        Err(LayoutError::InvalidConfig {
            name: "node_gap",
            ..
        })
    ));
}

#[test]
fn layout_edit_undoes() {
    let mut chain = flow(&["a", "b"], &[("a", "b")]);
    chain.steps[0].position = Position { x: 500.0, y: 500.0 };
    let original = chain.clone();

    let layout_move = layout_edit(&chain, &LayoutConfig::default()).unwrap();
    let undo = edit::apply(&mut chain, layout_move).unwrap();
    assert_eq!(chain.steps[0].position, Position { x: 0.0, y: 0.0 });

    edit::apply(&mut chain, undo).unwrap();
    assert_eq!(chain, original);
}
