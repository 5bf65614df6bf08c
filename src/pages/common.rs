//! Pieces every page uses: loading an API resource and showing why it failed.

use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::api::{self, ApiError};
use crate::settings::use_settings;

/// Load `path` from the API, again whenever the path or the settings change.
pub fn api_resource<T>(path: impl Fn() -> String + 'static) -> LocalResource<Result<T, ApiError>>
where
    T: DeserializeOwned + Clone + 'static,
{
    let settings = use_settings().settings;
    LocalResource::new(move || {
        let settings = settings.get();
        let path = path();
        async move { api::get_json::<T>(&settings, &path).await }
    })
}

/// Why a request failed, told apart: backend down, token missing or
/// refused, object missing, or anything else.
#[component]
pub fn ErrorPanel(error: ApiError, #[prop(into)] what: String) -> impl IntoView {
    // A missing token is the normal first step, not a failure: say what to do.
    if matches!(error, ApiError::Status { status: 401, .. }) && use_settings().settings.with_untracked(|s| s.token.is_empty()) {
        return view! {
            <section class="panel" data-testid="error-panel">
                <h2>{format!("Paste a token to see {what}")}</h2>
                <p>"The backend needs a token for every request. Open Settings and paste the editor token (to edit and run flows) or the viewer token (to look) that the backend printed when it started."</p>
                <a class="button" href="/settings">"Open Settings"</a>
            </section>
        }
        .into_any();
    }
    if error.is_not_found() {
        return view! {
            <section class="panel" data-testid="not-found">
                <h1>{format!("Not found: {what}")}</h1>
                <p>{format!("The backend has no {what}: {error}. It may have been deleted, or the link is wrong.")}</p>
                <a href="/flows">"See all flows"</a>
            </section>
        }
        .into_any();
    }
    let (title, hint) = match &error {
        ApiError::Unreachable { .. } => (format!("Could not load {what}: the backend is unreachable"), "Start the backend, then reload."),
        ApiError::Status { status: 401, .. } => (format!("Could not load {what}: the token was rejected"), "Paste a valid token in Settings."),
        ApiError::Status { status: 403, .. } => (format!("Could not load {what}: the token's role does not allow it"), "Use an editor token."),
        _ => (format!("Could not load {what}"), ""),
    };
    view! {
        <section class="panel panel-error" role="alert" data-testid="error-panel">
            <h2>{title}</h2>
            <p>{error.to_string()}</p>
            <p class="hint">{hint}</p>
        </section>
    }
    .into_any()
}

#[component]
pub fn Loading(#[prop(into)] what: String) -> impl IntoView {
    view! { <p class="loading" aria-live="polite">{format!("Loading {what}…")}</p> }
}

/// A button that copies the page's own address, which is an exact link to
/// what the page shows, with feedback once copied.
#[component]
pub fn CopyLinkButton() -> impl IntoView {
    let state = RwSignal::new(None::<Result<(), String>>);
    let copy = move |_| {
        let Some(window) = web_sys::window() else { return };
        let href = window.location().href().unwrap_or_default();
        let promise = window.navigator().clipboard().write_text(&href);
        leptos::task::spawn_local(async move {
            let outcome = wasm_bindgen_futures::JsFuture::from(promise)
                .await
                .map(|_| ())
                .map_err(|_| format!("The browser did not allow copying; copy the address bar instead: {href}"));
            state.set(Some(outcome));
        });
    };
    view! {
        <span class="copy-link">
            <button type="button" class="button" on:click=copy>"Copy link"</button>
            {move || match state.get() {
                Some(Ok(())) => Some(view! { <span class="form-ok" role="status">"Link copied."</span> }.into_any()),
                Some(Err(message)) => Some(view! { <span class="form-error" role="alert">{message}</span> }.into_any()),
                None => None,
            }}
        </span>
    }
}
