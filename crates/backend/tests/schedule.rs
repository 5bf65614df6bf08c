//! Cron schedules start runs of their flow once per fire time.

mod common;

use baton_backend::scheduler::run_pass;
use chrono::{DateTime, Utc};
use common::{on_success, step, Server};
use serde_json::json;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn due_schedule_starts_one_run() {
    let server = Server::demo(0).await;
    let flow = server
        .create_flow(&json!({
            // Fires once a year, so the backend's own scheduler, which runs on
            // the wall clock during the test, never starts it.
            "name": "new year",
            "schedule": "5 0 1 1 *",
            "steps": [step("accounts", "crm_accounts"), step("contacts", "crm_contacts")],
            "triggers": [on_success("accounts", "contacts")],
        }))
        .await;
    let flow_id = flow["id"].as_str().unwrap();
    let executor = server.state.executor();

    run_pass(
        executor,
        at("2026-01-01T00:04:30Z"),
        at("2026-01-01T00:05:10Z"),
    )
    .await;
    let page = server.get(&format!("/flows/{flow_id}/runs")).await;

    let runs = page["items"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["trigger_reason"], "schedule");
    assert_eq!(runs[0]["triggered_by"], "schedule");
    assert_eq!(runs[0]["flow_version"], 1);
    let run = server.wait_run(runs[0]["id"].as_str().unwrap()).await;
    assert_eq!(run["status"], "succeeded", "{run}");

    run_pass(
        executor,
        at("2026-01-01T00:05:10Z"),
        at("2026-01-01T00:09:59Z"),
    )
    .await;
    let page = server.get(&format!("/flows/{flow_id}/runs")).await;
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        1,
        "no fire time in the second pass"
    );
}

#[tokio::test]
async fn unscheduled_flow_never_starts() {
    let server = Server::demo(0).await;
    let flow = server.demo_flow("Daily CRM").await;

    run_pass(
        server.state.executor(),
        at("2026-01-01T00:00:00Z"),
        at("2026-01-02T00:00:00Z"),
    )
    .await;

    let page = server
        .get(&format!("/flows/{}/runs", flow["id"].as_str().unwrap()))
        .await;
    assert!(page["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn invalid_schedule_gets_422() {
    let server = Server::demo(0).await;

    let response = server
        .post("/flows", &json!({ "name": "bad cron", "schedule": "every day", "steps": [step("a", "crm_accounts")] }))
        .await;
    let (status, body) = common::error_of(response).await;

    assert_eq!(status, 422);
    assert_eq!(body["error"]["details"][0]["code"], "invalid_schedule");
}
