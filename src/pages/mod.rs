//! One module per page, each with its private children.

mod common;
mod diagram;
mod draft;
mod editor;
mod flows;
mod not_found;
mod runs;
mod settings;
mod sync;
mod syncs;
mod versions;

pub use draft::DraftPage;
pub use editor::EditorPage;
pub use flows::FlowsPage;
pub use not_found::NotFoundPage;
pub use runs::{RunButton, RunHistoryPage, RunPage};
pub use settings::SettingsPage;
pub use sync::SyncPage;
pub use syncs::SyncsPage;
pub use versions::{VersionPage, VersionsPage};

/// Percent-encodes an id (of a flow, run, step or sync) for use as one path segment.
pub fn path_segment(id: &str) -> String {
    js_sys::encode_uri_component(id).into()
}
