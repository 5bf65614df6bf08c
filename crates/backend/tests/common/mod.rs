//! A backend on a real loopback socket, with its data in a temporary folder.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;

use baton_backend::{app, AppState, Config};
use clap::Parser;

pub struct Server {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Starts a backend with these extra flags after `--data-dir`.
    pub async fn start(flags: &[&str]) -> Server {
        let data_dir = tempfile::tempdir().expect("temporary data dir");
        Self::start_in(data_dir, flags).await
    }

    pub async fn start_in(data_dir: tempfile::TempDir, flags: &[&str]) -> Server {
        let mut args = vec!["baton-backend".to_string(), "--data-dir".to_string()];
        args.push(data_dir.path().display().to_string());
        args.extend(flags.iter().map(|flag| flag.to_string()));
        let config = Config::try_parse_from(args).expect("valid flags");

        let state = AppState::open(&config).expect("state opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            axum::serve(listener, app(state)).await.expect("server runs");
        });

        Server { addr, client: reqwest::Client::new(), data_dir, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn data_path(&self) -> PathBuf {
        self.data_dir.path().to_path_buf()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}
