//! The run's timeline (a Gantt chart): one bar per step run on a shared
//! time axis, so steps that ran in parallel overlap and the critical path,
//! the chain of triggers that decided the run's end, is outlined.

use std::collections::HashSet;

use baton_flow::{Flow, Run, StepId};
use leptos::prelude::*;

use super::live::LiveRun;
use crate::format::{duration_ms, local_time, step_run_status_label, utc_time};

/// Number of labelled ticks on the time axis, besides zero.
const TICKS: u32 = 4;

/// A bar of the chart, in milliseconds from the run's start.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    step_id: StepId,
    status: &'static str,
    start_ms: u64,
    end_ms: u64,
    critical: bool,
    title: String,
}

#[component]
pub fn Timeline(flow: Flow, live: LiveRun) -> impl IntoView {
    let chart = Memo::new(move |_| {
        live.run
            .with(|run| run.as_ref().map(|run| (bars(&flow, run), unstarted(run))))
    });

    move || {
        let Some(((bars, total_ms), waiting)) = chart.get() else {
            return view! { <p class="empty">"No run loaded."</p> }.into_any();
        };
        if bars.is_empty() {
            return view! { <p class="empty" data-testid="timeline-empty">"No step has started yet; bars appear as steps run."</p> }.into_any();
        }
        let span = total_ms.max(1) as f64;
        let ticks = (0..=TICKS)
            .map(|tick| {
                let ms = total_ms * u64::from(tick) / u64::from(TICKS);
                let left = ms as f64 / span * 100.0;
                view! { <span class="timeline-tick" style=format!("left: {left:.3}%")>{duration_ms(ms)}</span> }
            })
            .collect_view();
        let rows = bars
            .into_iter()
            .map(|bar| {
                let left = bar.start_ms as f64 / span * 100.0;
                let width = ((bar.end_ms - bar.start_ms) as f64 / span * 100.0).max(0.4);
                view! {
                    <div class="timeline-row">
                        <span class="timeline-label">{bar.step_id.clone()}</span>
                        <div class="timeline-track">
                            <div class="timeline-bar" class:critical=bar.critical data-status=bar.status data-step-id=bar.step_id.clone()
                                style=format!("left: {left:.3}%; width: {width:.3}%") title=bar.title.clone()>
                                <span class="timeline-bar-text">{duration_ms(bar.end_ms - bar.start_ms)}</span>
                            </div>
                        </div>
                    </div>
                }
            })
            .collect_view();
        let unstarted = waiting
            .into_iter()
            .map(|(step_id, status)| {
                let note = if status == "pending" || status == "queued" { format!("{status}, not started yet") } else { format!("{status}, did not start") };
                view! {
                    <div class="timeline-row" data-step-id=step_id.clone()>
                        <span class="timeline-label">{step_id.clone()}</span>
                        <div class="timeline-track"><span class="timeline-none muted">{note}</span></div>
                    </div>
                }
            })
            .collect_view();
        view! {
            <div class="timeline" data-testid="timeline">
                <div class="timeline-row timeline-axis"><span class="timeline-label muted">"Time from start"</span><div class="timeline-track">{ticks}</div></div>
                {rows}
                {unstarted}
                <p class="run-legend muted">"Bars that overlap ran in parallel. Outlined bars are the critical path: the chain of steps that decided when the run ended."</p>
            </div>
        }
        .into_any()
    }
}

/// The bars of every step run that started, in start order, and the
/// length of the axis in milliseconds.
fn bars(flow: &Flow, run: &Run) -> (Vec<Bar>, u64) {
    let now = js_sys::Date::now() as i64;
    let origin = run
        .summary
        .started_at
        .map(|at| at.timestamp_millis())
        .into_iter()
        .chain(
            run.step_runs
                .iter()
                .filter_map(|step_run| step_run.started_at.map(|at| at.timestamp_millis())),
        )
        .min();
    let Some(origin) = origin else {
        return (Vec::new(), 0);
    };

    let mut spans: Vec<(StepId, &'static str, u64, u64, String)> = run
        .step_runs
        .iter()
        .filter_map(|step_run| {
            let started = step_run.started_at?;
            let end = step_run.finished_at.map_or(now, |at| at.timestamp_millis());
            let start_ms = (started.timestamp_millis() - origin).max(0) as u64;
            let end_ms = (end - origin).max(0) as u64;
            let title = format!(
                "{}: {}, started {} ({})",
                step_run.step_id,
                step_run_status_label(step_run.status),
                local_time(started),
                utc_time(started)
            );
            Some((
                step_run.step_id.clone(),
                step_run_status_label(step_run.status),
                start_ms,
                end_ms.max(start_ms),
                title,
            ))
        })
        .collect();
    spans.sort_by_key(|span| (span.2, span.0.clone()));

    let critical = critical_path(
        flow,
        &spans
            .iter()
            .map(|span| (span.0.clone(), span.3))
            .collect::<Vec<_>>(),
    );
    let total = spans.iter().map(|span| span.3).max().unwrap_or(0);
    let bars = spans
        .into_iter()
        .map(|(step_id, status, start_ms, end_ms, title)| Bar {
            critical: critical.contains(&step_id),
            step_id,
            status,
            start_ms,
            end_ms,
            title,
        })
        .collect();
    (bars, total)
}

/// Returns the step runs that have not started, with their status.
fn unstarted(run: &Run) -> Vec<(StepId, &'static str)> {
    run.step_runs
        .iter()
        .filter(|step_run| step_run.started_at.is_none())
        .map(|step_run| {
            (
                step_run.step_id.clone(),
                step_run_status_label(step_run.status),
            )
        })
        .collect()
}

/// The steps on the chain that ended last: from the step that finished
/// last, back through the upstream step that finished last, to a step with
/// no upstream that ran.
fn critical_path(flow: &Flow, ends: &[(StepId, u64)]) -> HashSet<StepId> {
    let end_of = |id: &str| {
        ends.iter()
            .find(|(step, _)| step == id)
            .map(|(_, end)| *end)
    };
    let mut path = HashSet::new();
    let mut current = ends
        .iter()
        .max_by_key(|(_, end)| *end)
        .map(|(id, _)| id.clone());
    while let Some(id) = current {
        if !path.insert(id.clone()) {
            break;
        }
        current = flow
            .triggers
            .iter()
            .filter(|trigger| trigger.to == id)
            .filter_map(|trigger| end_of(&trigger.from).map(|end| (trigger.from.clone(), end)))
            .max_by_key(|(_, end)| *end)
            .map(|(from, _)| from);
    }
    path
}
