//! Properties over random flows. Validation and layout never panic, stages
//! respect every trigger, and the layout keeps pinned steps and overlaps
//! none. Every edit is undone by its inverse. Share links round-trip, and
//! random or cut strings never panic the decoder.

mod common;

use std::collections::{HashMap, HashSet};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use baton_flow::codec::{decode, encode};
use baton_flow::edit::{apply, Edit, StepMove};
use baton_flow::layout::{layout, LayoutConfig};
use baton_flow::plan::stages;
use baton_flow::{
    validate, FailureAction, FailurePolicy, Flow, Position, Severity, Step, Sync, Trigger,
    TriggerCondition,
};
use proptest::prelude::*;

/// Step ids come from a small pool so that random triggers often hit real
/// steps, and sometimes unknown or repeated ones.
const IDS: [&str; 12] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
const OBJECTS: [&str; 5] = ["account", "contact", "deal", "user", "event"];

fn catalog() -> Vec<Sync> {
    OBJECTS
        .iter()
        .enumerate()
        .map(|(i, object)| {
            let lookups: Vec<&str> = OBJECTS[..i].iter().copied().take(2).collect();
            common::sync(&format!("sync-{object}"), object, &lookups)
        })
        .collect()
}

fn condition() -> impl Strategy<Value = TriggerCondition> {
    prop_oneof![
        Just(TriggerCondition::OnSuccess),
        Just(TriggerCondition::OnCompletion)
    ]
}

fn position() -> impl Strategy<Value = Position> {
    (-5_000.0..5_000.0f64, -5_000.0..5_000.0f64).prop_map(|(x, y)| Position { x, y })
}

fn step() -> impl Strategy<Value = Step> {
    (
        prop::sample::select(IDS.to_vec()),
        prop::sample::select(OBJECTS.to_vec()),
        position(),
        any::<bool>(),
        prop::bool::weighted(0.8),
        0u32..12,
        prop::option::of(0u32..100_000),
    )
        .prop_map(
            |(id, object, position, pinned, enabled, retries, timeout_secs)| Step {
                id: id.into(),
                sync_id: format!("sync-{object}"),
                position,
                pinned,
                enabled,
                failure_policy: FailurePolicy {
                    retries,
                    on_failure: FailureAction::FailRun,
                },
                timeout_secs,
            },
        )
}

fn trigger() -> impl Strategy<Value = Trigger> {
    (
        prop::sample::select(IDS.to_vec()),
        prop::sample::select(IDS.to_vec()),
        condition(),
    )
        .prop_map(|(from, to, condition)| Trigger {
            from: from.into(),
            to: to.into(),
            condition,
        })
}

fn schedule() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        Just("0 6 * * *".to_string()),
        Just("*/15 9-17 * * mon-fri".to_string()),
        "[0-9*/ ,-]{0,16}",
    ])
}

/// Any flow: repeated ids, unknown steps, cycles and self-triggers included.
fn any_flow() -> impl Strategy<Value = Flow> {
    (
        prop::collection::vec(step(), 0..12),
        prop::collection::vec(trigger(), 0..20),
        schedule(),
        ".{0,12}",
    )
        .prop_map(|(steps, triggers, schedule, name)| Flow {
            name,
            schedule,
            steps,
            triggers,
            ..Flow::default()
        })
}

/// Generates a flow with unique ids whose triggers only point forward, so it
/// has no cycle.
fn acyclic_flow() -> impl Strategy<Value = Flow> {
    (
        any_flow(),
        prop::collection::vec((0usize..12, 0usize..12), 0..30),
    )
        .prop_map(|(mut flow, pairs)| {
            let mut seen = HashSet::new();
            flow.steps.retain(|step| seen.insert(step.id.clone()));
            let count = flow.steps.len();
            flow.triggers = pairs
                .into_iter()
                .filter(|&(from, to)| from < to && to < count)
                .map(|(from, to)| common::trigger(&flow.steps[from].id, &flow.steps[to].id))
                .collect();
            flow
        })
}

/// Generates a flow whose pinned steps sit on distinct cells of a coarse grid, so no
/// two pinned steps overlap.
fn pinned_grid_flow() -> impl Strategy<Value = Flow> {
    (any_flow(), prop::collection::vec((0i32..8, 0i32..8), 12)).prop_map(|(mut flow, cells)| {
        let mut used = HashSet::new();
        for (step, cell) in flow.steps.iter_mut().zip(cells) {
            if step.pinned && used.insert(cell) {
                step.position = Position {
                    x: f64::from(cell.0) * 250.0 - 400.0,
                    y: f64::from(cell.1) * 90.0 - 200.0,
                };
            } else {
                step.pinned = false;
            }
        }
        flow
    })
}

fn overlaps(a: Position, b: Position, config: &LayoutConfig) -> bool {
    a.x < b.x + config.node_width
        && b.x < a.x + config.node_width
        && a.y < b.y + config.node_height
        && b.y < a.y + config.node_height
}

fn id() -> impl Strategy<Value = String> {
    prop::sample::select(IDS.to_vec()).prop_map(String::from)
}

fn edit_leaf() -> impl Strategy<Value = Edit> {
    prop_oneof![
        step().prop_map(|step| Edit::AddStep { step }),
        id().prop_map(|id| Edit::RemoveStep { id }),
        (0usize..14).prop_map(|index| Edit::RemoveStepAt { index }),
        prop::collection::vec((id(), position()), 0..4).prop_map(|moves| Edit::MoveSteps {
            moves: moves
                .into_iter()
                .map(|(id, position)| StepMove { id, position })
                .collect(),
        }),
        trigger().prop_map(|trigger| Edit::Connect { trigger }),
        (id(), id()).prop_map(|(from, to)| Edit::Disconnect { from, to }),
        (0usize..22).prop_map(|index| Edit::RemoveTriggerAt { index }),
        (0usize..22, trigger())
            .prop_map(|(index, trigger)| Edit::RestoreTrigger { index, trigger }),
        (id(), id(), condition()).prop_map(|(from, to, condition)| Edit::SetCondition {
            from,
            to,
            condition
        }),
        (id(), any::<bool>()).prop_map(|(id, enabled)| Edit::SetEnabled { id, enabled }),
        (id(), any::<bool>()).prop_map(|(id, pinned)| Edit::SetPinned { id, pinned }),
        (id(), 0u32..5).prop_map(|(id, retries)| Edit::SetFailurePolicy {
            id,
            policy: FailurePolicy {
                retries,
                on_failure: FailureAction::Continue
            },
        }),
        (id(), prop::option::of(1u32..100))
            .prop_map(|(id, timeout_secs)| Edit::SetTimeout { id, timeout_secs }),
        (id(), id()).prop_map(|(id, sync_id)| Edit::SetSync { id, sync_id }),
        ".{0,8}".prop_map(|name| Edit::Rename { name }),
        ".{0,8}".prop_map(|description| Edit::SetDescription { description }),
        schedule().prop_map(|schedule| Edit::SetSchedule { schedule }),
    ]
}

fn any_edit() -> impl Strategy<Value = Edit> {
    edit_leaf().prop_recursive(2, 12, 6, |inner| {
        prop::collection::vec(inner, 0..6).prop_map(|edits| Edit::Batch { edits })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn validation_never_panics(flow in any_flow()) {
        let problems = validate(&flow, &catalog());
        let first_warning = problems.iter().position(|p| p.severity == Severity::Warning).unwrap_or(problems.len());
        prop_assert!(problems[first_warning..].iter().all(|p| p.severity == Severity::Warning));
        prop_assert_eq!(validate(&flow, &catalog()), problems);
    }

    #[test]
    fn acyclic_flow_has_no_cycle(flow in acyclic_flow()) {
        let problems = validate(&flow, &catalog());
        prop_assert!(problems.iter().all(|p| p.code != baton_flow::ProblemCode::Cycle));
    }

    #[test]
    fn stages_respect_every_trigger(flow in acyclic_flow()) {
        let stages = stages(&flow).unwrap();
        let mut stage_of: HashMap<&str, usize> = HashMap::new();
        for (index, stage) in stages.iter().enumerate() {
            prop_assert!(!stage.is_empty());
            for id in stage {
                prop_assert!(stage_of.insert(id, index).is_none(), "{} in two stages", id);
            }
        }
        prop_assert_eq!(stage_of.len(), flow.steps.len());
        for trigger in &flow.triggers {
            prop_assert!(stage_of[trigger.from.as_str()] < stage_of[trigger.to.as_str()], "{:?}", trigger);
        }
    }

    #[test]
    fn layout_keeps_pins_and_never_overlaps(flow in pinned_grid_flow()) {
        let config = LayoutConfig::default();
        let positions = layout(&flow, &config).unwrap();
        prop_assert_eq!(positions.len(), flow.steps.len());

        for (step, position) in flow.steps.iter().zip(&positions) {
            if step.pinned {
                prop_assert_eq!(*position, step.position);
            }
        }
        for i in 0..positions.len() {
            for j in 0..i {
                prop_assert!(!overlaps(positions[i], positions[j], &config), "steps {} and {} overlap: {:?} {:?}", j, i, positions[j], positions[i]);
            }
        }
    }

    #[test]
    fn layout_never_panics(flow in any_flow()) {
        let positions = layout(&flow, &LayoutConfig::default()).unwrap();
        prop_assert!(positions.iter().all(|p| p.x.is_finite() && p.y.is_finite()));
    }

    #[test]
    fn edit_then_inverse_restores(flow in any_flow(), edit in any_edit()) {
        let mut edited = flow.clone();
        match apply(&mut edited, edit) {
            Ok(inverse) => {
                apply(&mut edited, inverse).unwrap();
                prop_assert_eq!(edited, flow);
            }
            Err(_) => prop_assert_eq!(edited, flow),
        }
    }

    #[test]
    fn link_round_trips(flow in any_flow()) {
        let link = encode(&flow).unwrap();
        prop_assert_eq!(decode(&link).unwrap(), flow);
    }

    #[test]
    fn cut_link_never_panics(flow in any_flow(), cut in any::<prop::sample::Index>()) {
        let link = encode(&flow).unwrap();
        let end = cut.index(link.len());
        prop_assert!(decode(&link[..end]).is_err());
    }

    #[test]
    fn random_string_never_panics(text in ".{0,200}") {
        let _ = decode(&text);
    }

    #[test]
    fn random_link_alphabet_never_panics(text in "[A-Za-z0-9_-]{0,300}") {
        let _ = decode(&text);
    }

    #[test]
    fn framed_random_payload_never_panics(payload in prop::collection::vec(any::<u8>(), 0..400), raw in any::<bool>()) {
        // A correct header gets random bytes past the checksum, to the
        // inflater, or (compressed first) to the JSON parser.
        let payload = if raw { payload } else { miniz_oxide::deflate::compress_to_vec(&payload, 6) };
        let mut bytes = vec![baton_flow::codec::CODEC_VERSION];
        bytes.extend_from_slice(&crc32fast::hash(&payload).to_be_bytes());
        bytes.extend_from_slice(&payload);
        prop_assert!(decode(&URL_SAFE_NO_PAD.encode(bytes)).is_err());
    }
}
