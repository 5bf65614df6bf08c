//! The sync catalog: what each sync reads, writes and looks up.

use baton_flow::Sync;
use leptos::prelude::*;

use super::common::{api_resource, ErrorPanel, Loading};

#[component]
pub fn SyncsPage() -> impl IntoView {
    let syncs = api_resource::<Vec<Sync>>(|| "/syncs".to_string());

    view! {
        <section class="page">
            <header class="page-header">
                <h1>"Syncs"</h1>
                <p class="page-lede">"The backend's catalog. A sync with a lookup depends on the sync that writes the referenced object."</p>
            </header>
            <Suspense fallback=|| view! { <Loading what="syncs"/> }>
                {move || syncs.get().map(|result| match result {
                    Ok(syncs) => view! { <SyncTable syncs/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error what="syncs"/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SyncTable(syncs: Vec<Sync>) -> impl IntoView {
    let rows = syncs
        .into_iter()
        .map(|sync| {
            let lookups = sync
                .lookups
                .iter()
                .map(|lookup| format!("{} → {}", lookup.field, lookup.object))
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <tr data-sync-id=sync.id.clone()>
                    <td><a href=format!("/syncs/{}", super::path_segment(&sync.id))>{sync.label}</a></td>
                    <td>{sync.destination.connection_id}"."{sync.destination.object}</td>
                    <td>{format!("{:?}", sync.operation).to_lowercase()}" on "<code>{sync.key}</code></td>
                    <td>{lookups}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table" data-testid="syncs-table">
            <thead>
                <tr><th>"Sync"</th><th>"Writes"</th><th>"Operation"</th><th>"Lookups"</th></tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
