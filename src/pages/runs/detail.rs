//! The run detail page: the run's status, times and totals, its steps as a
//! graph or a timeline, the per-step table, and cancel and retry.

use baton_flow::{Flow, FlowVersion, Run, RunSummary, Step};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::actions::RunActions;
use super::graph::RunGraph;
use super::live::{Link, LiveRun};
use super::steps::StepTable;
use super::timeline::Timeline;
use super::{run_href, sync_href};
use crate::api::{self, ApiError};
use crate::format::{
    count, duration_ms, elapsed_ms, local_clock, local_time, run_status_label,
    trigger_reason_label, utc_time,
};
use crate::pages::common::{CopyLinkButton, ErrorPanel, Loading};
use crate::pages::path_segment;
use crate::settings::use_settings;

/// `/runs/:run_id`. A new run id (after a retry) builds a new view, so the
/// old run's stream closes.
#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let run_id = Memo::new(move |_| params.read().get("run_id").unwrap_or_default());
    let step_id = Memo::new(move |_| params.read().get("step_id"));
    move || {
        let id = run_id.get();
        view! { <RunView run_id=id step=step_id.get()/> }
    }
}

#[component]
fn RunView(run_id: String, step: Option<String>) -> impl IntoView {
    let settings = use_settings().settings;
    let live = LiveRun::watch(run_id.clone(), settings.get_untracked());
    let what = format!("run '{run_id}'");
    let page_run_id = run_id.clone();
    // Only the arrival of the run switches this view; its updates reach the children.
    let has_run = Memo::new(move |_| live.run.with(Option::is_some));

    view! {
        <section class="page run-page" data-testid="run-page" data-run-id=page_run_id>
            {move || {
                if let Some(error) = live.load_error.get() {
                    return view! { <ErrorPanel error what=what.clone()/> }.into_any();
                }
                if !has_run.get() {
                    return view! { <Loading what=what.clone()/> }.into_any();
                }
                let missing_step = step.clone().filter(|step| {
                    live.run.with_untracked(|run| run.as_ref().is_some_and(|run| !run.step_runs.iter().any(|s| &s.step_id == step)))
                });
                match missing_step {
                    Some(step) => view! { <StepNotFound run_id=run_id.clone() step/> }.into_any(),
                    None => view! { <RunBody live highlight=step.clone()/> }.into_any(),
                }
            }}
        </section>
    }
}

/// View of the step runs: the graph or the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepView {
    Graph,
    Timeline,
}

#[component]
fn RunBody(live: LiveRun, highlight: Option<String>) -> impl IntoView {
    let summary = Memo::new(move |_| {
        live.run
            .with(|run| run.as_ref().map(|run| run.summary.clone()))
    });
    let flow_key = Memo::new(move |_| {
        summary.with(|summary| {
            summary
                .as_ref()
                .and_then(|s| Some((s.flow_id.clone()?, s.flow_version?)))
        })
    });
    let settings = use_settings().settings;
    let flow = LocalResource::new(move || {
        let key = flow_key.get();
        let settings = settings.get();
        async move {
            match key {
                Some((id, version)) => {
                    let path = format!("/flows/{}/versions/{version}", path_segment(&id));
                    api::get_json::<FlowVersion>(&settings, &path)
                        .await
                        .map(|saved| Some(saved.flow))
                }
                None => Ok::<_, ApiError>(None),
            }
        }
    });
    let shown = RwSignal::new(StepView::Graph);
    let flow_name = Signal::derive(move || {
        flow.get()
            .and_then(Result::ok)
            .flatten()
            .map(|flow| flow.name)
    });

    view! {
        {move || summary.get().map(|summary| view! { <RunHeader summary flow_name/> })}
        <RunLink live/>
        <RunActions live/>
        <div class="run-view-switch" role="tablist" aria-label="Step runs as">
            <button type="button" role="tab" class="button button-small" aria-selected=move || (shown.get() == StepView::Graph).to_string()
                on:click=move |_| shown.set(StepView::Graph)>"Graph"</button>
            <button type="button" role="tab" class="button button-small" aria-selected=move || (shown.get() == StepView::Timeline).to_string()
                on:click=move |_| shown.set(StepView::Timeline)>"Timeline"</button>
        </div>
        <Suspense fallback=|| view! { <Loading what="the flow version that ran"/> }>
            {move || flow.get().map(|result| {
                let flow = match result {
                    Ok(Some(flow)) => flow,
                    Ok(None) => single_step_flow(&live.run.read_untracked()),
                    Err(error) => return view! { <ErrorPanel error what="the flow version that ran"/> }.into_any(),
                };
                let flow = StoredValue::new(flow);
                (move || match shown.get() {
                    StepView::Graph => view! { <RunGraph flow=flow.get_value() live/> }.into_any(),
                    StepView::Timeline => view! { <Timeline flow=flow.get_value() live/> }.into_any(),
                }).into_any()
            })}
        </Suspense>
        <StepTable live highlight/>
    }
}

/// The page for a link to a step that the run does not have.
#[component]
fn StepNotFound(run_id: String, step: String) -> impl IntoView {
    view! {
        <section class="panel" data-testid="not-found">
            <h1>"Step not found in this run"</h1>
            <p>{format!("Run '{run_id}' has no step '{step}'. The flow may have changed since, or the link is wrong.")}</p>
            <a href=run_href(&run_id)>"Open the whole run"</a>
        </section>
    }
}

/// A sync run alone has no flow version: draw its one step.
fn single_step_flow(run: &Option<Run>) -> Flow {
    let steps = run
        .iter()
        .flat_map(|run| run.step_runs.iter())
        .map(|step_run| Step {
            id: step_run.step_id.clone(),
            sync_id: step_run.sync_id.clone(),
            position: Default::default(),
            pinned: false,
            enabled: true,
            failure_policy: Default::default(),
            timeout_secs: None,
        })
        .collect();
    Flow {
        name: "Sync run alone".to_string(),
        steps,
        ..Flow::default()
    }
}

/// Shows a time in the user's zone, with UTC on hover.
#[component]
pub fn Time(at: Option<chrono::DateTime<chrono::Utc>>) -> impl IntoView {
    match at {
        Some(at) => {
            view! { <time datetime=at.to_rfc3339() title=utc_time(at)>{local_time(at)}</time> }
                .into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// Shows the time of day in the user's zone, with the local date and UTC on hover.
#[component]
pub fn ClockTime(at: Option<chrono::DateTime<chrono::Utc>>) -> impl IntoView {
    match at {
        Some(at) => view! {
            <time datetime=at.to_rfc3339() title=format!("{} ({})", local_time(at), utc_time(at))>{local_clock(at)}</time>
        }
        .into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

#[component]
fn RunHeader(summary: RunSummary, flow_name: Signal<Option<String>>) -> impl IntoView {
    let status = run_status_label(summary.status);
    let subject = match (&summary.flow_id, &summary.sync_id) {
        (Some(flow_id), _) => {
            let href = format!("/flows/{}", path_segment(flow_id));
            let history = format!("/flows/{}/runs", path_segment(flow_id));
            let version = summary
                .flow_version
                .map(|v| format!(" · version {v}"))
                .unwrap_or_default();
            let id = flow_id.clone();
            let name = move || flow_name.get().unwrap_or_else(|| id.clone());
            view! { "Flow "<a href=href data-testid="run-flow-link">{name}</a>{version}" · "<a href=history>"Run history"</a> }.into_any()
        }
        (None, Some(sync_id)) => {
            view! { <a href=sync_href(sync_id)>"Sync "{sync_id.clone()}" run alone"</a> }.into_any()
        }
        (None, None) => view! { <span>"Unknown subject"</span> }.into_any(),
    };
    // An active run's duration grows between events, so it ticks every second.
    let tick = RwSignal::new(0u32);
    if summary.status.is_active() {
        if let Ok(handle) = set_interval_with_handle(
            move || tick.update(|count| *count += 1),
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    let (started_at, finished_at) = (summary.started_at, summary.finished_at);
    let duration = move || {
        tick.track();
        elapsed_ms(started_at, finished_at)
            .map(duration_ms)
            .unwrap_or_else(|| "not started".to_string())
    };
    let retry_of = summary.retry_of.clone().map(|id| view! { <dt>"Retry of"</dt><dd><a href=run_href(&id) data-testid="retry-of">{id.clone()}</a></dd> });
    let records = summary.records;

    view! {
        <header class="page-header run-header">
            <div class="page-header-row">
                <h1>"Run "<code>{summary.id.clone()}</code>" "<span class="run-status run-status-large" data-status=status data-testid="run-status">{status}</span></h1>
                <CopyLinkButton/>
            </div>
            <p class="page-lede">{subject}</p>
            <dl class="details run-facts">
                <dt>"Trigger"</dt><dd>{trigger_reason_label(summary.trigger_reason)}" by "{summary.triggered_by.clone()}</dd>
                <dt>"Created"</dt><dd><Time at=Some(summary.created_at)/></dd>
                <dt>"Started"</dt><dd><Time at=summary.started_at/></dd>
                <dt>"Finished"</dt><dd><Time at=summary.finished_at/></dd>
                <dt>"Duration"</dt><dd data-testid="run-duration">{duration}</dd>
                <dt>"Steps"</dt><dd>{format!("{} step{}, {} failed", summary.step_count, if summary.step_count == 1 { "" } else { "s" }, summary.steps_failed)}</dd>
                <dt>"Records"</dt><dd>{count(records.processed)}" processed · "{count(records.inserted)}" inserted · "{count(records.updated)}" updated · "{count(records.deleted)}" deleted · "{count(records.failed)}" failed"</dd>
                {retry_of}
            </dl>
        </header>
    }
}

/// Shows whether changes arrive live, and why not.
#[component]
fn RunLink(live: LiveRun) -> impl IntoView {
    let text = move || match live.link.get() {
        Link::Loading | Link::Connecting => "Connecting to live updates…",
        Link::Live => "Live: steps update as they run",
        Link::Reconnecting => "Connection lost: reconnecting, and checking the run every 2 s",
        Link::Polling => "Live updates unavailable: checking the run every 2 s",
        Link::Ended => "Finished",
    };
    view! {
        <p class="run-link" data-testid="run-link" data-link=move || live.link.get().label() aria-live="polite">
            <span class="run-link-dot" aria-hidden="true"></span>
            {text}
            {move || live.link_note.get().map(|note| view! { <span class="muted">" "{note}</span> })}
        </p>
    }
}
