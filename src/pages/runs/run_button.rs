//! The editor's Run button and its link to the flow's run history. A run
//! uses the saved version, so the button waits for a clean, valid save.

use baton_flow::RunSummary;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::{active_run_id, editor_blocker, is_viewer, run_href};
use crate::api;
use crate::pages::path_segment;
use crate::settings::use_settings;

/// `flow_id` is the saved flow's id (`None` before the first save), `dirty`
/// whether the editor differs from it, `errors` the number of rule errors.
#[component]
pub fn RunButton(
    flow_id: Signal<Option<String>>,
    dirty: Signal<bool>,
    errors: Signal<usize>,
) -> impl IntoView {
    let settings = use_settings().settings;
    let navigate = use_navigate();
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let active_run = RwSignal::new(None::<String>);

    let blocker = Memo::new(move |_| {
        if flow_id.with(Option::is_none) {
            return Some("Save the flow before running it".to_string());
        }
        if errors.get() > 0 {
            return Some("Fix the flow's errors, then save, before running it".to_string());
        }
        if dirty.get() {
            return Some("Save your changes first: a run uses the saved version".to_string());
        }
        if busy.get() {
            return Some("Starting…".to_string());
        }
        editor_blocker()
    });

    let start = move |_| {
        let Some(id) = flow_id.get_untracked() else {
            return;
        };
        let settings = settings.get_untracked();
        let navigate = navigate.clone();
        busy.set(true);
        failure.set(None);
        active_run.set(None);
        spawn_local(async move {
            let result = api::post_empty::<RunSummary>(
                &settings,
                &format!("/flows/{}/runs", path_segment(&id)),
            )
            .await;
            busy.try_set(false);
            match result {
                Ok(run) => navigate(&run_href(&run.id), Default::default()),
                Err(error) => match active_run_id(&error) {
                    Some(run_id) => {
                        active_run.try_set(Some(run_id));
                    }
                    None => {
                        failure.try_set(Some(format!("The run did not start: {error}")));
                    }
                },
            }
        });
    };
    let history = move || {
        flow_id.get().map(|id| view! { <a class="button" href=format!("/flows/{}/runs", path_segment(&id)) data-testid="runs-link">"Runs"</a> })
    };

    view! {
        <div class="toolbar-group run-button">
            {history}
            {move || {
                let start = start.clone();
                (!is_viewer()).then(move || view! {
                <button type="button" class="button button-primary" data-testid="run-button" on:click=start disabled=move || blocker.get().is_some()
                    title=move || blocker.get().unwrap_or_else(|| "Run the saved version now".to_string())>"Run"</button>
                })
            }}
            {move || blocker.get().filter(|_| !busy.get()).map(|reason| view! { <span class="save-blocker" data-testid="run-blocker">{reason}</span> })}
            {move || active_run.get().map(|run_id| view! {
                <span class="run-active" role="status" data-testid="run-active">"A run of this flow is already active: "<a href=run_href(&run_id)>"open it"</a></span>
            })}
            {move || failure.get().map(|message| view! { <span class="form-error" role="alert" data-testid="run-error">{message}</span> })}
        </div>
    }
}
