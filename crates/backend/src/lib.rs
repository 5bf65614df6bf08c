//! The Baton reference sync backend.
