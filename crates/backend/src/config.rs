//! Command-line configuration of the backend: where it listens, where it keeps
//! its data, what dashboard it serves, who may call it, and how runs execute.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::auth::TokenFlag;

/// Flags of `baton-backend`.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "baton-backend",
    version,
    about = "Reference sync backend for Baton"
)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Folder for the store (baton.sqlite), the sync catalog and the demo's SQLite files.
    #[arg(long, default_value = "./.data")]
    pub data_dir: PathBuf,

    /// Folder of a built dashboard (the output of `trunk build`) to serve at `/`.
    /// Paths outside `/api` that match no file get its index.html, so deep links work.
    #[arg(long)]
    pub dist: Option<PathBuf>,

    /// An API token as NAME:ROLE:SECRET, with ROLE viewer or editor; repeat for more.
    /// When given, these are the only tokens accepted.
    #[arg(long = "token", value_name = "NAME:ROLE:SECRET")]
    pub tokens: Vec<TokenFlag>,

    /// On first start, create the demo warehouse, destinations, sync catalog and
    /// two example flows; without --token, also an editor and a viewer token.
    #[arg(long)]
    pub demo: bool,

    /// Row counts of the demo data: `full` for the dashboard, `small` for tests.
    #[arg(long, value_enum, default_value_t = DemoScale::Full)]
    pub demo_size: DemoScale,

    /// Origin allowed to call the API from a browser (CORS), such as
    /// http://127.0.0.1:8081; without it, no cross-origin request is allowed.
    #[arg(long)]
    pub allow_origin: Option<String>,

    /// Step runs of one run that may execute at the same time.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// Timeout of one attempt of a step that sets no timeout_secs, in seconds.
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u32).range(1..))]
    pub step_timeout_secs: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoScale {
    Full,
    Small,
}
