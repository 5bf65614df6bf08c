//! The page for a path that matches no route.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let location = use_location();
    view! {
        <section class="page panel" data-testid="not-found">
            <h1>"Page not found"</h1>
            <p>{move || format!("Baton has no page at {}.", location.pathname.get())}</p>
            <a href="/flows">"Go to the flows"</a>
        </section>
    }
}
