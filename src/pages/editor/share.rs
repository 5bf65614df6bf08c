//! Sharing: a link to the saved flow, and a draft link that carries the
//! flow itself in the URL fragment, which browsers never send to a server.

use baton_flow::codec;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::Editor;
use crate::pages::path_segment;

/// Maximum length of a link offered for sharing.
// NOTE: an estimate, not a measured limit: the browsers tested here accept
// longer URLs, but some browsers, mail and chat tools cut long links.
pub const MAX_LINK_CHARS: usize = 64_000;

/// Content of the share panel.
#[derive(Debug, Clone, PartialEq)]
pub enum Shared {
    Link { url: String, what: &'static str },
    TooLong { chars: usize },
    Failed(String),
}

fn origin() -> String {
    web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default()
}

/// The draft link of the flow as it is now, saved or not.
pub fn draft_link(editor: Editor) -> Shared {
    let flow = editor.flow.get_untracked();
    match codec::encode(&flow) {
        Ok(code) => {
            let url = format!("{}/draft#{code}", origin());
            if url.len() > MAX_LINK_CHARS {
                Shared::TooLong { chars: url.len() }
            } else {
                Shared::Link { url, what: "Draft link" }
            }
        }
        Err(error) => Shared::Failed(format!("Could not make a draft link: {error}.")),
    }
}

/// The link to the saved flow, or `None` when it was never saved.
pub fn flow_link(editor: Editor) -> Option<Shared> {
    let saved = editor.saved.get_untracked()?;
    Some(Shared::Link { url: format!("{}/flows/{}", origin(), path_segment(&saved.flow.id)), what: "Link to the saved flow" })
}

/// Puts `text` on the clipboard and sets `copied` on success. On failure it
/// shows an error, so that the user copies the field by hand.
pub fn copy(editor: Editor, text: String, copied: RwSignal<bool>) {
    let Some(clipboard) = web_sys::window().map(|window| window.navigator().clipboard()) else {
        editor.error("This browser has no clipboard access; select the link and copy it by hand.");
        return;
    };
    spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await {
            Ok(_) => copied.set(true),
            Err(_) => editor.error("The browser did not allow copying; select the link and copy it by hand."),
        }
    });
}

/// The panel under the toolbar with the link, its copy button, and the way
/// out when a draft is too large for a link.
#[component]
pub fn SharePanel(editor: Editor, shared: RwSignal<Option<Shared>>, on_export: Callback<()>) -> impl IntoView {
    let copied = RwSignal::new(false);
    move || {
        shared.get().map(|shown| {
            let body = match shown {
                Shared::Link { url, what } => {
                    let copy_url = url.clone();
                    view! {
                        <label for="share-link">{what}</label>
                        <div class="inline">
                            <input id="share-link" type="text" readonly prop:value=url.clone() data-testid="share-link"/>
                            <button type="button" class="button" on:click=move |_| copy(editor, copy_url.clone(), copied)>"Copy link"</button>
                            {move || copied.get().then(|| view! { <span class="form-ok" role="status">"Copied."</span> })}
                        </div>
                        <p class="hint">"The link carries no token: whoever opens it signs in with their own."</p>
                    }
                    .into_any()
                }
                Shared::TooLong { chars } => view! {
                    <p class="form-error" role="alert" data-testid="share-too-long">
                        {format!("This draft makes a link of {chars} characters, longer than the {MAX_LINK_CHARS} that Baton offers, because many browsers, mail and chat tools cut long links. Export it as JSON and send the file instead.")}
                    </p>
                    <button type="button" class="button" on:click=move |_| on_export.run(())>"Export JSON"</button>
                }
                .into_any(),
                Shared::Failed(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
            };
            view! {
                <section class="share-panel" aria-label="Share" data-testid="share-panel">
                    {body}
                    <button type="button" class="notice-close" aria-label="Close" on:click=move |_| { shared.set(None); copied.set(false); }>"×"</button>
                </section>
            }
        })
    }
}
