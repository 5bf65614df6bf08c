//! The settings page: API base URL and token.

use leptos::prelude::*;

use crate::settings::{self, use_settings};
use crate::status::use_status;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let context = use_settings();
    let status = use_status();
    let current = context.settings.get_untracked();
    let api_base = RwSignal::new(current.api_base);
    let token = RwSignal::new(current.token);
    let outcome = RwSignal::new(None::<Result<(), String>>);

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match settings::save(&api_base.get(), &token.get()) {
            Ok(saved) => {
                api_base.set(saved.api_base.clone());
                context.settings.set(saved);
                context.load_error.set(None);
                status.check_now();
                outcome.set(Some(Ok(())));
            }
            Err(message) => outcome.set(Some(Err(message))),
        }
    };

    view! {
        <section class="page narrow">
            <header class="page-header">
                <h1>"Settings"</h1>
                <p class="page-lede">"Where Baton finds its sync backend. Stored in this browser only; links never carry the token."</p>
            </header>
            {move || context.load_error.get().map(|message| view! { <p class="banner banner-warning" role="alert">{message}</p> })}
            <form class="form" on:submit=on_submit>
                <label for="api-base">"API base URL"</label>
                <input id="api-base" name="api-base" type="url" placeholder="empty: this page's origin"
                    prop:value=move || api_base.get() on:input=move |event| api_base.set(event_target_value(&event))/>
                <p class="hint">"For example http://127.0.0.1:8080. Leave empty when the backend serves this dashboard."</p>
                <label for="token">"Token"</label>
                <input id="token" name="token" type="password" autocomplete="off"
                    prop:value=move || token.get() on:input=move |event| token.set(event_target_value(&event))/>
                <p class="hint">"The secret of an editor or viewer token. The demo backend prints both when it starts."</p>
                <div class="form-actions">
                    <button type="submit" class="button button-primary">"Save"</button>
                    {move || match outcome.get() {
                        Some(Ok(())) => Some(view! { <span class="form-ok" role="status">"Saved."</span> }.into_any()),
                        Some(Err(message)) => Some(view! { <span class="form-error" role="alert">{message}</span> }.into_any()),
                        None => None,
                    }}
                </div>
            </form>
        </section>
    }
}
