//! One saved flow: its steps and triggers.

use baton_flow::Flow;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::common::{api_resource, ErrorPanel, Loading};

#[component]
pub fn FlowPage() -> impl IntoView {
    let params = use_params_map();
    let flow_id = move || params.read().get("flow_id").unwrap_or_default();
    let flow = api_resource::<Flow>(move || format!("/flows/{}", urlencode(&flow_id())));

    view! {
        <section class="page">
            <Suspense fallback=|| view! { <Loading what="the flow"/> }>
                {move || flow.get().map(|result| match result {
                    Ok(flow) => view! { <FlowSummaryView flow/> }.into_any(),
                    Err(error) if error.is_not_found() => view! {
                        <section class="panel" data-testid="not-found">
                            <h1>"Flow not found"</h1>
                            <p>{format!("There is no flow with id '{}'. It may have been deleted.", flow_id())}</p>
                            <a href="/flows">"See all flows"</a>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error what=format!("flow '{}'", flow_id())/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn FlowSummaryView(flow: Flow) -> impl IntoView {
    let steps = flow
        .steps
        .iter()
        .map(|step| view! { <li data-step-id=step.id.clone()>{step.id.clone()}" · "{step.sync_id.clone()}</li> })
        .collect_view();
    view! {
        <header class="page-header">
            <h1>{flow.name.clone()}</h1>
            <p class="page-lede">{format!("Version {} · {} steps · {} triggers", flow.version, flow.steps.len(), flow.triggers.len())}</p>
        </header>
        <ul class="plain-list">{steps}</ul>
    }
}

/// Percent-encode an id for use as one path segment.
pub fn urlencode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}
