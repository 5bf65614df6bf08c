//! SQLite helpers shared by the catalog, the demo data and sync runs.
