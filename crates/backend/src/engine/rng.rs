//! Deterministic pseudo-random numbers for the demo data.
