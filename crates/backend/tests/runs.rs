//! Runs over real syncs on small demo data: the lookup race, parallel
//! branches, skips, on_completion triggers, cancel, retry and one active run.

mod common;

use common::{error_of, json_ok, on_success, step, step_run, Server};
use serde_json::{json, Value};

fn counts(step_run: &Value) -> (u64, u64) {
    let records = &step_run["records"];
    (
        records["processed"].as_u64().unwrap(),
        records["failed"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn contact_sync_alone_rejects_contacts() {
    let server = Server::demo(0).await;

    let response = server
        .post("/syncs/crm_contacts/trigger", &Value::Null)
        .await;
    let run = json_ok(response).await;
    assert_eq!(run["sync_id"], "crm_contacts");
    let run = server.wait_run(run["id"].as_str().unwrap()).await;

    let contacts = step_run(&run, "crm_contacts");
    let (processed, rejected) = counts(contacts);
    assert_eq!(processed, 200);
    // Every contact with an account is rejected, because the CRM has no accounts yet.
    assert!(rejected >= 150, "only {rejected} of 200 contacts rejected");
    let inserted = contacts["records"]["inserted"].as_u64().unwrap();
    assert_eq!(inserted + rejected, processed);
    let sample = &contacts["rejected_samples"][0];
    assert!(
        sample["reason"].as_str().unwrap().contains("account"),
        "{sample}"
    );
    assert_eq!(run["records"]["failed"], rejected);
}

#[tokio::test]
async fn ordered_flow_rejects_none() {
    let server = Server::demo(0).await;
    let flow = server.demo_flow("Daily CRM").await;

    let run_id = server.start_run(flow["id"].as_str().unwrap()).await;
    let run = server.wait_run(&run_id).await;

    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["step_runs"].as_array().unwrap().len(), 7);
    for step_run in run["step_runs"].as_array().unwrap() {
        assert_eq!(step_run["status"], "succeeded", "{step_run}");
        assert_eq!(step_run["records"]["failed"], 0, "{step_run}");
    }
    assert_eq!(counts(step_run(&run, "contacts")), (200, 0));
    assert_eq!(run["records"]["failed"], 0);
}

#[tokio::test]
async fn diamond_middle_steps_overlap() {
    let server = Server::demo(150).await;
    let flow = server
        .create_flow(&json!({
            "name": "diamond",
            "steps": [
                step("accounts", "crm_accounts"),
                step("contacts", "crm_contacts"),
                step("customers", "billing_customers"),
                step("users", "analytics_users"),
            ],
            "triggers": [
                on_success("accounts", "contacts"),
                on_success("accounts", "customers"),
                on_success("contacts", "users"),
                on_success("customers", "users"),
            ],
        }))
        .await;

    let run_id = server.start_run(flow["id"].as_str().unwrap()).await;
    let run = server.wait_run(&run_id).await;

    assert_eq!(run["status"], "succeeded", "{run}");
    let time = |step_id: &str, field: &str| {
        let text = step_run(&run, step_id)[field].as_str().unwrap().to_string();
        chrono::DateTime::parse_from_rfc3339(&text).unwrap()
    };
    let (contacts_start, contacts_end) = (
        time("contacts", "started_at"),
        time("contacts", "finished_at"),
    );
    let (customers_start, customers_end) = (
        time("customers", "started_at"),
        time("customers", "finished_at"),
    );
    assert!(
        contacts_start < customers_end,
        "contacts started after customers ended: {run}"
    );
    assert!(
        customers_start < contacts_end,
        "customers started after contacts ended: {run}"
    );
    assert!(time("accounts", "finished_at") <= contacts_start.min(customers_start));
    assert!(time("users", "started_at") >= contacts_end.max(customers_end));
}

#[tokio::test]
async fn failure_skips_below_and_completion_runs() {
    let server = Server::demo(0).await;
    let flow = server.demo_flow("CRM with the v2").await;

    let run_id = server.start_run(flow["id"].as_str().unwrap()).await;
    let run = server.wait_run(&run_id).await;

    assert_eq!(run["status"], "failed", "{run}");
    assert_eq!(run["steps_failed"], 1);
    assert_eq!(step_run(&run, "accounts")["status"], "succeeded");
    assert_eq!(step_run(&run, "contacts")["status"], "succeeded");
    let failed = step_run(&run, "opportunities_v2");
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("opportunities_v2"),
        "{failed}"
    );
    assert_eq!(step_run(&run, "deals")["status"], "skipped");
    assert_eq!(
        step_run(&run, "account_health")["status"],
        "succeeded",
        "on_completion runs after a failure"
    );
}

#[tokio::test]
async fn continue_policy_keeps_run_succeeded() {
    let server = Server::demo(0).await;
    let flow = server
        .create_flow(&json!({
            "name": "tolerant",
            "steps": [
                { "id": "broken", "sync_id": "crm_opportunities_v2",
                  "failure_policy": { "retries": 1, "on_failure": "continue" } },
                step("accounts", "crm_accounts"),
            ],
            "triggers": [ { "from": "broken", "to": "accounts", "condition": "on_completion" } ],
        }))
        .await;

    let run_id = server.start_run(flow["id"].as_str().unwrap()).await;
    let run = server.wait_run(&run_id).await;

    assert_eq!(run["status"], "succeeded", "{run}");
    let broken = step_run(&run, "broken");
    assert_eq!(broken["status"], "failed");
    assert_eq!(broken["attempt"], 2, "one retry after the first attempt");
    assert_eq!(step_run(&run, "accounts")["status"], "succeeded");
}

#[tokio::test]
async fn disabled_step_passes_through() {
    let server = Server::demo(0).await;
    let flow = server
        .create_flow(&json!({
            "name": "pass through",
            "steps": [
                step("accounts", "crm_accounts"),
                { "id": "contacts", "sync_id": "crm_contacts", "enabled": false },
                step("deals", "crm_deals"),
            ],
            "triggers": [ on_success("accounts", "contacts"), on_success("contacts", "deals") ],
        }))
        .await;

    let run_id = server.start_run(flow["id"].as_str().unwrap()).await;
    let run = server.wait_run(&run_id).await;

    let contacts = step_run(&run, "contacts");
    assert_eq!(contacts["status"], "skipped");
    assert_eq!(contacts["records"]["processed"], 0);
    assert_eq!(step_run(&run, "deals")["status"], "succeeded", "{run}");
}

#[tokio::test]
async fn cancel_stops_running_and_pending() {
    // Batches of 1 s: the steps that run when the cancel arrives are still
    // in their first batch, and the engine stops them before they write.
    let server = Server::demo(1000).await;
    let flow = server.demo_flow("Daily CRM").await;
    let run_id = server.start_run(flow["id"].as_str().unwrap()).await;
    server
        .wait_until(&run_id, |run| {
            step_run(run, "contacts")["status"] == "running"
        })
        .await;

    let response = server
        .post(&format!("/runs/{run_id}/cancel"), &Value::Null)
        .await;
    assert_eq!(response.status(), 202);
    let run = server.wait_run(&run_id).await;

    assert_eq!(run["status"], "cancelled", "{run}");
    assert_eq!(step_run(&run, "accounts")["status"], "succeeded");
    for step_id in [
        "contacts",
        "deals",
        "customers",
        "payments",
        "users",
        "events",
    ] {
        assert_eq!(
            step_run(&run, step_id)["status"],
            "cancelled",
            "{step_id}: {run}"
        );
    }
    assert!(
        step_run(&run, "deals")["started_at"].is_null(),
        "deals never started"
    );

    let again = server
        .post(&format!("/runs/{run_id}/cancel"), &Value::Null)
        .await;
    let (status, body) = error_of(again).await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "run_not_active");
}

#[tokio::test]
async fn retry_runs_failed_steps_only() {
    let server = Server::demo(0).await;
    let flow = server.demo_flow("CRM with the v2").await;
    let first = server.start_run(flow["id"].as_str().unwrap()).await;
    server.wait_run(&first).await;

    let response = server
        .post(
            &format!("/runs/{first}/retry"),
            &json!({ "scope": "failed" }),
        )
        .await;
    let retry = json_ok(response).await;
    let retry = server.wait_run(retry["id"].as_str().unwrap()).await;

    assert_eq!(retry["retry_of"], first.as_str());
    assert_eq!(retry["trigger_reason"], "retry");
    let mut steps: Vec<&str> = retry["step_runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| step["step_id"].as_str().unwrap())
        .collect();
    steps.sort();
    assert_eq!(steps, ["account_health", "deals", "opportunities_v2"]);
    assert_eq!(step_run(&retry, "opportunities_v2")["status"], "failed");
    assert_eq!(step_run(&retry, "deals")["status"], "skipped");

    let all = server
        .post(&format!("/runs/{first}/retry"), &json!({ "scope": "all" }))
        .await;
    let all = server
        .wait_run(json_ok(all).await["id"].as_str().unwrap())
        .await;
    assert_eq!(all["step_runs"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn second_start_gets_409() {
    let server = Server::demo(200).await;
    let flow = server.demo_flow("Daily CRM").await;
    let flow_id = flow["id"].as_str().unwrap();
    let first = server.start_run(flow_id).await;

    let response = server
        .post(&format!("/flows/{flow_id}/runs"), &Value::Null)
        .await;
    let (status, body) = error_of(response).await;

    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "run_active");
    assert_eq!(body["error"]["details"]["run_id"], first.as_str());
    server
        .post(&format!("/runs/{first}/cancel"), &Value::Null)
        .await;
    server.wait_run(&first).await;
    let third = server
        .post(&format!("/flows/{flow_id}/runs"), &Value::Null)
        .await;
    assert_eq!(
        third.status(),
        201,
        "a start after the run ended is accepted"
    );
}

#[tokio::test]
async fn step_timeout_fails_step() {
    let server = Server::demo(1500).await;
    let flow = server
        .create_flow(&json!({
            "name": "slow",
            "steps": [ { "id": "accounts", "sync_id": "crm_accounts", "timeout_secs": 1 }, step("contacts", "crm_contacts") ],
            "triggers": [ on_success("accounts", "contacts") ],
        }))
        .await;

    let run_id = server.start_run(flow["id"].as_str().unwrap()).await;
    let run = server.wait_run(&run_id).await;

    assert_eq!(run["status"], "failed", "{run}");
    let accounts = step_run(&run, "accounts");
    assert_eq!(accounts["status"], "failed");
    assert!(
        accounts["error"]
            .as_str()
            .unwrap()
            .contains("timed out after 1 s"),
        "{accounts}"
    );
    assert_eq!(step_run(&run, "contacts")["status"], "skipped");
}

#[tokio::test]
async fn retry_of_success_gets_409() {
    let server = Server::demo(0).await;
    let run = json_ok(
        server
            .post("/syncs/crm_accounts/trigger", &Value::Null)
            .await,
    )
    .await;
    let run_id = run["id"].as_str().unwrap();
    server.wait_run(run_id).await;

    let empty_body = server.request(
        reqwest::Method::POST,
        &format!("/runs/{run_id}/retry"),
        common::EDITOR,
    );
    let failed_only = empty_body.send().await.unwrap();
    let (status, body) = error_of(failed_only).await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "nothing_to_retry");

    let all = server
        .post(&format!("/runs/{run_id}/retry"), &json!({ "scope": "all" }))
        .await;
    let all = server
        .wait_run(json_ok(all).await["id"].as_str().unwrap())
        .await;
    assert_eq!(all["sync_id"], "crm_accounts");
    assert_eq!(all["retry_of"], run_id);
    assert_eq!(all["status"], "succeeded");

    let typo = server
        .post(
            &format!("/runs/{run_id}/retry"),
            &json!({ "scope": "everything" }),
        )
        .await;
    let (status, body) = error_of(typo).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["details"]["field"], "scope");
}
