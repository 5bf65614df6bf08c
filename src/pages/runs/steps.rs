//! The per-step table of a run: status, times, record counts, the error,
//! and the rejected records with their reasons.

use baton_flow::{RejectedRecord, StepRun};
use leptos::prelude::*;

use super::detail::ClockTime;
use super::live::LiveRun;
use crate::format::{count, duration_ms, elapsed_ms, step_run_status_label};

#[component]
pub fn StepTable(live: LiveRun, highlight: Option<String>) -> impl IntoView {
    let step_ids = Memo::new(move |_| {
        live.run.with(|run| {
            run.as_ref()
                .map(|run| {
                    run.step_runs
                        .iter()
                        .map(|step_run| step_run.step_id.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });

    view! {
        <section class="run-steps">
            <h2>"Steps"</h2>
            <table class="table" data-testid="step-table">
                <thead>
                    <tr>
                        <th>"Step"</th><th>"Status"</th><th>"Started"</th><th>"Finished"</th><th class="num">"Duration"</th>
                        <th class="num">"Processed"</th><th class="num">"Inserted"</th><th class="num">"Updated"</th>
                        <th class="num">"Deleted"</th><th class="num">"Failed"</th><th>"Error"</th>
                    </tr>
                </thead>
                // Keyed rows update in place, so an opened list of rejected records stays open.
                <For each=move || step_ids.get() key=|id| id.clone() let:step_id>
                    <StepRows live highlighted=highlight.as_deref() == Some(step_id.as_str()) step_id/>
                </For>
            </table>
        </section>
    }
}

/// The row of one step run, and below it its rejected records, if any.
#[component]
fn StepRows(live: LiveRun, step_id: String, highlighted: bool) -> impl IntoView {
    let key = step_id.clone();
    let row = NodeRef::<leptos::html::Tbody>::new();
    let step_id_for_link = step_id.clone();
    if highlighted {
        // Bring the linked step into view once its row exists.
        request_animation_frame(move || {
            if let Some(element) = row.get_untracked() {
                element.scroll_into_view();
            }
        });
    }
    let step_run = Memo::new(move |_| {
        live.run.with(|run| {
            run.as_ref().and_then(|run| {
                run.step_runs
                    .iter()
                    .find(|step_run| step_run.step_id == key)
                    .cloned()
            })
        })
    });
    let status = move || {
        step_run.with(|run| {
            run.as_ref()
                .map_or("", |run| step_run_status_label(run.status))
        })
    };
    let field = move |read: fn(&StepRun) -> String| {
        move || step_run.with(|run| run.as_ref().map(read).unwrap_or_default())
    };
    let samples = Memo::new(move |_| {
        step_run.with(|run| {
            run.as_ref()
                .map(|run| (run.records.failed, run.rejected_samples.clone()))
        })
    });

    view! {
        <tbody data-step-id=step_id.clone() data-status=status node_ref=row class:highlighted=highlighted aria-current=highlighted.then_some("true")>
            <tr>
                <td><a class="step-link" href=move || step_href(&live, &step_id_for_link) title="Link to this step"><strong>{step_id.clone()}</strong></a><br/><span class="muted">{field(|run| run.sync_id.clone())}</span></td>
                <td><span class="run-status" data-status=status>{status}</span>{field(|run| if run.attempt > 1 { format!(" (attempt {})", run.attempt) } else { String::new() })}</td>
                <td>{move || view! { <ClockTime at=step_run.with(|run| run.as_ref().and_then(|run| run.started_at))/> }}</td>
                <td>{move || view! { <ClockTime at=step_run.with(|run| run.as_ref().and_then(|run| run.finished_at))/> }}</td>
                <td class="num">{field(|run| elapsed_ms(run.started_at, run.finished_at).map(duration_ms).unwrap_or_default())}</td>
                <td class="num" data-count="processed">{field(|run| count(run.records.processed))}</td>
                <td class="num" data-count="inserted">{field(|run| count(run.records.inserted))}</td>
                <td class="num" data-count="updated">{field(|run| count(run.records.updated))}</td>
                <td class="num" data-count="deleted">{field(|run| count(run.records.deleted))}</td>
                <td class="num" data-count="failed">{field(|run| count(run.records.failed))}</td>
                <td class="step-error">{field(|run| run.error.clone().unwrap_or_default())}</td>
            </tr>
            <Show when=move || samples.with(|samples| samples.as_ref().is_some_and(|(_, list)| !list.is_empty()))>
                <tr class="rejected-row">
                    <td colspan="11">
                        <details class="rejected" data-testid="rejected" open=highlighted>
                            <summary>{move || samples.with(|samples| {
                                let (failed, list) = samples.clone().unwrap_or_default();
                                format!("{} rejected records; the first {} with their reasons", count(failed), list.len())
                            })}</summary>
                            {move || view! { <RejectedTable samples=samples.get().map(|(_, list)| list).unwrap_or_default()/> }}
                        </details>
                    </td>
                </tr>
            </Show>
        </tbody>
    }
}

#[component]
fn RejectedTable(samples: Vec<RejectedRecord>) -> impl IntoView {
    let rows = samples
        .into_iter()
        .map(|sample| {
            let record = serde_json::to_string(&sample.record).unwrap_or_default();
            view! {
                <tr>
                    <td><code>{sample.key}</code></td>
                    <td class="rejected-reason">{sample.reason}</td>
                    <td><code class="rejected-record">{record}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table table-compact">
            <thead><tr><th>"Key"</th><th>"Reason"</th><th>"Record"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The exact link to one step of the run shown.
fn step_href(live: &LiveRun, step_id: &str) -> String {
    let run_id = live.run.with(|run| run.as_ref().map(|run| run.summary.id.clone()).unwrap_or_default());
    format!("{}/steps/{}", super::run_href(&run_id), crate::pages::path_segment(step_id))
}
