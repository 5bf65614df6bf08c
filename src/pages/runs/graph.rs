//! The flow version that ran, drawn read-only, with each step colored by
//! its step run's status and showing its record counts.

use std::collections::HashMap;

use baton_flow::geometry::{
    bounds, in_handle, out_handle, step_rect, trigger_path, STEP_HEIGHT, STEP_WIDTH,
};
use baton_flow::{Flow, StepRun, TriggerCondition};
use leptos::prelude::*;

use super::live::LiveRun;
use crate::format::{count, step_run_status_label, truncate};

/// Canvas units around the flow inside the drawing.
const PADDING: f64 = 24.0;

#[component]
pub fn RunGraph(flow: Flow, live: LiveRun) -> impl IntoView {
    let Some(area) = bounds(&flow) else {
        return view! { <p class="empty">"This run has no steps to draw."</p> }.into_any();
    };
    let view_box = format!(
        "{} {} {} {}",
        area.x - PADDING,
        area.y - PADDING,
        area.width + 2.0 * PADDING,
        area.height + 2.0 * PADDING
    );
    let height = (area.height + 2.0 * PADDING).min(520.0);
    let step_runs = Memo::new(move |_| {
        live.run.with(|run| {
            run.as_ref()
                .map(|run| {
                    run.step_runs
                        .iter()
                        .map(|step_run| (step_run.step_id.clone(), step_run.clone()))
                        .collect::<HashMap<_, _>>()
                })
                .unwrap_or_default()
        })
    });

    let triggers = flow
        .triggers
        .iter()
        .filter_map(|trigger| {
            let from = flow.step(&trigger.from)?;
            let to = flow.step(&trigger.to)?;
            let condition = match trigger.condition {
                TriggerCondition::OnSuccess => "on_success",
                TriggerCondition::OnCompletion => "on_completion",
            };
            Some(view! {
                <path class="run-trigger" data-condition=condition data-trigger=trigger.key() d=trigger_path(out_handle(from), in_handle(to)) marker-end="url(#run-arrow)"/>
            })
        })
        .collect_view();
    let steps = flow
        .steps
        .iter()
        .map(|step| {
            let rect = step_rect(step);
            let id = step.id.clone();
            let sync_id = step.sync_id.clone();
            let step_run = Memo::new(move |_| step_runs.with(|runs| runs.get(&id).cloned()));
            view! {
                <g class="run-step" transform=format!("translate({} {})", rect.x, rect.y) data-step-id=step.id.clone()
                    data-status=move || step_run.with(|run| run.as_ref().map_or("not_run", |run| step_run_status_label(run.status)))>
                    <title>{format!("{} ({})", step.id, step.sync_id)}</title>
                    <rect class="run-step-box" width=STEP_WIDTH height=STEP_HEIGHT rx="10"/>
                    <text class="run-step-title" x="14" y="22">{truncate(&step.id, 24)}</text>
                    <text class="run-step-status" x="14" y="42">{move || status_line(step_run.get().as_ref(), &sync_id)}</text>
                    <text class="run-step-counts" x="14" y="60" data-testid="step-counts">{move || counts_line(step_run.get().as_ref())}</text>
                </g>
            }
        })
        .collect_view();

    view! {
        <div class="run-graph" data-testid="run-graph">
            <svg viewBox=view_box width="100%" height=height preserveAspectRatio="xMidYMid meet" role="img" aria-label="Steps of the run, colored by status">
                <defs>
                    <marker id="run-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"/>
                    </marker>
                </defs>
                <g>{triggers}</g>
                <g>{steps}</g>
            </svg>
            <p class="run-legend muted">"Solid arrows run on success; dashed arrows run on completion, whatever the outcome."</p>
        </div>
    }
    .into_any()
}

fn status_line(step_run: Option<&StepRun>, sync_id: &str) -> String {
    match step_run {
        Some(run) if run.attempt > 1 => format!(
            "{} · attempt {}",
            step_run_status_label(run.status),
            run.attempt
        ),
        Some(run) => format!(
            "{} · {}",
            step_run_status_label(run.status),
            truncate(sync_id, 18)
        ),
        None => format!("not in this run · {}", truncate(sync_id, 14)),
    }
}

fn counts_line(step_run: Option<&StepRun>) -> String {
    match step_run {
        Some(run) if run.records.processed > 0 || run.records.failed > 0 => {
            format!(
                "{} processed · {} failed",
                count(run.records.processed),
                count(run.records.failed)
            )
        }
        // A step that failed before writing anything shows the start of its error instead.
        Some(StepRun {
            error: Some(error), ..
        }) => truncate(error, 28),
        Some(_) | None => String::new(),
    }
}
