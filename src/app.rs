//! The app: the router, its routes and the layout around every page.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::pages::{
    DraftPage, EditorPage, FlowsPage, NotFoundPage, RunHistoryPage, RunPage, SettingsPage, SyncPage, SyncsPage, VersionPage, VersionsPage,
};
use crate::settings::SettingsContext;
use crate::status::{provide_status, StatusBanner, StatusIndicator};

#[component]
pub fn App() -> impl IntoView {
    SettingsContext::provide();
    provide_status();

    view! {
        <Router>
            <header class="app-header">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"⇢"</span>
                    "Baton"
                </A>
                <nav class="app-nav" aria-label="Main">
                    <A href="/flows">"Flows"</A>
                    <A href="/syncs">"Syncs"</A>
                    <A href="/settings">"Settings"</A>
                </nav>
                <StatusIndicator/>
            </header>
            <StatusBanner/>
            <main class="app-main">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=FlowsPage/>
                    <Route path=path!("/flows") view=FlowsPage/>
                    <Route path=path!("/flows/:flow_id") view=EditorPage/>
                    <Route path=path!("/flows/:flow_id/versions") view=VersionsPage/>
                    <Route path=path!("/flows/:flow_id/versions/:version") view=VersionPage/>
                    <Route path=path!("/draft") view=DraftPage/>
                    <Route path=path!("/flows/:flow_id/runs") view=RunHistoryPage/>
                    <Route path=path!("/runs/:run_id") view=RunPage/>
                    <Route path=path!("/runs/:run_id/steps/:step_id") view=RunPage/>
                    <Route path=path!("/syncs") view=SyncsPage/>
                    <Route path=path!("/syncs/:sync_id") view=SyncPage/>
                    <Route path=path!("/settings") view=SettingsPage/>
                </Routes>
            </main>
        </Router>
    }
}
