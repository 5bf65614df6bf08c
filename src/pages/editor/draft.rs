//! The draft: the flow being edited, kept in local storage after every edit
//! so that a reload or a crash loses nothing.

use baton_flow::Flow;
use serde::{Deserialize, Serialize};

/// A flow with unsaved edits, and the saved version it started from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub flow: Flow,
    /// The version the edits started from; 0 for a flow never saved.
    pub base_version: u64,
    /// When the draft was written, in milliseconds since the Unix epoch.
    pub saved_at_ms: f64,
}

/// The storage key of a flow's draft; `None` is the new, never-saved flow.
fn key(flow_id: Option<&str>) -> String {
    format!("baton.draft.{}", flow_id.unwrap_or("new"))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored draft, or the reason it cannot be read.
pub fn load(flow_id: Option<&str>) -> Result<Option<Draft>, String> {
    let Some(text) = storage().and_then(|storage| storage.get_item(&key(flow_id)).ok().flatten()) else {
        return Ok(None);
    };
    serde_json::from_str(&text).map(Some).map_err(|error| format!("The stored draft could not be read ({error}); it was left in place."))
}

pub fn store(flow_id: Option<&str>, flow: &Flow, base_version: u64) -> Result<(), String> {
    let draft = Draft { flow: flow.clone(), base_version, saved_at_ms: js_sys::Date::now() };
    let text = serde_json::to_string(&draft).map_err(|error| error.to_string())?;
    storage()
        .ok_or_else(|| "this browser gives the page no local storage".to_string())?
        .set_item(&key(flow_id), &text)
        .map_err(|_| "The browser refused to store the draft (storage full or disabled); save the flow or export it as JSON.".to_string())
}

pub fn clear(flow_id: Option<&str>) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(flow_id));
    }
}
