//! Saving the flow: create or update through the API with `If-Match`, and
//! what happens on a conflict (412), a rejected flow (422) or a backend that
//! cannot be reached.

use baton_flow::diff::{diff, FlowDiff};
use baton_flow::{Flow, Problem};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::draft;
use super::state::{Editor, Saved};
use crate::api::{self, ApiError, Method};
use crate::settings::Settings;

/// A save rejected because the flow changed on the server since it was loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub theirs: Flow,
    pub etag: String,
    /// From their version to mine.
    pub diff: FlowDiff,
}

/// Signals of the save toolbar.
#[derive(Clone, Copy)]
pub struct SaveState {
    pub busy: RwSignal<bool>,
    pub conflict: RwSignal<Option<Conflict>>,
}

impl SaveState {
    pub fn new() -> SaveState {
        SaveState { busy: RwSignal::new(false), conflict: RwSignal::new(None) }
    }
}

/// Save the flow: `POST` when it was never saved, else `PUT` with the
/// `ETag` it was loaded with (or `overwrite_etag` after a conflict).
/// `on_created` receives the new flow's id.
pub fn save(editor: Editor, state: SaveState, settings: Settings, overwrite_etag: Option<String>, on_created: impl Fn(String) + 'static) {
    if editor.error_count() > 0 {
        editor.error("Fix the errors in the problems panel before saving; warnings do not block saving.");
        return;
    }
    state.busy.set(true);
    let flow = editor.flow.get_untracked();
    let saved = editor.saved.get_untracked();

    spawn_local(async move {
        let result = match &saved {
            None => api::send_json::<Flow, Flow>(&settings, Method::Post, "/flows", &flow, None).await,
            Some(saved) => {
                let etag = overwrite_etag.unwrap_or_else(|| saved.etag.clone());
                let path = format!("/flows/{}", crate::pages::path_segment(&saved.flow.id));
                api::send_json::<Flow, Flow>(&settings, Method::Put, &path, &flow, Some(&etag)).await
            }
        };
        state.busy.set(false);

        match result {
            Ok(response) => {
                let stored = response.value;
                let etag = response.etag.unwrap_or_else(|| format!("\"{}\"", stored.version));
                draft::clear(saved.as_ref().map(|saved| saved.flow.id.as_str()));
                draft::clear(Some(&stored.id));
                editor.flow.set(stored.clone());
                editor.saved.set(Some(Saved { flow: stored.clone(), etag }));
                state.conflict.set(None);
                editor.success(format!("Saved version {} of '{}'.", stored.version, stored.name));
                if saved.is_none() {
                    on_created(stored.id);
                }
            }
            Err(error) => handle_error(editor, state, &flow, error),
        }
    });
}

fn handle_error(editor: Editor, state: SaveState, mine: &Flow, error: ApiError) {
    match &error {
        ApiError::Status { status: 412, body } => {
            let theirs = body.details.as_ref().and_then(|details| {
                serde_json::from_value::<Flow>(details.get("current").cloned().unwrap_or_else(|| details.clone())).ok()
            });
            match theirs {
                Some(theirs) => {
                    let etag = format!("\"{}\"", theirs.version);
                    let diff = diff(&theirs, mine);
                    state.conflict.set(Some(Conflict { theirs, etag, diff }));
                    editor.error("Not saved: someone saved this flow after you opened it. Review the changes below.");
                }
                None => editor.error(format!("Not saved: {error}. Reload the flow to see the current version.")),
            }
        }
        ApiError::Status { status: 422, body } => {
            let problems: Vec<Problem> = body
                .details
                .as_ref()
                .and_then(|details| serde_json::from_value(details.get("problems").cloned().unwrap_or_else(|| details.clone())).ok())
                .unwrap_or_default();
            let count = problems.len();
            editor.server_problems.set(problems);
            editor.error(format!("Not saved: the backend rejected the flow with {count} problem(s), listed in the problems panel."));
        }
        ApiError::Unreachable { .. } => {
            editor.error(format!("Not saved: {error} Your draft is kept in this browser; save again when the backend is back."));
        }
        _ => editor.error(format!("Not saved: {error}")),
    }
}

/// What changed on the server, shown on a 412, with the two ways out.
#[component]
pub fn ConflictPanel(editor: Editor, state: SaveState, on_overwrite: Callback<String>) -> impl IntoView {
    move || {
        state.conflict.get().map(|conflict| {
            let lines = describe(&conflict.diff, "theirs", "yours");
            let theirs = conflict.theirs.clone();
            let etag = conflict.etag.clone();
            let reload = move |_| {
                let etag = format!("\"{}\"", theirs.version);
                editor.reset(theirs.clone());
                editor.saved.set(Some(Saved { flow: theirs.clone(), etag }));
                draft::clear(Some(&theirs.id));
                state.conflict.set(None);
                editor.info("Loaded the server's version; your edits were discarded.");
            };
            view! {
                <section class="panel conflict" role="alertdialog" aria-label="Save conflict" data-testid="conflict">
                    <h2>{format!("Version {} was saved on the server after you opened this flow", conflict.theirs.version)}</h2>
                    <p>"Saving now would replace it. Differences between their version and yours:"</p>
                    <ul class="diff-list">{lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                    <div class="form-actions">
                        <button type="button" class="button" on:click=reload>"Discard mine and load theirs"</button>
                        <button type="button" class="button button-danger" on:click=move |_| on_overwrite.run(etag.clone())>"Overwrite with mine"</button>
                        <button type="button" class="button" on:click=move |_| state.conflict.set(None)>"Cancel"</button>
                    </div>
                </section>
            }
        })
    }
}

/// One line per difference of `diff`, naming its two sides `before` and `after`.
pub fn describe(diff: &FlowDiff, before: &str, after: &str) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(change) = &diff.name {
        lines.push(format!("Name: '{}' → '{}'", change.before, change.after));
    }
    if diff.description.is_some() {
        lines.push("Description changed".to_string());
    }
    if let Some(change) = &diff.schedule {
        lines.push(format!("Schedule: {} → {}", change.before.as_deref().unwrap_or("none"), change.after.as_deref().unwrap_or("none")));
    }
    lines.extend(diff.steps_added.iter().map(|id| format!("Step {id}: only in {after}")));
    lines.extend(diff.steps_removed.iter().map(|id| format!("Step {id}: only in {before}")));
    lines.extend(diff.steps_changed.iter().map(|change| format!("Step {}: {:?} differ", change.id, change.fields)));
    lines.extend(diff.triggers_added.iter().map(|t| format!("Trigger {} → {}: only in {after}", t.from, t.to)));
    lines.extend(diff.triggers_removed.iter().map(|t| format!("Trigger {} → {}: only in {before}", t.from, t.to)));
    lines.extend(diff.triggers_changed.iter().map(|c| format!("Trigger {} → {}: condition differs", c.trigger.from, c.trigger.to)));
    if lines.is_empty() {
        lines.push("No difference in content: only the version number moved on.".to_string());
    }
    lines
}
