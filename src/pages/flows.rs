//! The flows list: every flow with its size, last run and last edit.

use baton_flow::{FlowSummary, Page};
use leptos::prelude::*;

use super::common::{api_resource, ErrorPanel, Loading};
use crate::format::{relative_time, run_status_label};

#[component]
pub fn FlowsPage() -> impl IntoView {
    let flows = api_resource::<Page<FlowSummary>>(|| "/flows".to_string());

    view! {
        <section class="page">
            <header class="page-header">
                <h1>"Flows"</h1>
                <p class="page-lede">"Sync sequences: each step runs when the steps it depends on have succeeded."</p>
            </header>
            <Suspense fallback=|| view! { <Loading what="flows"/> }>
                {move || flows.get().map(|result| match result {
                    Ok(page) => view! { <FlowTable flows=page.items/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error what="flows"/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn FlowTable(flows: Vec<FlowSummary>) -> impl IntoView {
    if flows.is_empty() {
        return view! { <p class="empty" data-testid="flows-empty">"No flows yet."</p> }.into_any();
    }
    let rows = flows
        .into_iter()
        .map(|flow| {
            let href = format!("/flows/{}", flow.id);
            let (status, when) = match &flow.last_run {
                Some(run) => (run_status_label(run.status), relative_time(run.created_at)),
                None => ("never run", String::new()),
            };
            view! {
                <tr data-flow-id=flow.id.clone()>
                    <td><a href=href>{flow.name}</a></td>
                    <td class="num">{flow.step_count}</td>
                    <td><span class="run-status" data-status=status>{status}</span>" "<span class="muted">{when}</span></td>
                    <td>{relative_time(flow.updated_at)}" by "{flow.updated_by}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table" data-testid="flows-table">
            <thead>
                <tr><th>"Name"</th><th class="num">"Steps"</th><th>"Last run"</th><th>"Last edit"</th></tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
