//! A backend on a real loopback socket, with its data in a temporary folder,
//! and helpers to call it as the dashboard does.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use baton_backend::engine::{create_demo, DemoSize, CATALOG_FILE};
use baton_backend::{app, AppState, Config};
use clap::Parser;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;

pub const EDITOR: &str = "test-editor-secret";
pub const VIEWER: &str = "test-viewer-secret";

pub struct Server {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    /// The backend's state, for tests that drive a part without HTTP.
    pub state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Starts a backend with these flags after `--data-dir`.
    pub async fn start(flags: &[&str]) -> Server {
        let data_dir = tempfile::tempdir().expect("temporary data dir");
        Self::start_in(data_dir, flags).await
    }

    /// Starts a backend on small demo data whose destinations wait
    /// `latency_ms` per batch, with an editor and a viewer token.
    pub async fn demo(latency_ms: u64) -> Server {
        let data_dir = tempfile::tempdir().expect("temporary data dir");
        prepare_demo(data_dir.path(), latency_ms);
        Self::start_in(data_dir, &demo_flags()).await
    }

    pub async fn start_in(data_dir: tempfile::TempDir, flags: &[&str]) -> Server {
        let mut args = vec!["baton-backend".to_string(), "--data-dir".to_string()];
        args.push(data_dir.path().display().to_string());
        args.extend(flags.iter().map(|flag| flag.to_string()));
        let config = Config::try_parse_from(args).expect("valid flags");

        let state = AppState::open(&config).expect("state opens");
        let served = state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            axum::serve(listener, app(served))
                .await
                .expect("server runs");
        });

        Server {
            addr,
            client: reqwest::Client::new(),
            data_dir,
            state,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn data_path(&self) -> PathBuf {
        self.data_dir.path().to_path_buf()
    }

    /// Builds a request to `/api/v1{path}` with `token`.
    pub fn request(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(&format!("/api/v1{path}")))
            .bearer_auth(token)
    }

    pub async fn get(&self, path: &str) -> Value {
        let response = self
            .request(Method::GET, path, EDITOR)
            .send()
            .await
            .expect("request sent");
        json_ok(response).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path, EDITOR)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Creates `flow` and returns it as stored.
    pub async fn create_flow(&self, flow: &Value) -> Value {
        json_ok(self.post("/flows", flow).await).await
    }

    /// Starts a run of flow `flow_id` and returns its id.
    pub async fn start_run(&self, flow_id: &str) -> String {
        let run = json_ok(
            self.post(&format!("/flows/{flow_id}/runs"), &Value::Null)
                .await,
        )
        .await;
        run["id"].as_str().expect("run id").to_string()
    }

    /// Polls run `run_id` until it is no longer queued or running.
    pub async fn wait_run(&self, run_id: &str) -> Value {
        self.wait_until(run_id, |run| {
            run["status"] != "queued" && run["status"] != "running"
        })
        .await
    }

    /// Polls run `run_id` until `done` holds for it.
    pub async fn wait_until(&self, run_id: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let run = self.get(&format!("/runs/{run_id}")).await;
            if done(&run) {
                return run;
            }
            assert!(
                Instant::now() < deadline,
                "run {run_id} did not reach the state in 60 s: {run}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Reads the demo flow whose name starts with `prefix`.
    pub async fn demo_flow(&self, prefix: &str) -> Value {
        let flows = self.get("/flows").await;
        let id = flows
            .as_array()
            .expect("flow list")
            .iter()
            .find(|flow| {
                flow["name"]
                    .as_str()
                    .is_some_and(|name| name.starts_with(prefix))
            })
            .unwrap_or_else(|| panic!("no demo flow named {prefix}…: {flows}"))["id"]
            .as_str()
            .expect("flow id")
            .to_string();
        self.get(&format!("/flows/{id}")).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Flags of a demo backend with the test tokens.
pub fn demo_flags() -> Vec<&'static str> {
    vec![
        "--demo",
        "--demo-size",
        "small",
        "--token",
        "editor:editor:test-editor-secret",
        "--token",
        "viewer:viewer:test-viewer-secret",
    ]
}

/// Creates small demo data in `data_dir` whose destinations wait `latency_ms` per batch.
pub fn prepare_demo(data_dir: &Path, latency_ms: u64) {
    create_demo(data_dir, DemoSize::small()).expect("demo data");
    set_latency(data_dir, latency_ms);
}

/// Sets every destination's `batch_latency_ms` and a batch size of 50, so
/// that the small demo syncs take several batches.
pub fn set_latency(data_dir: &Path, latency_ms: u64) {
    let path = data_dir.join(CATALOG_FILE);
    let catalog = std::fs::read_to_string(&path).expect("catalog");
    let rewritten: Vec<String> = catalog
        .lines()
        .map(|line| {
            if line.starts_with("batch_latency_ms") {
                format!("batch_latency_ms = {latency_ms}")
            } else if line.starts_with("batch_size") {
                "batch_size = 50".to_string()
            } else {
                line.to_string()
            }
        })
        .collect();
    std::fs::write(&path, rewritten.join("\n")).expect("write catalog");
}

/// Parses the body of a 2xx response, and panics with the body otherwise.
pub async fn json_ok(response: Response) -> Value {
    let status = response.status();
    let text = response.text().await.expect("body");
    assert!(status.is_success(), "status {status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Returns the status and the error body of a response.
pub async fn error_of(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("JSON error body");
    (status, body)
}

/// Finds the step run of `step_id` in `run`.
pub fn step_run<'a>(run: &'a Value, step_id: &str) -> &'a Value {
    run["step_runs"]
        .as_array()
        .expect("step runs")
        .iter()
        .find(|step| step["step_id"] == step_id)
        .unwrap_or_else(|| panic!("no step run {step_id} in {run}"))
}

/// Builds a step of a flow body.
pub fn step(id: &str, sync_id: &str) -> Value {
    serde_json::json!({ "id": id, "sync_id": sync_id })
}

pub fn on_success(from: &str, to: &str) -> Value {
    serde_json::json!({ "from": from, "to": to })
}
