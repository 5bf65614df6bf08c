//! Demo data: a warehouse, three destinations that enforce their references
//! (CRM, billing, analytics) and a sync catalog, generated from a fixed seed.

use std::path::Path;

use super::EngineError;

/// The demo catalog, copied into a data dir as `syncs.toml`.
pub const DEMO_CATALOG: &str = include_str!("../../demo/syncs.toml");

/// Row counts of the warehouse tables that the demo generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSize {
    pub accounts: u32,
    pub contacts: u32,
    pub deals: u32,
    pub customers: u32,
    pub payments: u32,
    pub users: u32,
    pub events: u32,
}

impl DemoSize {
    /// The volumes shown in the dashboard's demo.
    pub fn demo() -> Self {
        DemoSize {
            accounts: 2_500,
            contacts: 30_000,
            deals: 6_000,
            customers: 2_000,
            payments: 12_000,
            users: 8_000,
            events: 60_000,
        }
    }

    /// Small volumes that keep tests fast.
    pub fn small() -> Self {
        DemoSize {
            accounts: 40,
            contacts: 200,
            deals: 60,
            customers: 30,
            payments: 120,
            users: 50,
            events: 300,
        }
    }
}

/// Creates the demo data in `data_dir`, unless it is already there.
///
/// Returns `true` when it created the files and `false` when it found all of
/// them and changed nothing.
pub fn create_demo(data_dir: &Path, size: DemoSize) -> Result<bool, EngineError> {
    let _ = (data_dir, size);
    Err(EngineError::Cancelled)
}
