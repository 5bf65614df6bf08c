//! The editor's toolbar and keyboard shortcuts: undo and redo, auto-layout,
//! fit to view, the lookup fix, JSON import and export, and save.

use baton_flow::edit::Edit;
use baton_flow::layout::{layout_edit, LayoutConfig};
use baton_flow::{json, Flow};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use super::canvas::CanvasState;
use super::inspector::remove_selection;
use super::problems::fix_lookups;
use super::save::{self, SaveState};
use super::share::{draft_link, flow_link, Shared};
use super::state::{Editor, READ_ONLY_NOTE};
use crate::pages::{path_segment, RunButton};
use crate::settings::use_settings;

/// Undo, redo and delete from anywhere on the page, except while typing in a field.
pub fn install_shortcuts(canvas: CanvasState) {
    let editor = canvas.editor;
    let handle = window_event_listener(leptos::ev::keydown, move |event| {
        if typing_in_field(&event) {
            return;
        }
        let key = event.key();
        let command = event.ctrl_key() || event.meta_key();
        match key.as_str() {
            "z" | "Z" if command && event.shift_key() => {
                event.prevent_default();
                editor.redo();
            }
            "z" | "Z" if command => {
                event.prevent_default();
                editor.undo();
            }
            "y" if command => {
                event.prevent_default();
                editor.redo();
            }
            "Delete" | "Backspace" => {
                event.prevent_default();
                remove_selection(editor);
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

fn typing_in_field(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|element| matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

fn auto_layout(editor: Editor) {
    let edit = layout_edit(&editor.flow.read_untracked(), &LayoutConfig::default());
    match edit {
        Ok(edit) => {
            if editor.apply(edit).is_ok() {
                editor.info("Laid out the flow; pinned steps stayed in place.");
            }
        }
        Err(error) => editor.error(format!("Auto-layout failed: {error}.")),
    }
}

/// Offer the flow as a `.json` file download.
pub fn export(editor: Editor) {
    let flow = editor.flow.get_untracked();
    let text = match json::export(&flow) {
        Ok(text) => text,
        Err(error) => return editor.error(format!("Export failed: {error}.")),
    };
    let file_name = format!("{}.baton.json", slug(&flow.name));
    if let Err(message) = download(&file_name, &text) {
        editor.error(format!("Export failed: {message}."));
    }
}

/// A file name from a flow name: lowercase letters and digits, with one
/// dash for each run of anything else.
fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() { "flow".to_string() } else { slug.to_string() }
}

fn download(file_name: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "the browser could not create the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "the browser could not create a download link")?;
    let document = web_sys::window().and_then(|window| window.document()).ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "the browser could not create a link")?
        .dyn_into()
        .map_err(|_| "the browser could not create a link")?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Replace the flow's content with `imported`, as one undoable edit; the
/// flow keeps its id and version so that saving updates it.
fn replace_content(editor: Editor, imported: Flow) {
    let current = editor.flow.get_untracked();
    let mut edits: Vec<Edit> = current.steps.iter().map(|step| Edit::RemoveStep { id: step.id.clone() }).collect();
    edits.extend(imported.steps.iter().map(|step| Edit::AddStep { step: step.clone() }));
    edits.extend(imported.triggers.iter().map(|trigger| Edit::Connect { trigger: trigger.clone() }));
    edits.push(Edit::Rename { name: imported.name.clone() });
    edits.push(Edit::SetDescription { description: imported.description.clone() });
    edits.push(Edit::SetSchedule { schedule: imported.schedule.clone() });
    if editor.apply(Edit::Batch { edits }).is_ok() {
        editor.success(format!("Imported '{}': {} steps, {} triggers. Undo with Ctrl+Z.", imported.name, imported.steps.len(), imported.triggers.len()));
    }
}

fn import_file(editor: Editor, event: web_sys::Event) {
    let Some(input) = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
    let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
    input.set_value("");
    let name = file.name();
    if file.size() > json::MAX_IMPORT_BYTES as f64 {
        editor.error(format!("'{name}' is {} bytes, over the import limit of {} bytes.", file.size(), json::MAX_IMPORT_BYTES));
        return;
    }
    spawn_local(async move {
        let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(value) => value.as_string().unwrap_or_default(),
            Err(_) => return editor.error(format!("Could not read '{name}'.")),
        };
        match json::import(&text) {
            Ok(flow) => replace_content(editor, flow),
            Err(error) => editor.error(format!("Could not import '{name}': {error}.")),
        }
    });
}

#[component]
pub fn Toolbar(state: CanvasState, save_state: SaveState, on_created: Callback<String>, shared: RwSignal<Option<Shared>>) -> impl IntoView {
    let editor = state.editor;
    let read_only = editor.read_only;
    let saved_id = move || editor.saved.with(|saved| saved.as_ref().map(|saved| path_segment(&saved.flow.id)));
    let settings = use_settings().settings;
    let save_now = move |_| {
        save::save(editor, save_state, settings.get_untracked(), None, move |id| on_created.run(id));
    };
    let save_blocker = move || {
        let errors = editor.error_count();
        if save_state.busy.get() {
            Some("Saving…".to_string())
        } else if errors > 0 {
            Some(format!("Fix {errors} error{} before saving", if errors == 1 { "" } else { "s" }))
        } else {
            None
        }
    };
    let status = move || match editor.saved.get() {
        None => "Not saved yet".to_string(),
        Some(saved) if editor.is_dirty() => format!("Unsaved changes (based on version {})", saved.flow.version),
        Some(saved) => format!("Saved · version {}", saved.flow.version),
    };

    view! {
        <div class="toolbar" role="toolbar" aria-label="Editor actions">
            <h1 class="toolbar-title">{move || editor.flow.with(|flow| flow.name.clone())}</h1>
            <span class="toolbar-status" data-testid="save-status">{status}</span>
            {move || saved_id().map(|id| view! {
                <a class="button" href=format!("/flows/{id}/versions")>"History"</a>
            })}
            <div class="toolbar-group">
                <button type="button" class="button" on:click=move |_| shared.set(flow_link(editor)) disabled=move || saved_id().is_none()
                    title="Copy the link to the saved flow">"Copy link"</button>
                <button type="button" class="button" on:click=move |_| shared.set(Some(draft_link(editor)))
                    title="A link that carries this flow as it is now, saved or not">"Share draft"</button>
            </div>
            {move || read_only.get().then(|| view! { <span class="read-only-note" data-testid="read-only">{READ_ONLY_NOTE}</span> })}
            <div class="toolbar-group" class:hidden=move || read_only.get()>
                <button type="button" class="button" on:click=move |_| editor.undo() disabled=move || !editor.can_undo() title="Undo (Ctrl+Z)">"Undo"</button>
                <button type="button" class="button" on:click=move |_| editor.redo() disabled=move || !editor.can_redo() title="Redo (Ctrl+Shift+Z)">"Redo"</button>
            </div>
            <div class="toolbar-group" class:hidden=move || read_only.get()>
                <button type="button" class="button" on:click=move |_| auto_layout(editor)>"Auto-layout"</button>
                <button type="button" class="button" on:click=move |_| state.fit()>"Fit to view"</button>
                <button type="button" class="button" on:click=move |_| fix_lookups(editor) title="Add the triggers that order every lookup">"Fix lookup order"</button>
                <button type="button" class="button" on:click=move |_| remove_selection(editor)
                    disabled=move || editor.selection.with(|s| s.steps.is_empty() && s.trigger.is_none())>"Delete"</button>
            </div>
            <div class="toolbar-group">
                <button type="button" class="button" on:click=move |_| export(editor)>"Export JSON"</button>
                <label class="button" for="import-file" class:hidden=move || read_only.get()>"Import JSON"</label>
                <input id="import-file" class="visually-hidden" type="file" accept=".json,application/json" on:change=move |event| import_file(editor, event)/>
            </div>
            <div class="toolbar-save" class:hidden=move || read_only.get()>
                <button type="button" class="button button-primary" on:click=save_now disabled=move || save_blocker().is_some()
                    title=move || save_blocker().unwrap_or_else(|| "Save to the backend".to_string())>"Save"</button>
                {move || save_blocker().map(|reason| view! { <span class="save-blocker" data-testid="save-blocker">{reason}</span> })}
            </div>
            <RunButton flow_id=Signal::derive(move || editor.saved.with(|saved| saved.as_ref().map(|saved| saved.flow.id.clone())))
                dirty=Signal::derive(move || editor.is_dirty()) errors=Signal::derive(move || editor.error_count())/>
        </div>
    }
}
