//! A read-only drawing of a flow, for previews and version comparisons,
//! with the steps and triggers that a diff added, removed or changed marked.

use std::collections::HashMap;

use baton_flow::diff::FlowDiff;
use baton_flow::geometry::{self, STEP_HEIGHT, STEP_WIDTH};
use baton_flow::{Flow, Step, Sync};
use leptos::prelude::*;

use crate::format::truncate;

/// How a step or trigger differs from the flow it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Added,
    Removed,
    Changed,
}

impl Mark {
    fn name(self) -> &'static str {
        match self {
            Mark::Added => "added",
            Mark::Removed => "removed",
            Mark::Changed => "changed",
        }
    }
}

/// `after` with the steps and triggers of `before` that it lacks, each
/// marked, so that one drawing shows both sides of `diff` (before → after).
pub fn merged(before: &Flow, after: &Flow, diff: &FlowDiff) -> (Flow, HashMap<String, Mark>) {
    let mut flow = after.clone();
    let mut marks = HashMap::new();
    for id in &diff.steps_added {
        marks.insert(id.clone(), Mark::Added);
    }
    for change in &diff.steps_changed {
        marks.insert(change.id.clone(), Mark::Changed);
    }
    for id in &diff.steps_removed {
        if let Some(step) = before.step(id) {
            flow.steps.push(step.clone());
            marks.insert(id.clone(), Mark::Removed);
        }
    }
    for trigger in &diff.triggers_added {
        marks.insert(format!("{}->{}", trigger.from, trigger.to), Mark::Added);
    }
    for change in &diff.triggers_changed {
        marks.insert(format!("{}->{}", change.trigger.from, change.trigger.to), Mark::Changed);
    }
    for removed in &diff.triggers_removed {
        if let Some(trigger) = before.triggers.iter().find(|t| t.from == removed.from && t.to == removed.to) {
            flow.triggers.push(trigger.clone());
            marks.insert(trigger.key(), Mark::Removed);
        }
    }
    (flow, marks)
}

/// The flow drawn to fit its box. `marks` maps step ids and `FROM->TO`
/// trigger keys to how they changed.
#[component]
pub fn Diagram(flow: Flow, #[prop(optional)] syncs: Vec<Sync>, #[prop(optional)] marks: HashMap<String, Mark>) -> impl IntoView {
    let Some(bounds) = geometry::bounds(&flow) else {
        return view! { <p class="muted diagram-empty">"This flow has no steps."</p> }.into_any();
    };
    let pad = 24.0;
    let view_box = format!("{} {} {} {}", bounds.x - pad, bounds.y - pad, bounds.width + 2.0 * pad, bounds.height + 2.0 * pad);
    let labels: HashMap<&str, &str> = syncs.iter().map(|sync| (sync.id.as_str(), sync.label.as_str())).collect();

    let triggers = flow
        .triggers
        .iter()
        .filter_map(|trigger| {
            let from = flow.step(&trigger.from)?;
            let to = flow.step(&trigger.to)?;
            let key = trigger.key();
            let mark = marks.get(&key).map(|mark| mark.name());
            let mut end = geometry::in_handle(to);
            end.x -= 6.0;
            Some(view! {
                <path class="trigger-line diagram-trigger" data-trigger=key data-mark=mark
                    d=geometry::trigger_path(geometry::out_handle(from), end) marker-end="url(#diagram-arrow)"/>
            })
        })
        .collect_view();
    let steps = flow
        .steps
        .iter()
        .map(|step| {
            let label = labels.get(step.sync_id.as_str()).copied().unwrap_or(step.sync_id.as_str()).to_string();
            diagram_step(step, label, marks.get(&step.id).map(|mark| mark.name()))
        })
        .collect_view();

    view! {
        <svg class="diagram" viewBox=view_box preserveAspectRatio="xMidYMid meet" role="img" aria-label=format!("Diagram of {}", flow.name)>
            <defs>
                <marker id="diagram-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"/>
                </marker>
            </defs>
            {triggers}
            {steps}
        </svg>
    }
    .into_any()
}

fn diagram_step(step: &Step, label: String, mark: Option<&'static str>) -> impl IntoView {
    let transform = format!("translate({:.1} {:.1})", step.position.x, step.position.y);
    view! {
        <g class="step diagram-step" class:disabled=!step.enabled data-step-id=step.id.clone() data-mark=mark transform=transform>
            <rect class="step-box" width=STEP_WIDTH height=STEP_HEIGHT rx="10"/>
            <text class="step-title" x="16" y="29">{truncate(&label, 24)}</text>
            <text class="step-subtitle" x="16" y="51">{truncate(&step.id, 30)}</text>
            {mark.map(|mark| view! { <text class="diagram-mark" x=STEP_WIDTH - 12.0 y="20" text-anchor="end">{mark}</text> })}
        </g>
    }
}
