//! The sync palette: the catalog, searchable, each sync draggable onto the
//! canvas or added with its button.

use baton_flow::Sync;
use leptos::prelude::*;

use super::canvas::{add_step, CanvasState, SYNC_DRAG_TYPE};

/// Whether `sync` matches every word of `query` in its label, id, source or destination.
fn matches(sync: &Sync, query: &str) -> bool {
    let haystack = format!(
        "{} {} {} {} {}",
        sync.label, sync.id, sync.source.connection_id, sync.destination.connection_id, sync.destination.object
    )
    .to_lowercase();
    query.to_lowercase().split_whitespace().all(|word| haystack.contains(word))
}

#[component]
pub fn Palette(state: CanvasState) -> impl IntoView {
    let editor = state.editor;
    let query = RwSignal::new(String::new());
    let shown = move || {
        let query = query.get();
        editor.syncs.with(|syncs| syncs.iter().filter(|sync| matches(sync, &query)).cloned().collect::<Vec<_>>())
    };

    view! {
        <aside class="palette" aria-label="Sync palette">
            <h2 class="side-title">"Syncs"</h2>
            <input
                class="search"
                type="search"
                placeholder="Search label, source, destination"
                aria-label="Search syncs"
                prop:value=move || query.get()
                on:input=move |event| query.set(event_target_value(&event))
            />
            <ul class="palette-list">
                <For each=shown key=|sync| sync.id.clone() let:sync>
                    <PaletteItem state sync/>
                </For>
            </ul>
            {move || (shown().is_empty()).then(|| view! { <p class="muted">"No sync matches."</p> })}
        </aside>
    }
}

#[component]
fn PaletteItem(state: CanvasState, sync: Sync) -> impl IntoView {
    let sync_id = sync.id.clone();
    let drag_id = sync.id.clone();
    let lookups = if sync.lookups.is_empty() {
        "no lookups".to_string()
    } else {
        sync.lookups.iter().map(|lookup| format!("{} → {}", lookup.field, lookup.object)).collect::<Vec<_>>().join(", ")
    };
    let on_drag_start = move |event: web_sys::DragEvent| {
        if let Some(data) = event.data_transfer() {
            let _ = data.set_data(SYNC_DRAG_TYPE, &drag_id);
            data.set_effect_allowed("copy");
        }
    };

    view! {
        <li class="palette-item" draggable="true" data-sync-id=sync.id.clone() on:dragstart=on_drag_start>
            <div class="palette-text">
                <span class="palette-label">{sync.label.clone()}</span>
                <span class="palette-meta">{format!("→ {}.{}", sync.destination.connection_id, sync.destination.object)}</span>
                <span class="palette-meta">{lookups}</span>
            </div>
            <button
                type="button"
                class="button button-small"
                aria-label=format!("Add {} to the flow", sync.label)
                on:click=move |_| add_step(state.editor, &sync_id, state.view_centre())
            >"Add"</button>
        </li>
    }
}
