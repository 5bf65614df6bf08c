//! Runs of flows and of syncs run alone: the run button, the live run
//! detail with its graph and timeline, and a flow's run history.

mod actions;
mod detail;
mod graph;
mod history;
mod live;
mod run_button;
mod steps;
mod timeline;

pub use detail::RunPage;
pub use history::RunHistoryPage;
pub use run_button::RunButton;

use baton_flow::{ErrorBody, Role};
use leptos::prelude::*;

use crate::api::ApiError;
use crate::status::{use_status, BackendStatus, Identity};

/// Returns why the current token cannot start, cancel or retry runs, or `None`
/// when it has the editor role.
pub fn editor_blocker() -> Option<String> {
    match use_status().status.get() {
        BackendStatus::Healthy { identity: Identity::Known(me), .. } if me.role == Role::Editor => None,
        BackendStatus::Healthy { identity: Identity::Known(me), .. } => Some(format!(
            "Token '{}' has the viewer role, which cannot start, cancel or retry runs. Set an editor token in Settings.",
            me.name
        )),
        BackendStatus::Checking => Some("Checking the token's role…".to_string()),
        _ => Some("Runs need a working backend and an editor token; check Settings.".to_string()),
    }
}

/// Whether the token is known to have the viewer role: run, cancel and
/// retry controls are then left out, and `editor_blocker` says why.
pub fn is_viewer() -> bool {
    use_status().role() == Some(Role::Viewer)
}

/// The path of a run's detail page.
pub fn run_href(run_id: &str) -> String {
    format!("/runs/{}", super::path_segment(run_id))
}

/// Returns the run id in the details of a 409 `run_active` response.
pub fn active_run_id(error: &ApiError) -> Option<String> {
    match error {
        ApiError::Status {
            status: 409,
            body:
                ErrorBody {
                    details: Some(details),
                    ..
                },
        } => details
            .get("run_id")
            .and_then(|id| id.as_str())
            .map(str::to_string),
        _ => None,
    }
}

/// The path of a sync's page.
pub fn sync_href(sync_id: &str) -> String {
    format!("/syncs/{}", super::path_segment(sync_id))
}
