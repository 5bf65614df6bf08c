//! The inspector: details and settings of the selected step or trigger, or
//! of the flow itself when nothing is selected.

use baton_flow::connect::ConnectionCheck;
use baton_flow::edit::Edit;
use baton_flow::{FailureAction, FailurePolicy, Flow, Step, Trigger, TriggerCondition, TriggerRef};
use leptos::prelude::*;

use super::state::{Editor, Selection};

/// Remove the selected steps, or the selected trigger, as one edit.
pub fn remove_selection(editor: Editor) {
    let selection = editor.selection.get_untracked();
    let mut edits: Vec<Edit> = selection.steps.iter().map(|id| Edit::RemoveStep { id: id.clone() }).collect();
    if let Some(trigger) = selection.trigger {
        edits.push(Edit::Disconnect { from: trigger.from, to: trigger.to });
    }
    if edits.is_empty() {
        return;
    }
    let count = edits.len();
    if editor.apply(Edit::Batch { edits }).is_ok() {
        editor.selection.set(Selection::default());
        editor.info(format!("Removed {count} item{}. Undo with Ctrl+Z.", if count == 1 { "" } else { "s" }));
    }
}

/// What the inspector shows, reduced to the data it displays, so that an
/// edit elsewhere in the flow (such as moving a step) does not render it again.
#[derive(Debug, Clone, PartialEq)]
enum Shown {
    Flow { name: String, description: String, schedule: Option<String> },
    Step { step: Step, others: Vec<String> },
    Trigger(Trigger),
    Many(usize),
}

fn shown(selection: &Selection, flow: &Flow) -> Shown {
    if let Some(selected) = &selection.trigger {
        if let Some(trigger) = flow.triggers.iter().find(|t| t.from == selected.from && t.to == selected.to) {
            return Shown::Trigger(trigger.clone());
        }
    }
    let mut ids = selection.steps.iter();
    match (ids.next(), ids.next()) {
        (None, _) => Shown::Flow { name: flow.name.clone(), description: flow.description.clone(), schedule: flow.schedule.clone() },
        (Some(id), None) => match flow.step(id) {
            Some(step) => {
                let mut step = step.clone();
                step.position = Default::default();
                let others = flow.steps.iter().filter(|other| other.id != step.id).map(|other| other.id.clone()).collect();
                Shown::Step { step, others }
            }
            None => Shown::Many(0),
        },
        (Some(_), Some(_)) => Shown::Many(selection.steps.len()),
    }
}

#[component]
pub fn Inspector(editor: Editor) -> impl IntoView {
    let model = Memo::new(move |_| editor.selection.with(|selection| editor.flow.with(|flow| shown(selection, flow))));
    move || match model.get() {
        Shown::Trigger(trigger) => view! { <TriggerInspector editor trigger/> }.into_any(),
        Shown::Flow { name, description, schedule } => view! { <FlowInspector editor name description schedule/> }.into_any(),
        Shown::Step { step, others } => view! { <StepInspector editor step others/> }.into_any(),
        Shown::Many(count) => view! {
            <section class="side-section" aria-label="Selection">
                <h2 class="side-title">{format!("{count} steps selected")}</h2>
                <button type="button" class="button button-danger" on:click=move |_| remove_selection(editor)>"Remove selected steps"</button>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn FlowInspector(editor: Editor, name: String, description: String, schedule: Option<String>) -> impl IntoView {
    let on_name = move |event| {
        let name = event_target_value(&event);
        if name != editor.flow.read_untracked().name {
            let _ = editor.apply(Edit::Rename { name });
        }
    };
    let on_description = move |event| {
        let description = event_target_value(&event);
        if description != editor.flow.read_untracked().description {
            let _ = editor.apply(Edit::SetDescription { description });
        }
    };
    let on_schedule = move |event| {
        let text = event_target_value(&event);
        let schedule = (!text.trim().is_empty()).then(|| text.trim().to_string());
        if schedule != editor.flow.read_untracked().schedule {
            let _ = editor.apply(Edit::SetSchedule { schedule });
        }
    };

    view! {
        <section class="side-section form" aria-label="Flow settings">
            <h2 class="side-title">"Flow"</h2>
            <label for="flow-name">"Name"</label>
            <input id="flow-name" type="text" prop:value=name on:change=on_name/>
            <label for="flow-description">"Description"</label>
            <textarea id="flow-description" rows="2" prop:value=description on:change=on_description></textarea>
            <label for="flow-schedule">"Schedule (cron, UTC)"</label>
            <input id="flow-schedule" type="text" placeholder="for example 0 6 * * *" prop:value=schedule.unwrap_or_default() on:change=on_schedule/>
            <p class="hint">"Five fields: minute, hour, day of month, month, day of week. Empty: run by hand only."</p>
        </section>
    }
}

#[component]
fn StepInspector(editor: Editor, step: Step, others: Vec<String>) -> impl IntoView {
    let sync = editor.sync(&step.sync_id);
    let id = step.id.clone();
    let policy = step.failure_policy;

    let set_enabled = {
        let id = id.clone();
        move |event| {
            let _ = editor.apply(Edit::SetEnabled { id: id.clone(), enabled: event_target_checked(&event) });
        }
    };
    let set_pinned = {
        let id = id.clone();
        move |event| {
            let _ = editor.apply(Edit::SetPinned { id: id.clone(), pinned: event_target_checked(&event) });
        }
    };
    let set_action = {
        let id = id.clone();
        move |event| {
            let on_failure = if event_target_value(&event) == "continue" { FailureAction::Continue } else { FailureAction::FailRun };
            let _ = editor.apply(Edit::SetFailurePolicy { id: id.clone(), policy: FailurePolicy { on_failure, ..policy } });
        }
    };
    let set_retries = {
        let id = id.clone();
        move |event| {
            let text = event_target_value(&event);
            match text.trim().parse::<u32>() {
                Ok(retries) if retries <= baton_flow::limits::MAX_RETRIES => {
                    let _ = editor.apply(Edit::SetFailurePolicy { id: id.clone(), policy: FailurePolicy { retries, ..policy } });
                }
                _ => editor.error(format!("Retries '{text}' is invalid: enter a whole number from 0 to {}.", baton_flow::limits::MAX_RETRIES)),
            }
        }
    };
    let set_timeout = {
        let id = id.clone();
        move |event| {
            let text = event_target_value(&event);
            let timeout_secs = if text.trim().is_empty() {
                None
            } else {
                match text.trim().parse::<u32>() {
                    Ok(secs) if secs > 0 && secs <= baton_flow::limits::MAX_TIMEOUT_SECS => Some(secs),
                    _ => {
                        editor.error(format!("Timeout '{text}' is invalid: enter seconds from 1 to {}, or leave it empty for the backend's default.", baton_flow::limits::MAX_TIMEOUT_SECS));
                        return;
                    }
                }
            };
            let _ = editor.apply(Edit::SetTimeout { id: id.clone(), timeout_secs });
        }
    };

    let first = if others.len() <= MAX_TARGET_OPTIONS { others.first().cloned() } else { None };
    let target = RwSignal::new(first.unwrap_or_default());
    let connect = {
        let id = id.clone();
        move |_| {
            let to = target.get_untracked().trim().to_string();
            if to.is_empty() {
                editor.error("Type or choose the id of the step that this step should trigger.");
                return;
            }
            let check = ConnectionCheck::new(&editor.flow.read_untracked());
            match check.check(&id, &to) {
                Ok(()) => {
                    let trigger = Trigger { from: id.clone(), to: to.clone(), condition: TriggerCondition::OnSuccess };
                    if editor.apply(Edit::Connect { trigger }).is_ok() {
                        editor.info(format!("Connected {id} → {to}."));
                    }
                }
                Err(error) => editor.error(format!("Refused: {error}.")),
            }
        }
    };

    view! {
        <section class="side-section form" aria-label="Step settings" data-testid="step-inspector">
            <h2 class="side-title">{format!("Step {}", step.id)}</h2>
            {match sync {
                Some(sync) => view! {
                    <dl class="details">
                        <dt>"Sync"</dt><dd>{sync.label.clone()}</dd>
                        <dt>"Source"</dt><dd><code>{sync.source.query.clone()}</code></dd>
                        <dt>"Writes"</dt><dd>{format!("{}.{} ({} on {})", sync.destination.connection_id, sync.destination.object, format!("{:?}", sync.operation).to_lowercase(), sync.key)}</dd>
                        <dt>"Lookups"</dt><dd>{if sync.lookups.is_empty() { "none".to_string() } else { sync.lookups.iter().map(|l| format!("{} → {}", l.field, l.object)).collect::<Vec<_>>().join(", ") }}</dd>
                    </dl>
                }.into_any(),
                None => view! { <p class="form-error">{format!("Sync '{}' is not in the catalog.", step.sync_id)}</p> }.into_any(),
            }}
            <label class="check"><input type="checkbox" prop:checked=step.enabled on:change=set_enabled/>" Enabled"</label>
            <label class="check"><input type="checkbox" prop:checked=step.pinned on:change=set_pinned/>" Pinned (auto-layout keeps it in place)"</label>
            <label for="step-on-failure">"On failure"</label>
            <select id="step-on-failure" on:change=set_action>
                <option value="fail_run" selected=policy.on_failure == FailureAction::FailRun>"Fail the run"</option>
                <option value="continue" selected=policy.on_failure == FailureAction::Continue>"Continue (the run can still succeed)"</option>
            </select>
            <label for="step-retries">"Retries"</label>
            <input id="step-retries" type="number" min="0" max=baton_flow::limits::MAX_RETRIES prop:value=policy.retries.to_string() on:change=set_retries/>
            <label for="step-timeout">"Timeout (seconds)"</label>
            <input id="step-timeout" type="number" min="1" placeholder="backend default" prop:value=step.timeout_secs.map(|s| s.to_string()).unwrap_or_default() on:change=set_timeout/>
            {(!others.is_empty()).then(|| view! {
                <label for="step-trigger-target">"Add a trigger to"</label>
                <div class="inline">
                    <TargetPicker others target/>
                    <button type="button" class="button" on:click=connect>"Add trigger"</button>
                </div>
            })}
            <button type="button" class="button button-danger" on:click=move |_| remove_selection(editor)>"Remove step"</button>
        </section>
    }
}

/// Steps listed at most in the trigger target list. Beyond that a text field
/// with suggestions replaces it, because rendering thousands of options
/// each time a step is selected would stall the page.
const MAX_TARGET_OPTIONS: usize = 200;

/// Suggestions shown at most under the text field.
const MAX_SUGGESTIONS: usize = 50;

/// The choice of the step a new trigger goes to.
#[component]
fn TargetPicker(others: Vec<String>, target: RwSignal<String>) -> impl IntoView {
    if others.len() <= MAX_TARGET_OPTIONS {
        return view! {
            <select id="step-trigger-target" on:change=move |event| target.set(event_target_value(&event))>
                {others.iter().map(|other| view! { <option value=other.clone()>{other.clone()}</option> }).collect_view()}
            </select>
        }
        .into_any();
    }
    let suggestions = move || {
        let typed = target.get().to_lowercase();
        others
            .iter()
            .filter(|other| other.to_lowercase().contains(&typed))
            .take(MAX_SUGGESTIONS)
            .map(|other| view! { <option value=other.clone()></option> })
            .collect_view()
    };
    view! {
        <input id="step-trigger-target" type="text" list="step-trigger-targets" placeholder="step id"
            prop:value=move || target.get() on:input=move |event| target.set(event_target_value(&event))/>
        <datalist id="step-trigger-targets">{suggestions}</datalist>
    }
    .into_any()
}

#[component]
fn TriggerInspector(editor: Editor, trigger: Trigger) -> impl IntoView {
    let TriggerRef { from, to } = TriggerRef { from: trigger.from.clone(), to: trigger.to.clone() };
    let set_condition = {
        let (from, to) = (from.clone(), to.clone());
        move |event| {
            let condition = if event_target_value(&event) == "on_completion" { TriggerCondition::OnCompletion } else { TriggerCondition::OnSuccess };
            let _ = editor.apply(Edit::SetCondition { from: from.clone(), to: to.clone(), condition });
        }
    };
    view! {
        <section class="side-section form" aria-label="Trigger settings" data-testid="trigger-inspector">
            <h2 class="side-title">{format!("Trigger {from} → {to}")}</h2>
            <label for="trigger-condition">"Runs the downstream step"</label>
            <select id="trigger-condition" on:change=set_condition>
                <option value="on_success" selected=trigger.condition == TriggerCondition::OnSuccess>"on success of the upstream step"</option>
                <option value="on_completion" selected=trigger.condition == TriggerCondition::OnCompletion>"on completion, whatever the outcome"</option>
            </select>
            <button type="button" class="button button-danger" on:click=move |_| remove_selection(editor)>"Remove trigger"</button>
        </section>
    }
}
