//! The client of the sync backend's HTTP API under `/api/v1`.
//!
//! Pages never build a request by hand: they call the functions here, which
//! add the token, cancel the request when the component that asked for it
//! goes away, and tell apart a backend that cannot be reached, an error
//! response, and a response that does not match the contract.

use baton_flow::{ErrorBody, ErrorResponse};
use gloo_net::http::{Request, RequestBuilder, Response};
use leptos::prelude::Owner;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;

use crate::settings::Settings;

/// A failed request to the backend, by cause.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No response at all: the backend is down, the URL is wrong, or CORS blocked it.
    Unreachable { url: String, reason: String },
    /// The backend responded with an error status and the shared error body.
    Status { status: u16, body: ErrorBody },
    /// The response did not match the contract.
    Invalid { url: String, reason: String },
}

impl ApiError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Status { status: 404, .. })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Unreachable { url, reason } => write!(
                f,
                "The backend at {url} cannot be reached ({reason}). Check that it runs, \
                 and check the API base URL in Settings."
            ),
            ApiError::Status { status, body } => {
                write!(f, "{} (HTTP {status}, {})", body.message, body.code)
            }
            ApiError::Invalid { url, reason } => write!(
                f,
                "The backend at {url} sent a response Baton cannot read ({reason}). \
                 Check that the API base URL points at a Baton sync backend."
            ),
        }
    }
}

/// The full URL of an API path such as `/health`, under the configured base
/// or, when none is set, under the origin that served the dashboard.
pub fn url(settings: &Settings, path: &str) -> String {
    let base = if settings.api_base.is_empty() {
        web_sys::window().and_then(|window| window.location().origin().ok()).unwrap_or_default()
    } else {
        settings.api_base.trim_end_matches('/').to_string()
    };
    format!("{base}/api/v1{path}")
}

/// `GET` a path and decode its JSON body.
pub async fn get_json<T: DeserializeOwned>(settings: &Settings, path: &str) -> Result<T, ApiError> {
    get_versioned(settings, path).await.map(|response| response.value)
}

/// A decoded response with the version its `ETag` header carries.
#[derive(Debug, Clone)]
pub struct Versioned<T> {
    pub value: T,
    pub etag: Option<String>,
}

/// `GET` a path and keep its `ETag`, for a later conditional save.
pub async fn get_versioned<T: DeserializeOwned>(settings: &Settings, path: &str) -> Result<Versioned<T>, ApiError> {
    let url = url(settings, path);
    let response = send_cancellable(authorize(Request::get(&url), settings), &url).await?;
    let etag = response.headers().get("ETag");
    Ok(Versioned { value: decode(response, &url).await?, etag })
}

/// The HTTP methods that send a JSON body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Post,
    Put,
}

/// Send `body` as JSON with `method`, with `If-Match` when given, and decode
/// the JSON response and its `ETag`.
pub async fn send_json<B, T>(
    settings: &Settings,
    method: Method,
    path: &str,
    body: &B,
    if_match: Option<&str>,
) -> Result<Versioned<T>, ApiError>
where
    B: serde::Serialize,
    T: DeserializeOwned,
{
    let url = url(settings, path);
    let builder = match method {
        Method::Post => Request::post(&url),
        Method::Put => Request::put(&url),
    };
    let mut builder = authorize(builder, settings).header("Content-Type", "application/json");
    if let Some(etag) = if_match {
        builder = builder.header("If-Match", etag);
    }
    let text = serde_json::to_string(body).map_err(|error| ApiError::Invalid { url: url.clone(), reason: error.to_string() })?;

    let response = send(builder.body(text), &url).await?;
    let etag = response.headers().get("ETag");
    Ok(Versioned { value: decode(response, &url).await?, etag })
}

/// `DELETE` a path; success carries no body.
pub async fn delete(settings: &Settings, path: &str) -> Result<(), ApiError> {
    let url = url(settings, path);
    let response = send_cancellable(authorize(Request::delete(&url), settings), &url).await?;
    if (200..300).contains(&response.status()) {
        return Ok(());
    }
    decode::<serde_json::Value>(response, &url).await.map(|_| ())
}

fn authorize(builder: RequestBuilder, settings: &Settings) -> RequestBuilder {
    if settings.token.is_empty() {
        builder
    } else {
        builder.header("Authorization", &format!("Bearer {}", settings.token))
    }
}

/// Send a request that is aborted when the reactive owner that started it
/// is cleaned up, such as a page the user navigated away from.
async fn send_cancellable(builder: RequestBuilder, url: &str) -> Result<Response, ApiError> {
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|controller| controller.signal());
    let controller = SendWrapper::new(controller);
    Owner::on_cleanup(move || {
        if let Some(controller) = controller.take() {
            controller.abort();
        }
    });

    send(builder.abort_signal(signal.as_ref()).build(), url).await
}

/// Send a built request, telling a request that could not be built apart
/// from a backend that cannot be reached.
async fn send(request: Result<Request, gloo_net::Error>, url: &str) -> Result<Response, ApiError> {
    let request = request.map_err(|error| ApiError::Invalid { url: url.to_string(), reason: error.to_string() })?;
    request.send().await.map_err(|error| ApiError::Unreachable { url: url.to_string(), reason: error.to_string() })
}

async fn decode<T: DeserializeOwned>(response: Response, url: &str) -> Result<T, ApiError> {
    let status = response.status();
    let text = response.text().await.map_err(|error| ApiError::Unreachable {
        url: url.to_string(),
        reason: error.to_string(),
    })?;

    if !(200..300).contains(&status) {
        return Err(match serde_json::from_str::<ErrorResponse>(&text) {
            Ok(parsed) => ApiError::Status { status, body: parsed.error },
            Err(_) => ApiError::Status {
                status,
                body: ErrorBody {
                    code: "http_error".to_string(),
                    message: format!("The backend responded with HTTP {status} at {url}"),
                    details: None,
                },
            },
        });
    }

    serde_json::from_str(&text).map_err(|error| ApiError::Invalid {
        url: url.to_string(),
        reason: error.to_string(),
    })
}

/// `POST` a path with no body, for actions such as cancel that take no
/// input, and decode the JSON response.
pub async fn post_empty<T: DeserializeOwned>(settings: &Settings, path: &str) -> Result<T, ApiError> {
    let url = url(settings, path);
    let response = send(authorize(Request::post(&url), settings).build(), &url).await?;
    decode(response, &url).await
}

/// The URL of a run's server-sent events. A browser's `EventSource` cannot
/// send headers, so the token travels as the `access_token` query parameter.
pub fn event_stream_url(settings: &Settings, run_id: &str) -> String {
    let path = format!("/runs/{}/events", crate::pages::path_segment(run_id));
    let base = url(settings, &path);
    if settings.token.is_empty() {
        base
    } else {
        format!("{base}?access_token={}", js_sys::encode_uri_component(&settings.token))
    }
}
