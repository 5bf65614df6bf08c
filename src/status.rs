//! The backend status shown in the header: is the backend reachable, which
//! version is it, and who the token belongs to.

use std::time::Duration;

use baton_flow::{Health, Me, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::settings::{use_settings, Settings};

const POLL_INTERVAL: Duration = Duration::from_secs(10);

/// Owner and role of the configured token.
#[derive(Debug, Clone, PartialEq)]
pub enum Identity {
    NoToken,
    Known(Me),
    /// The backend rejected the token, with its message.
    Rejected(String),
}

/// Result of the last health check.
#[derive(Debug, Clone, PartialEq)]
pub enum BackendStatus {
    Checking,
    Healthy { version: String, identity: Identity },
    /// No response: the message names the URL and what to do.
    Unreachable(String),
    /// A response that is not a healthy Baton backend.
    Failed(String),
}

/// The status, and a way to ask for a new check now.
#[derive(Debug, Clone, Copy)]
pub struct StatusContext {
    pub status: RwSignal<BackendStatus>,
    check_requests: RwSignal<u64>,
}

impl StatusContext {
    pub fn check_now(&self) {
        self.check_requests.update(|count| *count += 1);
    }

    /// The role of the token, once the backend has confirmed it.
    pub fn role(&self) -> Option<Role> {
        match self.status.get() {
            BackendStatus::Healthy { identity: Identity::Known(me), .. } => Some(me.role),
            _ => None,
        }
    }
}

pub fn use_status() -> StatusContext {
    expect_context::<StatusContext>()
}

/// Start checking the backend every few seconds and whenever the settings
/// change, and provide the result to every component.
pub fn provide_status() -> StatusContext {
    let settings = use_settings().settings;
    let context = StatusContext {
        status: RwSignal::new(BackendStatus::Checking),
        check_requests: RwSignal::new(0),
    };
    provide_context(context);

    if let Ok(handle) = set_interval_with_handle(move || context.check_now(), POLL_INTERVAL) {
        on_cleanup(move || handle.clear());
    }

    // Each check carries a generation number, so that a slow response for old
    // settings cannot overwrite the one for the current settings.
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        context.check_requests.track();
        let settings = settings.get();
        generation.update_value(|value| *value += 1);
        let this_generation = generation.get_value();
        spawn_local(async move {
            let status = check(&settings).await;
            if generation.try_get_value() == Some(this_generation) {
                context.status.set(status);
            }
        });
    });
    context
}

async fn check(settings: &Settings) -> BackendStatus {
    let health = match api::get_json::<Health>(settings, "/health").await {
        Ok(health) => health,
        Err(error @ ApiError::Unreachable { .. }) => return BackendStatus::Unreachable(error.to_string()),
        Err(error) => return BackendStatus::Failed(error.to_string()),
    };
    if health.status != "ok" {
        return BackendStatus::Failed(format!("The backend reports status '{}'.", health.status));
    }

    let identity = if settings.token.is_empty() {
        Identity::NoToken
    } else {
        match api::get_json::<Me>(settings, "/me").await {
            Ok(me) => Identity::Known(me),
            Err(error) => Identity::Rejected(error.to_string()),
        }
    };
    BackendStatus::Healthy { version: health.version, identity }
}

/// The pill in the header.
#[component]
pub fn StatusIndicator() -> impl IntoView {
    let context = use_status();
    let view_of = move || match context.status.get() {
        BackendStatus::Checking => ("checking", "Checking backend…".to_string(), String::new()),
        BackendStatus::Healthy { version, identity } => {
            let who = match identity {
                Identity::NoToken => "no token".to_string(),
                Identity::Known(me) => format!("{} ({})", me.name, role_name(me.role)),
                Identity::Rejected(_) => "token rejected".to_string(),
            };
            ("healthy", format!("Backend ok · {who}"), format!("Baton backend {version}"))
        }
        BackendStatus::Unreachable(message) => ("unreachable", "Backend unreachable".to_string(), message),
        BackendStatus::Failed(message) => ("failed", "Backend error".to_string(), message),
    };

    view! {
        <a class="status" href="/settings" data-status=move || view_of().0 title=move || view_of().2>
            <span class="status-dot" aria-hidden="true"></span>
            <span class="status-text">{move || view_of().1}</span>
        </a>
    }
}

/// A banner under the header while the backend cannot be used, saying why
/// and what to do.
#[component]
pub fn StatusBanner() -> impl IntoView {
    let context = use_status();
    move || {
        let (class, title, message) = match context.status.get() {
            BackendStatus::Unreachable(message) => ("banner banner-error", "Baton cannot reach the backend", message),
            BackendStatus::Failed(message) => ("banner banner-error", "The backend is not working", message),
            BackendStatus::Healthy { identity: Identity::NoToken, .. } => (
                "banner banner-notice",
                "No token set",
                "Paste a token in Settings to read flows and runs. The demo backend prints an editor and a viewer token when it starts.".to_string(),
            ),
            BackendStatus::Healthy { identity: Identity::Rejected(message), .. } => {
                ("banner banner-error", "The backend rejected the token", message)
            }
            _ => return None,
        };
        Some(view! {
            <div class=class role="alert" data-testid="status-banner">
                <strong>{title}</strong>
                <span>{message}</span>
                <button type="button" class="button" on:click=move |_| context.check_now()>"Check again"</button>
                <a class="button" href="/settings">"Settings"</a>
            </div>
        })
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Viewer => "viewer",
        Role::Editor => "editor",
    }
}
