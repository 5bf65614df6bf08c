//! The flows list: every flow with its size, last run and last edit, and
//! the actions to create, open and delete flows.

use baton_flow::FlowSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::common::{api_resource, ErrorPanel, Loading};
use super::path_segment;
use crate::api;
use crate::format::{relative_time, run_status_label};
use crate::settings::use_settings;
use super::runs::is_viewer;

#[component]
pub fn FlowsPage() -> impl IntoView {
    let flows = api_resource::<Vec<FlowSummary>>(|| "/flows".to_string());

    view! {
        <section class="page">
            <header class="page-header page-header-row">
                <div>
                    <h1>"Flows"</h1>
                    <p class="page-lede">"Sync sequences: each step runs when the steps it depends on have succeeded."</p>
                </div>
                {move || if is_viewer() {
                    view! { <span class="read-only-note" data-testid="read-only">"Read-only: a viewer token cannot create or delete flows."</span> }.into_any()
                } else {
                    view! { <a class="button button-primary" href="/flows/new">"New flow"</a> }.into_any()
                }}
            </header>
            <Suspense fallback=|| view! { <Loading what="flows"/> }>
                {move || flows.get().map(|result| match result {
                    Ok(items) => view! { <FlowTable flows=items on_deleted=Callback::new(move |_| flows.refetch())/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error what="flows"/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn FlowTable(flows: Vec<FlowSummary>, on_deleted: Callback<()>) -> impl IntoView {
    if flows.is_empty() {
        return view! { <p class="empty" data-testid="flows-empty">"No flows yet. Create one with New flow."</p> }.into_any();
    }
    let confirming = RwSignal::new(None::<(String, String)>);
    let rows = flows
        .into_iter()
        .map(|flow| {
            let href = format!("/flows/{}", path_segment(&flow.id));
            let (status, when) = match &flow.last_run {
                Some(run) => (run_status_label(run.status), relative_time(run.created_at)),
                None => ("never run", String::new()),
            };
            let target = (flow.id.clone(), flow.name.clone());
            view! {
                <tr data-flow-id=flow.id.clone()>
                    <td><a href=href>{flow.name.clone()}</a></td>
                    <td class="num">{flow.step_count}</td>
                    <td>
                        <a class="run-status-link" href=format!("/flows/{}/runs", path_segment(&flow.id)) title="Run history">
                            <span class="run-status" data-status=status>{status}</span>
                        </a>
                        " "<span class="muted">{when}</span>
                    </td>
                    <td>{relative_time(flow.updated_at)}" by "{flow.updated_by.clone()}</td>
                    <td class="actions">
                        {move || {
                            let target = target.clone();
                            (!is_viewer()).then(move || view! {
                                <button type="button" class="button button-small button-danger" aria-label=format!("Delete {}", target.1)
                                    on:click=move |_| confirming.set(Some(target.clone()))>"Delete"</button>
                            })
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DeleteDialog confirming on_deleted/>
        <table class="table" data-testid="flows-table">
            <thead>
                <tr><th>"Name"</th><th class="num">"Steps"</th><th>"Last run"</th><th>"Last edit"</th><th><span class="visually-hidden">"Actions"</span></th></tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// Asks before deleting a flow, then deletes it and reports the outcome.
#[component]
fn DeleteDialog(confirming: RwSignal<Option<(String, String)>>, on_deleted: Callback<()>) -> impl IntoView {
    let settings = use_settings().settings;
    let error = RwSignal::new(None::<String>);
    move || {
        confirming.get().map(|(id, name)| {
            let delete = {
                let id = id.clone();
                move |_| {
                    let id = id.clone();
                    let settings = settings.get_untracked();
                    spawn_local(async move {
                        match api::delete(&settings, &format!("/flows/{}", path_segment(&id))).await {
                            Ok(()) => {
                                confirming.set(None);
                                error.set(None);
                                on_deleted.run(());
                            }
                            Err(failure) => error.set(Some(format!("Not deleted: {failure}"))),
                        }
                    });
                }
            };
            view! {
                <section class="panel conflict" role="alertdialog" aria-label="Confirm delete" data-testid="confirm-delete">
                    <h2>{format!("Delete flow '{name}'?")}</h2>
                    <p>"The flow and all its saved versions are deleted. This cannot be undone."</p>
                    {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    <div class="form-actions">
                        <button type="button" class="button button-danger" on:click=delete>"Delete"</button>
                        <button type="button" class="button" on:click=move |_| { confirming.set(None); error.set(None); }>"Cancel"</button>
                    </div>
                </section>
            }
        })
    }
}
