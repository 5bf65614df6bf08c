//! The Baton reference sync backend.

pub mod engine;
