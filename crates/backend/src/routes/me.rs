//! `GET /me`: the caller's token name and role.

use axum::routing::get;
use axum::{Json, Router};
use baton_flow::Me;

use crate::auth::Caller;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/me", get(me))
}

async fn me(caller: Caller) -> Json<Me> {
    Json(Me {
        name: caller.name,
        role: caller.role,
    })
}
