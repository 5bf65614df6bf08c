//! One module per page, each with its private children.

mod common;
mod flow;
mod flows;
mod not_found;
mod settings;
mod syncs;

pub use flow::FlowPage;
pub use flows::FlowsPage;
pub use not_found::NotFoundPage;
pub use settings::SettingsPage;
pub use syncs::SyncsPage;
