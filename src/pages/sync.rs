//! A sync's own page: what it reads and writes, its runs across flows, and
//! a trigger that runs it alone, so the lookup race can be seen directly.

use baton_flow::{Page, RunSummary, Sync};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::common::{api_resource, CopyLinkButton, ErrorPanel, Loading};
use super::path_segment;
use super::runs::{active_run_id, editor_blocker, is_viewer, run_href};
use crate::api;
use crate::format::{count, duration_ms, elapsed_ms, local_time, run_status_label, utc_time};
use crate::settings::use_settings;

#[component]
pub fn SyncPage() -> impl IntoView {
    let params = use_params_map();
    let sync_id = Memo::new(move |_| params.read().get("sync_id").unwrap_or_default());
    let sync =
        api_resource::<Sync>(move || format!("/syncs/{}", path_segment(&sync_id.get())));
    let runs = api_resource::<Page<RunSummary>>(move || {
        format!("/syncs/{}/runs?limit=50", path_segment(&sync_id.get()))
    });

    view! {
        <section class="page sync-page" data-testid="sync-page">
            <Suspense fallback=|| view! { <Loading what="the sync"/> }>
                {move || sync.get().map(|result| match result {
                    Ok(sync) => view! { <SyncDetails sync/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error what=format!("sync '{}'", sync_id.get_untracked())/> }.into_any(),
                })}
            </Suspense>
            // A missing sync has no runs to show: its not-found page stands alone.
            <Show when=move || sync.get().is_some_and(|result| result.is_ok())>
                <h2>"Runs across flows"</h2>
                <Suspense fallback=|| view! { <Loading what="the sync's runs"/> }>
                    {move || runs.get().map(|result| match result {
                        Ok(page) => view! { <SyncRuns page/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error what="the sync's runs"/> }.into_any(),
                    })}
                </Suspense>
            </Show>
        </section>
    }
}

#[component]
fn SyncDetails(sync: Sync) -> impl IntoView {
    let lookups = if sync.lookups.is_empty() {
        "none".to_string()
    } else {
        sync.lookups
            .iter()
            .map(|lookup| format!("{} → {}", lookup.field, lookup.object))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let last_run = sync.last_run.clone().map(|last| {
        view! {
            <dt>"Last run"</dt>
            <dd><a href=run_href(&last.run_id)>{last.run_id.clone()}</a>" · "{crate::format::step_run_status_label(last.status)}
                {last.duration_ms.map(|ms| format!(" · {}", duration_ms(ms)))}
                {format!(" · {} processed, {} failed", count(last.records.processed), count(last.records.failed))}</dd>
        }
    });
    view! {
        <header class="page-header page-header-row">
            <div>
                <h1>{sync.label.clone()}</h1>
                <p class="page-lede"><code>{sync.id.clone()}</code></p>
            </div>
            <div class="toolbar-group">
                <CopyLinkButton/>
                <RunAloneButton sync_id=sync.id.clone()/>
            </div>
        </header>
        <dl class="details sync-facts">
            <dt>"Reads"</dt><dd>{sync.source.connection_id.clone()}": "<code>{sync.source.query.clone()}</code></dd>
            <dt>"Writes"</dt><dd>{sync.destination.connection_id.clone()}"."{sync.destination.object.clone()}</dd>
            <dt>"Operation"</dt><dd>{format!("{:?}", sync.operation).to_lowercase()}" on "<code>{sync.key.clone()}</code></dd>
            <dt>"Lookups"</dt><dd>{lookups}</dd>
            {last_run}
        </dl>
    }
}

/// Starts a run of this sync alone, after confirmation, and opens it.
#[component]
fn RunAloneButton(sync_id: String) -> impl IntoView {
    let settings = use_settings().settings;
    let navigate = use_navigate();
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let active = RwSignal::new(None::<String>);
    let blocker = Memo::new(move |_| editor_blocker());
    let sync_id = StoredValue::new(sync_id);

    let start = move |_| {
        let settings = settings.get_untracked();
        let navigate = navigate.clone();
        let path = format!("/syncs/{}/trigger", path_segment(&sync_id.get_value()));
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            let result = api::post_empty::<RunSummary>(&settings, &path).await;
            busy.try_set(false);
            match result {
                Ok(run) => navigate(&run_href(&run.id), Default::default()),
                Err(error) => match active_run_id(&error) {
                    Some(run_id) => {
                        active.try_set(Some(run_id));
                    }
                    None => {
                        failure.try_set(Some(format!("The sync did not start: {error}")));
                    }
                },
            }
        });
    };

    view! {
        <div class="run-alone">
            {move || (!is_viewer()).then(|| view! {
                <button type="button" class="button button-primary" data-testid="run-alone" disabled=move || blocker.get().is_some()
                    on:click=move |_| confirming.set(true)>"Run this sync alone"</button>
            })}
            {move || blocker.get().map(|reason| view! { <span class="action-blocker">{reason}</span> })}
            {move || confirming.get().then(|| view! {
                <section class="panel conflict" role="alertdialog" aria-label="Confirm" data-testid="confirm-action">
                    <p>{format!("Run '{}' alone now? It runs without the syncs it depends on, so records whose lookup finds no target are rejected.", sync_id.get_value())}</p>
                    {move || failure.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    {move || active.get().map(|run_id| view! { <p role="status">"This sync already has an active run: "<a href=run_href(&run_id)>"open it"</a></p> })}
                    <div class="form-actions">
                        <button type="button" class="button button-primary" disabled=move || busy.get() on:click=start.clone()>"Run alone"</button>
                        <button type="button" class="button" on:click=move |_| { confirming.set(false); failure.set(None); active.set(None); }>"Keep as is"</button>
                    </div>
                </section>
            })}
        </div>
    }
}

#[component]
fn SyncRuns(page: Page<RunSummary>) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="empty" data-testid="sync-runs-empty">"This sync has not run yet."</p> }.into_any();
    }
    let more = page
        .next_cursor
        .is_some()
        .then(|| view! { <p class="muted">"Showing the newest 50 runs."</p> });
    let rows = page
        .items
        .into_iter()
        .map(|run| {
            let status = run_status_label(run.status);
            let started = run.started_at.unwrap_or(run.created_at);
            let subject = match &run.flow_id {
                Some(flow_id) => view! { <a href=format!("/flows/{}", path_segment(flow_id))>{flow_id.clone()}</a> }.into_any(),
                None => view! { <span>"alone"</span> }.into_any(),
            };
            view! {
                <tr data-run-id=run.id.clone() data-status=status>
                    <td><a href=run_href(&run.id)><code>{run.id.clone()}</code></a></td>
                    <td>{subject}</td>
                    <td><span class="run-status" data-status=status>{status}</span></td>
                    <td><time datetime=started.to_rfc3339() title=utc_time(started)>{local_time(started)}</time></td>
                    <td class="num">{elapsed_ms(run.started_at, run.finished_at).map(duration_ms).unwrap_or_default()}</td>
                    <td class="num">{count(run.records.failed)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table" data-testid="sync-runs">
            <thead><tr><th>"Run"</th><th>"Flow"</th><th>"Status"</th><th>"Started"</th><th class="num">"Duration"</th><th class="num">"Records failed"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {more}
    }
    .into_any()
}
