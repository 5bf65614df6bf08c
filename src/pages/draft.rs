//! The draft preview: a flow carried in a link's fragment, shown read-only
//! with its validation and its diff against the saved flow it came from,
//! and the actions to open it in the editor or save it as a new flow.

use baton_flow::{codec, diff::diff, Flow, Sync};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};

use super::common::{ErrorPanel, Loading};
use super::diagram::{merged, Diagram};
use super::editor::{describe_diff, draft};
use super::path_segment;
use crate::api::{self, ApiError, Method};
use crate::settings::use_settings;

/// Data the preview needs besides the flow: the catalog, and the saved
/// flow the draft came from when the link names one.
#[derive(Clone)]
struct Context {
    syncs: Vec<Sync>,
    base: Option<Result<Flow, ApiError>>,
}

#[component]
pub fn DraftPage() -> impl IntoView {
    let location = use_location();
    let decoded = Memo::new(move |_| {
        let hash = location.hash.get();
        codec::decode(hash.trim_start_matches('#')).map_err(|error| error.to_string())
    });

    move || match decoded.get() {
        Err(message) => view! {
            <section class="page panel panel-error" role="alert" data-testid="draft-error">
                <h1>"This draft link cannot be opened"</h1>
                <p>{format!("The flow in the link could not be read: {message}.")}</p>
                <p class="hint">"Ask the sender for the link again, copied whole, or for the flow exported as JSON."</p>
                <a href="/flows">"Go to the flows"</a>
            </section>
        }
        .into_any(),
        Ok(flow) => view! { <DraftPreview flow/> }.into_any(),
    }
}

#[component]
fn DraftPreview(flow: Flow) -> impl IntoView {
    let settings = use_settings().settings;
    let base_id = flow.id.clone();
    let context = LocalResource::new(move || {
        let settings = settings.get();
        let base_id = base_id.clone();
        async move {
            let syncs = api::get_json::<Vec<Sync>>(&settings, "/syncs").await?;
            let base = if base_id.is_empty() {
                None
            } else {
                Some(api::get_json::<Flow>(&settings, &format!("/flows/{}", path_segment(&base_id))).await)
            };
            Ok::<_, ApiError>(Context { syncs, base })
        }
    });

    view! {
        <section class="page" data-testid="draft-preview">
            <header class="page-header">
                <h1>{format!("Draft: {}", flow.name)}</h1>
                <p class="page-lede">"A flow shared as a link. Nothing is saved until you open it in the editor and save, or save it as a new flow."</p>
            </header>
            <Suspense fallback=|| view! { <Loading what="the draft's catalog"/> }>
                {move || context.get().map(|result| match result {
                    Ok(context) => view! { <DraftBody flow=flow.clone() context/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error what="the sync catalog"/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DraftBody(flow: Flow, context: Context) -> impl IntoView {
    let problems = baton_flow::validate(&flow, &context.syncs);
    let errors = problems.iter().filter(|problem| problem.is_error()).count();

    let (drawn, marks, comparison) = match &context.base {
        Some(Ok(base)) => {
            let changes = diff(base, &flow);
            let (drawn, marks) = merged(base, &flow, &changes);
            let text = format!("Compared with version {} of the saved flow '{}':", base.version, base.name);
            (drawn, marks, Some((text, describe_diff(&changes, "the saved flow", "the draft"))))
        }
        Some(Err(error)) if error.is_not_found() => {
            let note = format!("It came from flow '{}', which no longer exists on this backend.", flow.id);
            (flow.clone(), Default::default(), Some((note, Vec::new())))
        }
        Some(Err(error)) => {
            let note = format!("The saved flow it came from could not be loaded: {error}");
            (flow.clone(), Default::default(), Some((note, Vec::new())))
        }
        None => (flow.clone(), Default::default(), None),
    };

    // A draft of a flow that was deleted since opens as a new flow.
    let base_missing = matches!(&context.base, Some(Err(error)) if error.is_not_found());
    view! {
        <DraftActions flow=flow.clone() errors base_missing/>
        <Diagram flow=drawn syncs=context.syncs.clone() marks/>
        {comparison.map(|(title, lines)| view! {
            <section class="section" data-testid="draft-diff">
                <h2>{title}</h2>
                <ul class="diff-list">{lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
            </section>
        })}
        <section class="section" data-testid="draft-problems">
            <h2>{format!("Validation: {errors} errors, {} warnings", problems.len() - errors)}</h2>
            <ul class="problem-list">
                {problems.into_iter().take(100).map(|problem| {
                    let code = serde_json::to_value(problem.code).ok().and_then(|value| value.as_str().map(str::to_string)).unwrap_or_default();
                    let severity = if problem.is_error() { "error" } else { "warning" };
                    view! {
                        <li class="problem" data-problem-code=code data-severity=severity>
                            <span class="problem-focus"><span class="problem-severity">{severity}</span>{problem.message}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn DraftActions(flow: Flow, errors: usize, base_missing: bool) -> impl IntoView {
    let settings = use_settings().settings;
    let navigate = use_navigate();
    let failure = RwSignal::new(None::<String>);

    let open_in_editor = {
        let flow = flow.clone();
        let navigate = navigate.clone();
        move |_| {
            let flow_id = (!flow.id.is_empty() && !base_missing).then(|| flow.id.clone());
            if let Err(message) = draft::store(flow_id.as_deref(), &flow, flow.version) {
                failure.set(Some(message));
                return;
            }
            let path = flow_id.map_or_else(|| "/flows/new".to_string(), |id| format!("/flows/{}", path_segment(&id)));
            navigate(&path, Default::default());
        }
    };
    let save_as_new = move |_| {
        let mut copy = flow.clone();
        copy.id = String::new();
        copy.version = 0;
        let settings = settings.get_untracked();
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::send_json::<Flow, Flow>(&settings, Method::Post, "/flows", &copy, None).await {
                Ok(created) => navigate(&format!("/flows/{}", path_segment(&created.value.id)), Default::default()),
                Err(error) => failure.set(Some(format!("Not saved: {error}"))),
            }
        });
    };

    let blocked = errors > 0;
    let save_title = if blocked { "Fix the errors in the editor first" } else { "Save a copy as a new flow" };
    view! {
        <div class="form-actions draft-actions">
            <button type="button" class="button" on:click=open_in_editor>"Open in the editor"</button>
            <button type="button" class="button button-primary" on:click=save_as_new disabled=blocked title=save_title>"Save as a new flow"</button>
            {move || failure.get().map(|message| view! { <span class="form-error" role="alert">{message}</span> })}
        </div>
    }
}
