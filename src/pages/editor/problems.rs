//! The problems panel: what validation found, each problem pointing at its
//! steps and triggers, and the one-click fix for lookup races.

use baton_flow::edit::Edit;
use baton_flow::plan::suggest_triggers;
use baton_flow::{Problem, ProblemCode, Severity};
use leptos::prelude::*;

use super::canvas::CanvasState;
use super::state::{Editor, Selection};

/// Problems listed at most: a flow at the step limit can have thousands,
/// and listing them all would slow every edit.
const MAX_LISTED: usize = 100;

/// Add the triggers that put every lookup's writer upstream, as one edit.
pub fn fix_lookups(editor: Editor) {
    let suggestion = editor.flow.with_untracked(|flow| editor.syncs.with_untracked(|syncs| suggest_triggers(flow, syncs)));
    if suggestion.triggers.is_empty() {
        editor.info("Every lookup's writer is already upstream.");
        return;
    }
    let count = suggestion.triggers.len();
    let edits = suggestion.triggers.into_iter().map(|trigger| Edit::Connect { trigger }).collect();
    if editor.apply(Edit::Batch { edits }).is_ok() {
        let unsatisfiable = suggestion.unsatisfiable.len();
        let mut text = format!("Added {count} trigger{} so that lookups run after their targets.", if count == 1 { "" } else { "s" });
        if unsatisfiable > 0 {
            text.push_str(&format!(" {unsatisfiable} lookup(s) cannot be ordered without a cycle."));
        }
        editor.success(text);
    }
}

#[component]
pub fn ProblemsPanel(state: CanvasState) -> impl IntoView {
    let editor = state.editor;
    let all = move || {
        let mut problems = editor.server_problems.get();
        problems.extend(editor.problems.get());
        problems
    };

    view! {
        <section class="side-section" aria-label="Problems" data-testid="problems">
            <h2 class="side-title">
                "Problems "
                <span class="count">{move || {
                    let problems = all();
                    let errors = problems.iter().filter(|problem| problem.is_error()).count();
                    format!("{errors} errors · {} warnings", problems.len() - errors)
                }}</span>
            </h2>
            {move || {
                let problems = all();
                if problems.is_empty() {
                    return view! { <p class="muted" data-testid="no-problems">"No problems: the flow can be saved."</p> }.into_any();
                }
                let hidden = problems.len().saturating_sub(MAX_LISTED);
                view! {
                    <ul class="problem-list">
                        {problems.into_iter().take(MAX_LISTED).map(|problem| view! { <ProblemItem state problem/> }).collect_view()}
                    </ul>
                    {(hidden > 0).then(|| view! {
                        <p class="muted">{format!("{hidden} more not listed; fix the ones above first.")}</p>
                    })}
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ProblemItem(state: CanvasState, problem: Problem) -> impl IntoView {
    let editor = state.editor;
    let code = serde_json::to_value(problem.code).ok().and_then(|value| value.as_str().map(str::to_string)).unwrap_or_default();
    let severity = match problem.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let is_race = problem.code == ProblemCode::LookupRace;
    let message = problem.message.clone();
    let focus = move |_| {
        editor.selection.set(Selection { steps: problem.steps.iter().cloned().collect(), trigger: None });
        state.focus_steps(&problem.steps);
        editor.focused.set(Some(problem.clone()));
    };

    view! {
        <li class="problem" data-problem-code=code data-severity=severity>
            <button type="button" class="problem-focus" on:click=focus title="Show on the canvas">
                <span class="problem-severity">{severity}</span>
                <span class="problem-message">{message}</span>
            </button>
            {is_race.then(|| view! {
                <button type="button" class="button button-small" on:click=move |_| fix_lookups(editor)>"Add missing triggers"</button>
            })}
        </li>
    }
}
