//! Benchmarks of the backend: the run executor's own overhead per step, and
//! listing a page of run history with 100,000 runs stored.
//!
//! Run with `cargo bench -p baton-backend --bench backend`. Step runs use a
//! runner that returns at once, so the times are the executor's work alone:
//! deciding, scheduling, and writing every step run change with its event.

use std::sync::Arc;
use std::time::{Duration, Instant};

use baton_backend::engine::{Control, EngineError, SyncOutcome};
use baton_backend::executor::{Plan, Start, StepRunner};
use baton_backend::{app, AppState, Config};
use baton_flow::{Flow, RecordCounts, Step, Trigger, TriggerCondition, TriggerReason};
use clap::Parser;
use rusqlite::params;

const STEPS: usize = 1_000;
const HISTORY_RUNS: usize = 100_000;
const PAGE_REQUESTS: usize = 200;

/// A sync that does nothing, so only the executor's own work is measured.
struct NoopRunner;

impl StepRunner for NoopRunner {
    fn run(&self, _sync_id: &str, _control: &Control) -> Result<SyncOutcome, EngineError> {
        Ok(SyncOutcome {
            records: RecordCounts::default(),
            rejected_samples: Vec::new(),
        })
    }
}

fn open(data_dir: &std::path::Path, concurrency: &str) -> AppState {
    let config = Config::try_parse_from([
        "baton-backend",
        "--data-dir",
        &data_dir.display().to_string(),
        "--concurrency",
        concurrency,
        "--token",
        "bench:editor:bench-editor-secret",
    ])
    .expect("valid flags");
    AppState::open_with_runner(&config, Arc::new(NoopRunner)).expect("state opens")
}

fn step(index: usize) -> Step {
    Step {
        id: format!("step_{index:04}"),
        sync_id: "noop".to_string(),
        position: Default::default(),
        pinned: false,
        enabled: true,
        failure_policy: Default::default(),
        timeout_secs: None,
    }
}

/// Builds a flow of `STEPS` steps in which step i is triggered by step
/// i - `width`: a chain when `width` is 1, else `width` parallel chains, so
/// that each layer of `width` steps can run at once.
fn layered_flow(width: usize) -> Flow {
    let steps: Vec<Step> = (0..STEPS).map(step).collect();
    let triggers = (width..STEPS)
        .map(|index| Trigger {
            from: steps[index - width].id.clone(),
            to: steps[index].id.clone(),
            condition: TriggerCondition::OnSuccess,
        })
        .collect();
    Flow {
        id: format!("bench_{width}"),
        name: "bench".to_string(),
        steps,
        triggers,
        ..Flow::default()
    }
}

async fn executor_overhead(width: usize, concurrency: &str) {
    let data_dir = tempfile::tempdir().expect("temporary dir");
    let state = open(data_dir.path(), concurrency);
    let flow = layered_flow(width);
    let start = Start {
        reason: TriggerReason::Manual,
        triggered_by: "bench".to_string(),
        retry_of: None,
        flow_version: Some(1),
    };

    let began = Instant::now();
    let run = state
        .executor()
        .start(Plan::of_flow(&flow, None), start)
        .await
        .expect("run starts");
    while state.executor().is_active(&run.id) {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let elapsed = began.elapsed();

    let shape = if width == 1 {
        "chain".to_string()
    } else {
        format!("{} layers of {width}", STEPS / width)
    };
    println!(
        "executor: {STEPS} no-op steps, {shape}, concurrency {concurrency}: {:.0} ms per run, {:.3} ms per step",
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_secs_f64() * 1e3 / STEPS as f64
    );
}

/// Stores `HISTORY_RUNS` finished runs of one flow, one a minute, with one in
/// a hundred failed.
fn fill_history(data_dir: &std::path::Path) {
    let mut conn = rusqlite::Connection::open(data_dir.join("baton.sqlite")).expect("store opens");
    let tx = conn.transaction().expect("transaction");
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO runs (id, flow_id, flow_version, status, trigger_reason, triggered_by, created_at,
                                   started_at, finished_at, step_count, step_ids)
                 VALUES (?1, 'flow_bench', 1, ?2, 'schedule', 'schedule', ?3, ?3, ?3, 7, '[]')",
            )
            .expect("statement");
        let first = chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        for index in 0..HISTORY_RUNS {
            let created = first + chrono::TimeDelta::minutes(index as i64);
            let status = if index % 100 == 0 {
                "failed"
            } else {
                "succeeded"
            };
            let created = baton_backend::store::format_time(created);
            insert
                .execute(params![format!("run_{index:08}"), status, created])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
}

async fn history_pages() {
    let data_dir = tempfile::tempdir().expect("temporary dir");
    let state = open(data_dir.path(), "4");
    fill_history(data_dir.path());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app(state)).await });

    let client = reqwest::Client::new();
    let health = client
        .get(format!("http://{addr}/api/v1/health"))
        .send()
        .await
        .expect("backend up");
    assert!(health.status().is_success());

    // A cursor into the middle of history, as a client paging that far would hold.
    let store = baton_backend::store::Store::open(data_dir.path()).expect("store");
    let deep_cursor = store
        .call(|conn| {
            let (created_at, id): (String, String) = conn.query_row(
                "SELECT created_at, id FROM runs ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET 49999",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            Ok(baton_backend::store::runs::encode_cursor(&created_at, &id))
        })
        .await
        .expect("cursor");

    for (label, query) in [
        ("first page of 50", "limit=50".to_string()),
        (
            "page of 50 after 50,000 runs",
            format!("limit=50&cursor={deep_cursor}"),
        ),
        (
            "first page of 50 failed runs (1 in 100)",
            "limit=50&status=failed".to_string(),
        ),
        (
            "page of 500, time range",
            "limit=500&since=2020-02-01T00:00:00Z&until=2020-03-01T00:00:00Z".to_string(),
        ),
    ] {
        let mut times = Vec::with_capacity(PAGE_REQUESTS);
        for _ in 0..PAGE_REQUESTS {
            let url = format!("http://{addr}/api/v1/flows/flow_bench/runs?{query}");
            let began = Instant::now();
            let response = client
                .get(&url)
                .bearer_auth("bench-editor-secret")
                .send()
                .await
                .expect("request");
            let body = response.bytes().await.expect("body");
            times.push(began.elapsed());
            assert!(
                body.starts_with(b"{\"items\""),
                "{}",
                String::from_utf8_lossy(&body)
            );
        }
        times.sort();
        println!(
            "history: {HISTORY_RUNS} runs stored, {label}: median {:.2} ms, p95 {:.2} ms over {PAGE_REQUESTS} requests",
            times[PAGE_REQUESTS / 2].as_secs_f64() * 1e3,
            times[PAGE_REQUESTS * 95 / 100].as_secs_f64() * 1e3
        );
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        executor_overhead(1, "4").await;
        executor_overhead(100, "4").await;
        executor_overhead(100, "16").await;
        history_pages().await;
    });
}
