//! Tokens with roles: `viewer` reads, `editor` also saves flows and starts,
//! cancels and retries runs. Secrets arrive as `Authorization: Bearer`, are
//! compared by their SHA-256 hash, and are never logged.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use baton_flow::Role;
use sha2::{Digest, Sha256};

use crate::store::tokens::StoredToken;
use crate::store::{fill_random, hex};
use crate::{ApiError, AppState};

/// File in the data dir with the demo tokens' secrets, so a later start can print them again.
pub const DEMO_TOKENS_FILE: &str = "demo-tokens.txt";

/// A `--token NAME:ROLE:SECRET` flag.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenFlag {
    pub name: String,
    pub role: Role,
    pub secret: String,
}

impl std::fmt::Debug for TokenFlag {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TokenFlag")
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl std::str::FromStr for TokenFlag {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut parts = text.splitn(3, ':');
        let (Some(name), Some(role), Some(secret)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err("expected NAME:ROLE:SECRET, such as ci:editor:s3cret".to_string());
        };
        let role = match role {
            "viewer" => Role::Viewer,
            "editor" => Role::Editor,
            other => return Err(format!("unknown role `{other}`; use viewer or editor")),
        };
        if name.is_empty() {
            return Err("the token's NAME is empty".to_string());
        }
        if secret.len() < 8 {
            return Err("the token's SECRET is shorter than 8 characters".to_string());
        }
        Ok(TokenFlag {
            name: name.to_string(),
            role,
            secret: secret.to_string(),
        })
    }
}

pub fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// The tokens the backend accepts, by hash.
#[derive(Debug, Clone, Default)]
pub struct TokenTable {
    by_hash: HashMap<String, Caller>,
}

impl TokenTable {
    pub fn new(tokens: &[StoredToken]) -> Self {
        let by_hash = tokens
            .iter()
            .map(|token| {
                (
                    token.hash.clone(),
                    Caller {
                        name: token.name.clone(),
                        role: token.role,
                    },
                )
            })
            .collect();
        TokenTable { by_hash }
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    fn find(&self, secret: &str) -> Option<&Caller> {
        self.by_hash.get(&hash_secret(secret))
    }
}

/// The demo tokens' secrets, made once and kept in the data dir.
#[derive(Debug, Clone)]
pub struct DemoTokens {
    pub editor: String,
    pub viewer: String,
    pub path: PathBuf,
}

impl DemoTokens {
    /// Reads the demo tokens of `data_dir`, or makes and writes them.
    pub fn load_or_create(data_dir: &Path) -> std::io::Result<DemoTokens> {
        let path = data_dir.join(DEMO_TOKENS_FILE);
        if path.exists() {
            let text = std::fs::read_to_string(&path)?;
            let value = |prefix: &str| {
                text.lines()
                    .find_map(|line| line.strip_prefix(prefix))
                    .map(|secret| secret.trim().to_string())
            };
            if let (Some(editor), Some(viewer)) = (value("editor="), value("viewer=")) {
                return Ok(DemoTokens {
                    editor,
                    viewer,
                    path,
                });
            }
            let message = format!(
                "{} lacks an editor= or viewer= line; delete it to make new demo tokens",
                path.display()
            );
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                message,
            ));
        }

        let tokens = DemoTokens {
            editor: new_secret("edit"),
            viewer: new_secret("view"),
            path,
        };
        let text = format!(
            "# Demo API tokens of this data dir, made by baton-backend --demo.\neditor={}\nviewer={}\n",
            tokens.editor, tokens.viewer
        );
        write_private(&tokens.path, &text)?;
        Ok(tokens)
    }

    pub fn stored(&self) -> Vec<StoredToken> {
        vec![
            StoredToken {
                hash: hash_secret(&self.editor),
                name: "demo-editor".into(),
                role: Role::Editor,
                source: "demo".into(),
            },
            StoredToken {
                hash: hash_secret(&self.viewer),
                name: "demo-viewer".into(),
                role: Role::Viewer,
                source: "demo".into(),
            },
        ]
    }
}

fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    format!("baton_{prefix}_{}", hex(&bytes))
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)?;
        file.write_all(text.as_bytes())
    }
    #[cfg(not(unix))]
    {
        std::fs::write(path, text)
    }
}

/// The caller of a request, from its bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub name: String,
    pub role: Role,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = bearer_secret(parts)?.ok_or_else(|| {
            ApiError::Unauthorized(
                "missing Authorization header; send Authorization: Bearer <token>".to_string(),
            )
        })?;
        find(state, secret)
    }
}

/// A caller of an event stream: the bearer token, or else the `access_token`
/// query parameter (RFC 6750, section 2.3), because a browser's EventSource
/// cannot send headers.
#[derive(Debug, Clone)]
pub struct StreamCaller(pub Caller);

impl FromRequestParts<AppState> for StreamCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(secret) = bearer_secret(parts)? {
            return find(state, secret).map(StreamCaller);
        }
        let query: axum::extract::Query<std::collections::HashMap<String, String>> =
            axum::extract::Query::try_from_uri(&parts.uri).map_err(|rejection| {
                ApiError::bad_request(format!("invalid query string: {}", rejection.body_text()))
            })?;
        let secret = query
            .0
            .get("access_token")
            .filter(|secret| !secret.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthorized(
                    "missing token; send Authorization: Bearer <token> or the access_token query parameter".to_string(),
                )
            })?;
        find(state, secret).map(StreamCaller)
    }
}

/// Reads the secret of an `Authorization: Bearer` header, if the request has one.
fn bearer_secret(parts: &Parts) -> Result<Option<&str>, ApiError> {
    let Some(header) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let secret = header
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            ApiError::Unauthorized("the Authorization header is not `Bearer <token>`".to_string())
        })?;
    Ok(Some(secret))
}

fn find(state: &AppState, secret: &str) -> Result<Caller, ApiError> {
    state.tokens().find(secret).cloned().ok_or_else(|| {
        ApiError::Unauthorized(
            "unknown token; check the token in the dashboard's settings".to_string(),
        )
    })
}

/// A caller with the `editor` role.
#[derive(Debug, Clone)]
pub struct Editor(pub Caller);

impl FromRequestParts<AppState> for Editor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if caller.role != Role::Editor {
            return Err(ApiError::Forbidden(format!(
                "token `{}` has the viewer role; saving, deleting and running need an editor token",
                caller.name
            )));
        }
        Ok(Editor(caller))
    }
}
