//! Where the dashboard finds its sync backend, and with which token.
//!
//! Settings live in the browser's local storage, never in a link, so a shared
//! URL cannot carry a token.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const STORAGE_KEY: &str = "baton.settings";

/// The API base URL and the bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Settings {
    /// Origin of the backend, such as `http://127.0.0.1:8080`; empty means
    /// the origin that served the dashboard.
    pub api_base: String,
    pub token: String,
}

/// Settings as the app holds them, with the problem met while loading them.
#[derive(Debug, Clone, Copy)]
pub struct SettingsContext {
    pub settings: RwSignal<Settings>,
    /// Set when stored settings could not be read, so the user learns that
    /// the defaults are in use.
    pub load_error: RwSignal<Option<String>>,
}

impl SettingsContext {
    pub fn provide() -> Self {
        let (settings, load_error) = match load() {
            Ok(settings) => (settings, None),
            Err(error) => (Settings::default(), Some(error)),
        };
        let context = SettingsContext {
            settings: RwSignal::new(settings),
            load_error: RwSignal::new(load_error),
        };
        provide_context(context);
        context
    }
}

pub fn use_settings() -> SettingsContext {
    expect_context::<SettingsContext>()
}

fn storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .ok_or_else(|| "this browser gives the page no local storage".to_string())
}

fn load() -> Result<Settings, String> {
    let Some(text) = storage()?.get_item(STORAGE_KEY).ok().flatten() else {
        return Ok(Settings::default());
    };
    serde_json::from_str(&text).map_err(|error| {
        format!("The saved settings could not be read ({error}); the defaults are in use until you save again.")
    })
}

/// Check and store new settings. Returns the message to show for invalid input.
pub fn save(api_base: &str, token: &str) -> Result<Settings, String> {
    let settings = Settings {
        api_base: normalize_api_base(api_base)?,
        token: check_token(token)?,
    };
    let text = serde_json::to_string(&settings).map_err(|error| error.to_string())?;
    storage()?
        .set_item(STORAGE_KEY, &text)
        .map_err(|_| "The browser refused to store the settings (storage full or disabled).".to_string())?;
    Ok(settings)
}

/// Accept an empty value (same origin) or an absolute http(s) URL without a
/// path, query or fragment, and drop a trailing slash.
pub fn normalize_api_base(value: &str) -> Result<String, String> {
    let value = value.trim().trim_end_matches('/');
    if value.is_empty() {
        return Ok(String::new());
    }

    let rest = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .ok_or_else(|| {
            format!("API base URL '{value}' must start with http:// or https://, or be left empty to use this page's origin.")
        })?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(format!(
            "API base URL '{value}' must be an origin such as http://127.0.0.1:8080, without a path; Baton adds /api/v1 itself."
        ));
    }
    Ok(value.to_string())
}

fn check_token(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("The token must not contain spaces or line breaks: paste only the secret the backend printed.".to_string());
    }
    Ok(value.to_string())
}
