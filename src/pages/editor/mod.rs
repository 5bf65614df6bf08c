//! The flow editor: palette, canvas, inspector, problems and stages around
//! one flow, new or saved.

mod canvas;
pub(crate) mod draft;
mod inspector;
mod minimap;
mod palette;
mod problems;
mod save;
mod share;
mod stages;
mod state;
mod toolbar;

use baton_flow::{Flow, Sync};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;

use self::canvas::{Canvas, CanvasState};
use self::inspector::Inspector;
use self::minimap::Minimap;
use self::palette::Palette;
use self::problems::ProblemsPanel;
use self::save::{ConflictPanel, SaveState};
use self::stages::StagesPanel;
use self::state::{Editor, NoticeKind, Saved};
use self::toolbar::{install_shortcuts, Toolbar};
pub(crate) use self::save::describe as describe_diff;
use super::common::{ErrorPanel, Loading};
use super::path_segment;
use crate::api::{self, ApiError};
use crate::settings::use_settings;

/// What the editor opens with: the catalog, the saved flow (if any), and a
/// draft found in local storage.
#[derive(Clone)]
struct Loaded {
    syncs: Vec<Sync>,
    saved: Option<Saved>,
    draft: Result<Option<draft::Draft>, String>,
}

async fn load(settings: crate::settings::Settings, flow_id: Option<String>) -> Result<Loaded, ApiError> {
    let syncs = api::get_json::<Vec<Sync>>(&settings, "/syncs").await?;
    let saved = match &flow_id {
        Some(id) => {
            let response = api::get_versioned::<Flow>(&settings, &format!("/flows/{}", path_segment(id))).await?;
            let etag = response.etag.clone().unwrap_or_else(|| format!("\"{}\"", response.value.version));
            Some(Saved { flow: response.value, etag })
        }
        None => None,
    };
    let draft = draft::load(flow_id.as_deref());
    Ok(Loaded { syncs, saved, draft })
}

/// The editor for `/flows/new` and `/flows/:flow_id`.
#[component]
pub fn EditorPage() -> impl IntoView {
    let params = use_params_map();
    let settings = use_settings().settings;
    let flow_id = move || params.read().get("flow_id").filter(|id| id != "new");
    let loaded = LocalResource::new(move || load(settings.get(), flow_id()));

    view! {
        <Suspense fallback=|| view! { <Loading what="the editor"/> }>
            {move || loaded.get().map(|result| match result {
                Ok(loaded) => view! { <EditorView loaded/> }.into_any(),
                Err(error) if error.is_not_found() => view! { <FlowNotFound id=flow_id().unwrap_or_default()/> }.into_any(),
                Err(error) => view! { <ErrorPanel error what="the flow editor"/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn FlowNotFound(id: String) -> impl IntoView {
    view! {
        <section class="page panel" data-testid="not-found">
            <h1>"Flow not found"</h1>
            <p>{format!("There is no flow with id '{id}'. It may have been deleted, or the link is wrong.")}</p>
            <a href="/flows">"See all flows"</a>
        </section>
    }
}

#[component]
fn EditorView(loaded: Loaded) -> impl IntoView {
    let Loaded { syncs, saved, draft } = loaded;
    let flow_id = saved.as_ref().map(|saved| saved.flow.id.clone());
    let base = saved.as_ref().map_or_else(new_flow, |saved| saved.flow.clone());
    let base_version = base.version;

    let editor = Editor::new(base.clone(), syncs, saved);
    match draft {
        Ok(Some(draft)) if draft.flow != base => {
            editor.reset(draft.flow.clone());
            if draft.base_version == base_version {
                editor.info("Restored your unsaved draft from this browser. Undo history starts here.");
            } else {
                editor.error(format!(
                    "Restored your unsaved draft, which started from version {}; the server now has version {base_version}. Saving will show what changed.",
                    draft.base_version
                ));
            }
        }
        Ok(_) => {}
        Err(message) => editor.error(message),
    }

    let canvas = CanvasState::new(editor);
    let save_state = SaveState::new();
    let shared = RwSignal::new(None::<share::Shared>);
    install_shortcuts(canvas);
    autosave(editor, flow_id.clone(), base_version);

    let navigate = use_navigate();
    let on_created = Callback::new(move |id: String| {
        navigate(&format!("/flows/{}", path_segment(&id)), NavigateOptions { replace: true, ..Default::default() });
    });
    let settings = use_settings().settings;
    let on_overwrite = Callback::new(move |etag: String| {
        save::save(editor, save_state, settings.get_untracked(), Some(etag), move |_| {});
    });

    view! {
        <section class="editor" data-testid="editor">
            <Toolbar state=canvas save_state on_created shared/>
            <share::SharePanel editor shared on_export=Callback::new(move |_| toolbar::export(editor))/>
            <NoticeBar editor/>
            <ConflictPanel editor state=save_state on_overwrite/>
            <div class="editor-body">
                {move || if editor.read_only.get() {
                    view! {
                        <aside class="palette" aria-label="Sync palette">
                            <h2 class="side-title">"Syncs"</h2>
                            <p class="muted">"Read-only: a viewer token cannot add steps."</p>
                        </aside>
                    }.into_any()
                } else {
                    view! { <Palette state=canvas/> }.into_any()
                }}
                <div class="editor-canvas">
                    <Canvas state=canvas/>
                    <Minimap state=canvas/>
                </div>
                <aside class="editor-side">
                    <fieldset class="plain-fieldset" disabled=move || editor.read_only.get()>
                        <Inspector editor/>
                    </fieldset>
                    <ProblemsPanel state=canvas/>
                    <StagesPanel editor/>
                </aside>
            </div>
        </section>
    }
}

/// The flow a new editor starts with.
fn new_flow() -> Flow {
    Flow { name: "Untitled flow".to_string(), ..Flow::default() }
}

/// Store the draft after every edit; remove it once the flow equals its
/// saved copy.
fn autosave(editor: Editor, flow_id: Option<String>, base_version: u64) {
    Effect::new(move |previous: Option<()>| {
        let flow = editor.flow.get();
        if previous.is_none() {
            return;
        }
        let saved = editor.saved.get_untracked();
        let key = saved.as_ref().map(|saved| saved.flow.id.clone()).or_else(|| flow_id.clone());
        let unchanged = saved.as_ref().is_some_and(|saved| baton_flow::diff::diff(&saved.flow, &flow).is_empty());
        if unchanged {
            draft::clear(key.as_deref());
            return;
        }
        let base = saved.as_ref().map_or(base_version, |saved| saved.flow.version);
        if let Err(message) = draft::store(key.as_deref(), &flow, base) {
            editor.error(message);
        }
    });
}

#[component]
fn NoticeBar(editor: Editor) -> impl IntoView {
    move || {
        editor.notice.get().map(|notice| {
            let class = match notice.kind {
                NoticeKind::Info => "notice notice-info",
                NoticeKind::Success => "notice notice-success",
                NoticeKind::Error => "notice notice-error",
            };
            view! {
                <div class=class role="status" aria-live="polite" data-testid="notice">
                    <span>{notice.text}</span>
                    <button type="button" class="notice-close" aria-label="Dismiss" on:click=move |_| editor.notice.set(None)>"×"</button>
                </div>
            }
        })
    }
}
