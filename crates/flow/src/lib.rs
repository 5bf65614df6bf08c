//! The Baton flow model and every rule about it.
//!
//! A flow is a sync sequence: steps (syncs placed on a canvas) joined by
//! triggers. This crate has no web dependency, so the dashboard (compiled to
//! WebAssembly) and the reference backend share one definition of the types
//! of the HTTP contract and one implementation of every rule.

pub mod api;
pub mod codec;
pub mod connect;
pub mod diff;
pub mod edit;
pub mod geometry;
mod graph;
pub mod json;
pub mod layout;
pub mod limits;
pub mod model;
pub mod plan;
pub mod problem;
pub mod schedule;
pub mod validate;

pub use api::*;
pub use model::*;
pub use problem::*;
pub use validate::validate;
