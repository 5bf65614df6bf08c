//! Command-line configuration of the backend: where it listens, where it keeps
//! its data, what dashboard it serves, and who may call it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// Flags of `baton-backend`.
#[derive(Debug, Clone, Parser)]
#[command(name = "baton-backend", version, about = "Reference sync backend for Baton")]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Folder for the SQLite store and the demo warehouse and destinations.
    #[arg(long, default_value = "./.data")]
    pub data_dir: PathBuf,

    /// Folder of a built dashboard (the output of `trunk build`) to serve at `/`.
    /// Paths outside `/api` that match no file get its index.html, so deep links work.
    #[arg(long)]
    pub dist: Option<PathBuf>,
}
