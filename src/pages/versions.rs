//! A flow's saved versions: who saved each and when, a view of any version,
//! and the comparison of two versions drawn on the diagram.

use baton_flow::diff::diff;
use baton_flow::{FlowVersion, FlowVersionInfo, Sync};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::common::{api_resource, CopyLinkButton, ErrorPanel, Loading};
use super::diagram::{merged, Diagram};
use super::editor::describe_diff;
use super::path_segment;
use crate::api::{self, ApiError};
use crate::format::relative_time;
use crate::settings::use_settings;

#[component]
pub fn VersionsPage() -> impl IntoView {
    let params = use_params_map();
    let flow_id = move || params.read().get("flow_id").unwrap_or_default();
    let versions = api_resource::<Vec<FlowVersionInfo>>(move || format!("/flows/{}/versions", path_segment(&flow_id())));

    view! {
        <section class="page">
            <header class="page-header page-header-row">
                <div>
                    <h1>"Saved versions"</h1>
                    <p class="page-lede"><a href=move || format!("/flows/{}", path_segment(&flow_id()))>"Back to the flow"</a></p>
                </div>
                <CopyLinkButton/>
            </header>
            <Suspense fallback=|| view! { <Loading what="versions"/> }>
                {move || versions.get().map(|result| match result {
                    Ok(list) => view! { <VersionTable flow_id=flow_id() versions=list/> }.into_any(),
                    Err(error) if error.is_not_found() => view! { <MissingFlow flow_id=flow_id()/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error what="the saved versions"/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn MissingFlow(flow_id: String) -> impl IntoView {
    view! {
        <section class="panel" data-testid="not-found">
            <h1>"Flow not found"</h1>
            <p>{format!("There is no flow with id '{flow_id}', so it has no versions. It may have been deleted.")}</p>
            <a href="/flows">"See all flows"</a>
        </section>
    }
}

#[component]
fn VersionTable(flow_id: String, mut versions: Vec<FlowVersionInfo>) -> impl IntoView {
    versions.sort_by(|a, b| b.version.cmp(&a.version));
    let base = format!("/flows/{}/versions", path_segment(&flow_id));
    let rows = versions
        .into_iter()
        .map(|info| {
            let view_href = format!("{base}/{}", info.version);
            let compare = (info.version > 1).then(|| format!("{base}/{}?compare={}", info.version, info.version - 1));
            view! {
                <tr data-version=info.version>
                    <td><a href=view_href>{format!("Version {}", info.version)}</a></td>
                    <td title=info.saved_at.to_rfc3339()>{relative_time(info.saved_at)}</td>
                    <td>{info.saved_by.clone()}</td>
                    <td class="num">{info.step_count}</td>
                    <td class="num">{info.trigger_count}</td>
                    <td>{compare.map(|href| view! { <a href=href>"Compare with the previous version"</a> })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table" data-testid="versions-table">
            <thead>
                <tr><th>"Version"</th><th>"Saved"</th><th>"By"</th><th class="num">"Steps"</th><th class="num">"Triggers"</th><th>"Changes"</th></tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// One version, and the comparison with `?compare=N` when given.
#[derive(Clone)]
struct Loaded {
    version: FlowVersion,
    compared: Option<FlowVersion>,
    syncs: Vec<Sync>,
}

#[component]
pub fn VersionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let settings = use_settings().settings;
    let flow_id = move || params.read().get("flow_id").unwrap_or_default();
    let number = move || params.read().get("version").unwrap_or_default();
    let compare = move || query.read().get("compare");

    let loaded = LocalResource::new(move || {
        let (settings, flow_id, number, compare) = (settings.get(), flow_id(), number(), compare());
        async move {
            let base = format!("/flows/{}/versions", path_segment(&flow_id));
            let version = api::get_json::<FlowVersion>(&settings, &format!("{base}/{}", path_segment(&number))).await?;
            let compared = match compare {
                Some(other) => Some(api::get_json::<FlowVersion>(&settings, &format!("{base}/{}", path_segment(&other))).await?),
                None => None,
            };
            let syncs = api::get_json::<Vec<Sync>>(&settings, "/syncs").await?;
            Ok::<_, ApiError>(Loaded { version, compared, syncs })
        }
    });

    view! {
        <section class="page">
            <Suspense fallback=|| view! { <Loading what="the version"/> }>
                {move || loaded.get().map(|result| match result {
                    Ok(loaded) => view! { <VersionView flow_id=flow_id() loaded/> }.into_any(),
                    Err(error) if error.is_not_found() => view! {
                        <section class="panel" data-testid="not-found">
                            <h1>"Version not found"</h1>
                            <p>{
                                let compared = compare().map(|other| format!(" or version {other}")).unwrap_or_default();
                                format!("Flow '{}' has no version {}{compared}, or the flow does not exist.", flow_id(), number())
                            }</p>
                            <a href=format!("/flows/{}/versions", path_segment(&flow_id()))>"See its saved versions"</a>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error what="the version"/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn VersionView(flow_id: String, loaded: Loaded) -> impl IntoView {
    let Loaded { version, compared, syncs } = loaded;
    let info = version.info.clone();
    let navigate = use_navigate();
    let base = format!("/flows/{}/versions/{}", path_segment(&flow_id), info.version);
    let choices: Vec<u64> = (1..=info.version.max(compared.as_ref().map_or(0, |c| c.info.version))).filter(|n| *n != info.version).collect();
    let selected = compared.as_ref().map(|other| other.info.version);
    let on_compare = {
        let base = base.clone();
        move |event| {
            let value = event_target_value(&event);
            let path = if value.is_empty() { base.clone() } else { format!("{base}?compare={value}") };
            navigate(&path, Default::default());
        }
    };

    let (drawn, marks, lines, title) = match &compared {
        Some(other) => {
            let changes = diff(&other.flow, &version.flow);
            let (drawn, marks) = merged(&other.flow, &version.flow, &changes);
            let title = format!("Changes from version {} to version {}", other.info.version, info.version);
            let (before, after) = (format!("version {}", other.info.version), format!("version {}", info.version));
            (drawn, marks, describe_diff(&changes, &before, &after), Some(title))
        }
        None => (version.flow.clone(), Default::default(), Vec::new(), None),
    };

    view! {
        <header class="page-header page-header-row">
            <div>
                <h1>{format!("{}: version {}", version.flow.name, info.version)}</h1>
                <p class="page-lede" title=info.saved_at.to_rfc3339()>{format!("Saved {} by {} · {} steps · {} triggers", relative_time(info.saved_at), info.saved_by, info.step_count, info.trigger_count)}</p>
            </div>
            <div class="toolbar-group">
                <CopyLinkButton/>
                <a class="button" href=format!("/flows/{}/versions", path_segment(&flow_id))>"All versions"</a>
            </div>
        </header>
        <div class="form-actions">
            <label for="compare-with">"Compare with"</label>
            <select id="compare-with" on:change=on_compare>
                <option value="" selected=selected.is_none()>"nothing"</option>
                {choices.into_iter().map(|n| view! { <option value=n.to_string() selected=selected == Some(n)>{format!("version {n}")}</option> }).collect_view()}
            </select>
        </div>
        {title.map(|title| view! {
            <section class="section" data-testid="version-diff">
                <h2>{title}</h2>
                <p class="legend"><span>"green: added"</span><span>"red, dashed: removed"</span><span>"amber: changed"</span></p>
                <ul class="diff-list">{lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
            </section>
        })}
        <Diagram flow=drawn syncs marks/>
    }
}
