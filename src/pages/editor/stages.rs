//! The stages view: which steps run in parallel, and, where the syncs have
//! run before, the estimated duration and its critical path.

use std::collections::HashMap;

use baton_flow::plan::{estimate, stages};
use leptos::prelude::*;

use super::state::Editor;
use crate::format::duration_ms;

#[component]
pub fn StagesPanel(editor: Editor) -> impl IntoView {
    let plan = Memo::new(move |_| {
        let flow = editor.flow.read();
        let durations: HashMap<String, u64> = editor.syncs.with(|syncs| {
            syncs
                .iter()
                .filter_map(|sync| Some((sync.id.clone(), sync.last_run.as_ref()?.duration_ms?)))
                .collect()
        });
        let stages = stages(&flow).map_err(|error| error.to_string());
        let estimate = estimate(&flow, &durations).ok();
        (stages, estimate)
    });

    view! {
        <section class="side-section" aria-label="Stages" data-testid="stages">
            <h2 class="side-title">"Stages"</h2>
            {move || {
                let (stages, estimate) = plan.get();
                match stages {
                    Err(message) => view! { <p class="muted">{format!("No stages while the flow has a cycle: {message}")}</p> }.into_any(),
                    Ok(stages) if stages.is_empty() => view! { <p class="muted">"No steps yet."</p> }.into_any(),
                    Ok(stages) => view! {
                        <ol class="stage-list">
                            {stages.into_iter().enumerate().map(|(index, stage)| view! {
                                <li data-stage-size=stage.len()>
                                    <span class="stage-number">{format!("Stage {}: ", index + 1)}</span>
                                    {stage.join(", ")}
                                </li>
                            }).collect_view()}
                        </ol>
                        {estimate.filter(|estimate| estimate.total_ms > 0).map(|estimate| {
                            let note = if estimate.missing.is_empty() {
                                String::new()
                            } else {
                                format!(" (at least: {} step(s) have never run)", estimate.missing.len())
                            };
                            view! {
                                <p data-testid="estimate">{format!("Estimated duration {}{note}", duration_ms(estimate.total_ms))}</p>
                                {(!estimate.critical_path.is_empty()).then(|| view! {
                                    <p class="muted">{format!("Critical path: {}", estimate.critical_path.join(" → "))}</p>
                                })}
                            }
                        })}
                        {move || plan.with(|(_, estimate)| estimate.as_ref().is_some_and(|estimate| estimate.total_ms == 0)).then(|| view! {
                            <p class="muted" data-testid="estimate">"No estimate yet: none of these syncs has run."</p>
                        })}
                    }.into_any(),
                }
            }}
        </section>
    }
}
