//! Cancel an active run, or retry a finished one: the failed steps with
//! what they skipped, or the whole flow. Each asks for confirmation first.

use baton_flow::{RetryRequest, RetryScope, RunSummary, StepRunStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use super::live::LiveRun;
use super::{editor_blocker, is_viewer, run_href};
use crate::api::{self, Method};
use crate::settings::use_settings;

/// An action waiting for confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Cancel,
    Retry(RetryScope),
}

impl Action {
    fn question(self) -> &'static str {
        match self {
            Action::Cancel => "Cancel this run? Steps that are running stop after their current batch; records already written stay written.",
            Action::Retry(RetryScope::Failed) => {
                "Retry the failed steps? A new run starts with the steps that did not succeed and the steps below them."
            }
            Action::Retry(RetryScope::All) => "Retry the whole flow? A new run starts with every step of the version that ran.",
        }
    }

    fn confirm_label(self) -> &'static str {
        match self {
            Action::Cancel => "Cancel run",
            Action::Retry(RetryScope::Failed) => "Retry failed steps",
            Action::Retry(RetryScope::All) => "Retry all",
        }
    }
}

#[component]
pub fn RunActions(live: LiveRun) -> impl IntoView {
    let settings = use_settings().settings;
    let navigate = use_navigate();
    let confirming = RwSignal::new(None::<Action>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let state = Memo::new(move |_| {
        live.run.with(|run| {
            run.as_ref().map(|run| {
                let retryable = run
                    .step_runs
                    .iter()
                    .any(|step_run| step_run.status != StepRunStatus::Succeeded);
                (
                    run.summary.id.clone(),
                    run.summary.status.is_active(),
                    retryable,
                )
            })
        })
    });
    let blocker = Memo::new(move |_| editor_blocker());

    let perform = move |action: Action| {
        let Some((run_id, _, _)) = state.get_untracked() else {
            return;
        };
        let settings = settings.get_untracked();
        let navigate = navigate.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let segment = crate::pages::path_segment(&run_id);
            let result = match action {
                Action::Cancel => {
                    api::post_empty::<RunSummary>(&settings, &format!("/runs/{segment}/cancel"))
                        .await
                }
                Action::Retry(scope) => {
                    let path = format!("/runs/{segment}/retry");
                    api::send_json::<_, RunSummary>(
                        &settings,
                        Method::Post,
                        &path,
                        &RetryRequest { scope },
                        None,
                    )
                    .await
                    .map(|response| response.value)
                }
            };
            busy.try_set(false);
            match result {
                Ok(run) => {
                    confirming.try_set(None);
                    match action {
                        Action::Cancel => live.refresh(),
                        Action::Retry(_) => navigate(&run_href(&run.id), Default::default()),
                    }
                }
                Err(failure) => {
                    error.try_set(Some(format!(
                        "{} failed: {failure}",
                        action.confirm_label()
                    )));
                }
            }
        });
    };

    view! {
        <div class="run-actions" data-testid="run-actions">
            {move || state.get().filter(|_| !is_viewer()).map(|(_, active, retryable)| {
                let disabled = move || blocker.get().is_some() || busy.get();
                if active {
                    view! {
                        <button type="button" class="button button-danger" disabled=disabled on:click=move |_| confirming.set(Some(Action::Cancel))>"Cancel run"</button>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="button" disabled=move || disabled() || !retryable
                            title=if retryable { "Run again the steps that did not succeed, and the steps below them" } else { "Every step succeeded; use Retry all to run them again" }
                            on:click=move |_| confirming.set(Some(Action::Retry(RetryScope::Failed)))>"Retry failed steps"</button>
                        <button type="button" class="button" disabled=disabled on:click=move |_| confirming.set(Some(Action::Retry(RetryScope::All)))>"Retry all"</button>
                    }.into_any()
                }
            })}
            {move || blocker.get().map(|reason| view! { <span class="action-blocker" data-testid="action-blocker">{reason}</span> })}
        </div>
        {move || confirming.get().map(|action| {
            let perform = perform.clone();
            view! {
                <section class="panel conflict" role="alertdialog" aria-label="Confirm" data-testid="confirm-action">
                    <p>{action.question()}</p>
                    {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                    <div class="form-actions">
                        <button type="button" class="button button-primary" disabled=move || busy.get() on:click=move |_| perform(action)>{action.confirm_label()}</button>
                        <button type="button" class="button" on:click=move |_| { confirming.set(None); error.set(None); }>"Keep as is"</button>
                    </div>
                </section>
            }
        })}
    }
}
