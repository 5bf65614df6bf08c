//! A backend process killed with SIGKILL during a run: after a restart the run
//! is `interrupted`, and nothing else stored is lost.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use common::{demo_flags, json_ok, on_success, step, step_run, EDITOR};
use reqwest::Method;
use serde_json::{json, Value};

/// The backend binary, started on a free loopback port.
struct Process {
    child: Child,
    addr: SocketAddr,
    /// Every line the backend logged so far.
    log: Arc<Mutex<Vec<String>>>,
}

impl Process {
    fn start(data_dir: &Path) -> Process {
        Self::start_with(data_dir, "info")
    }

    fn start_with(data_dir: &Path, log_level: &str) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_baton-backend"))
            .arg("--addr")
            .arg("127.0.0.1:0")
            .arg("--data-dir")
            .arg(data_dir)
            .args(demo_flags())
            .env("RUST_LOG", log_level)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("backend binary starts");

        let stderr = child.stderr.take().expect("stderr piped");
        let (sender, receiver) = mpsc::channel();
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            // Keep reading after the address is found, so the pipe never fills up.
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = line
                    .split("addr=")
                    .nth(1)
                    .and_then(|rest| rest.split_whitespace().next())
                {
                    let _ = sender.send(addr.to_string());
                }
                lines.lock().unwrap().push(line);
            }
        });
        let addr = receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("backend logs its address");
        Process {
            child,
            addr: addr.parse().expect("socket address"),
            log,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}/api/v1{path}", self.addr)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn call(
    client: &reqwest::Client,
    process: &Process,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    let mut request = client
        .request(method, process.url(path))
        .bearer_auth(EDITOR);
    if let Some(body) = body {
        request = request.json(&body);
    }
    json_ok(request.send().await.expect("request sent")).await
}

async fn wait_for(
    client: &reqwest::Client,
    process: &Process,
    run_id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..2400 {
        let run = call(
            client,
            process,
            Method::GET,
            &format!("/runs/{run_id}"),
            None,
        )
        .await;
        if done(&run) {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("run {run_id} did not reach the state in 60 s");
}

#[tokio::test]
async fn sigkill_during_run_comes_back_interrupted() {
    let data_dir = tempfile::tempdir().unwrap();
    common::prepare_demo(data_dir.path(), 150);
    let client = reqwest::Client::new();
    let mut first = Process::start(data_dir.path());

    // Work that must survive: a finished run and a flow saved twice.
    let finished = call(
        &client,
        &first,
        Method::POST,
        "/syncs/crm_accounts/trigger",
        None,
    )
    .await;
    let finished_id = finished["id"].as_str().unwrap().to_string();
    wait_for(&client, &first, &finished_id, |run| {
        run["status"] == "succeeded"
    })
    .await;
    let flow = call(
        &client,
        &first,
        Method::POST,
        "/flows",
        Some(json!({
            "name": "killed",
            "steps": [step("accounts", "crm_accounts"), step("contacts", "crm_contacts"), step("deals", "crm_deals")],
            "triggers": [on_success("accounts", "contacts"), on_success("contacts", "deals")],
        })),
    )
    .await;
    let flow_id = flow["id"].as_str().unwrap().to_string();

    let run = call(
        &client,
        &first,
        Method::POST,
        &format!("/flows/{flow_id}/runs"),
        None,
    )
    .await;
    let run_id = run["id"].as_str().unwrap().to_string();
    let before = wait_for(&client, &first, &run_id, |run| {
        step_run(run, "contacts")["status"] == "running"
            && step_run(run, "contacts")["records"]["processed"].as_u64() > Some(0)
    })
    .await;
    first.child.kill().expect("SIGKILL");
    first.child.wait().expect("process ended");
    drop(first);

    let second = Process::start(data_dir.path());
    let after = call(
        &client,
        &second,
        Method::GET,
        &format!("/runs/{run_id}"),
        None,
    )
    .await;

    assert_eq!(after["status"], "interrupted", "{after}");
    assert!(after["finished_at"].is_string());
    assert_eq!(step_run(&after, "accounts")["status"], "succeeded");
    assert_eq!(
        step_run(&after, "accounts")["records"],
        step_run(&before, "accounts")["records"]
    );
    let contacts = step_run(&after, "contacts");
    assert_eq!(contacts["status"], "interrupted");
    assert!(
        contacts["records"]["processed"].as_u64() > Some(0),
        "progress written before the kill is kept: {contacts}"
    );
    assert_eq!(step_run(&after, "deals")["status"], "interrupted");

    let kept = call(
        &client,
        &second,
        Method::GET,
        &format!("/runs/{finished_id}"),
        None,
    )
    .await;
    assert_eq!(kept["status"], "succeeded");
    let versions = call(
        &client,
        &second,
        Method::GET,
        &format!("/flows/{flow_id}/versions"),
        None,
    )
    .await;
    assert_eq!(versions.as_array().unwrap().len(), 1);

    let retry = call(
        &client,
        &second,
        Method::POST,
        &format!("/runs/{run_id}/retry"),
        Some(json!({})),
    )
    .await;
    let retry_id = retry["id"].as_str().unwrap().to_string();
    let retried = wait_for(&client, &second, &retry_id, |run| {
        run["status"] != "queued" && run["status"] != "running"
    })
    .await;
    assert_eq!(retried["status"], "succeeded", "{retried}");
    let steps: Vec<&str> = retried["step_runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| step["step_id"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["contacts", "deals"]);
}

#[tokio::test]
async fn sigterm_stops_promptly_and_interrupts_run() {
    let data_dir = tempfile::tempdir().unwrap();
    common::prepare_demo(data_dir.path(), 300);
    let client = reqwest::Client::new();
    let mut first = Process::start(data_dir.path());
    let flows = call(&client, &first, Method::GET, "/flows", None).await;
    let flow_id = flows[0]["id"].as_str().unwrap().to_string();
    let run = call(
        &client,
        &first,
        Method::POST,
        &format!("/flows/{flow_id}/runs"),
        None,
    )
    .await;
    let run_id = run["id"].as_str().unwrap().to_string();
    wait_for(&client, &first, &run_id, |run| run["status"] == "running").await;
    let events = client
        .get(first.url(&format!("/runs/{run_id}/events")))
        .bearer_auth(EDITOR)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);

    let sent = Command::new("kill")
        .arg("-TERM")
        .arg(first.child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let began = std::time::Instant::now();
    let status = loop {
        if let Some(status) = first.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            began.elapsed() < Duration::from_secs(20),
            "backend still running 20 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status}");
    drop(events);
    drop(first);

    let second = Process::start(data_dir.path());
    let after = call(
        &client,
        &second,
        Method::GET,
        &format!("/runs/{run_id}"),
        None,
    )
    .await;
    assert_eq!(after["status"], "interrupted", "{after}");
    for step_run in after["step_runs"].as_array().unwrap() {
        assert!(
            ["succeeded", "interrupted"].contains(&step_run["status"].as_str().unwrap()),
            "{step_run}"
        );
    }
}

#[tokio::test]
async fn debug_log_holds_no_token() {
    let data_dir = tempfile::tempdir().unwrap();
    common::prepare_demo(data_dir.path(), 0);
    let client = reqwest::Client::new();
    let mut process = Process::start_with(data_dir.path(), "debug");

    let run = call(
        &client,
        &process,
        Method::POST,
        "/syncs/crm_accounts/trigger",
        None,
    )
    .await;
    let run_id = run["id"].as_str().unwrap().to_string();
    wait_for(&client, &process, &run_id, |run| {
        run["status"] == "succeeded"
    })
    .await;
    let by_query = format!(
        "{}?access_token={EDITOR}",
        process.url(&format!("/runs/{run_id}/events"))
    );
    let events = client.get(&by_query).send().await.unwrap();
    assert_eq!(events.status(), 200);
    assert!(events.text().await.unwrap().contains("\"succeeded\""));
    let wrong = client
        .get(format!(
            "{}?access_token=wrong-token",
            process.url(&format!("/runs/{run_id}/events"))
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let unauthorized = client
        .get(process.url("/me"))
        .bearer_auth("wrong-token-value")
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);

    let sent = Command::new("kill")
        .arg("-TERM")
        .arg(process.child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(sent.success());
    process.child.wait().expect("process ended");
    std::thread::sleep(Duration::from_millis(200));

    let log = process.log.lock().unwrap().join("\n");
    assert!(log.contains("stopped"), "the whole log was read");
    assert!(
        log.contains("/runs/"),
        "request paths are logged at debug level"
    );
    for secret in [EDITOR, common::VIEWER, "wrong-token"] {
        assert!(!log.contains(secret), "`{secret}` found in the log");
    }
}
