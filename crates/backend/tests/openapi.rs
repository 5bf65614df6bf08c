//! The served OpenAPI document equals docs/openapi.json, and every route it
//! lists exists.

mod common;

use common::{Server, EDITOR};
use reqwest::Method;
use serde_json::Value;

fn document_file() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

#[tokio::test]
async fn served_document_equals_file() {
    let server = Server::start(&[]).await;

    let response = server
        .client
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.text().await.unwrap(), document_file());
}

#[tokio::test]
async fn every_documented_route_exists() {
    let server = Server::demo(0).await;
    let document: Value = serde_json::from_str(&document_file()).unwrap();
    assert_eq!(document["openapi"], "3.1.0");

    for (path, operations) in document["paths"].as_object().unwrap() {
        let concrete = path.replace("{id}", "unknown").replace("{version}", "1");
        for method in operations.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = server
                .request(method.clone(), &concrete, EDITOR)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            assert_ne!(status, 405, "{method} {path}");
            assert!(!body.contains("no route for"), "{method} {path}: {body}");
        }
    }
}

/// Lists the property names of schema `name` in the document, sorted.
fn properties(document: &Value, name: &str) -> Vec<String> {
    let schema = &document["components"]["schemas"][name];
    let mut names: Vec<String> = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("schema {name}"))
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

fn keys(value: &Value) -> Vec<String> {
    let mut names: Vec<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("object: {value}"))
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn schemas_match_responses() {
    let server = Server::demo(0).await;
    let document: Value = serde_json::from_str(&document_file()).unwrap();
    let flow = server.demo_flow("CRM with the v2").await;
    let flow_id = flow["id"].as_str().unwrap();
    let run_id = server.start_run(flow_id).await;
    let run = server.wait_run(&run_id).await;

    let flows = server.get("/flows").await;
    let syncs = server.get("/syncs").await;
    let with_last_run = syncs
        .as_array()
        .unwrap()
        .iter()
        .find(|sync| !sync["last_run"].is_null())
        .unwrap();
    let samples = run["step_runs"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|step| step["rejected_samples"].get(0).cloned());
    let cases = [
        ("Health", server.get("/health").await),
        ("Me", server.get("/me").await),
        ("Connection", server.get("/connections").await[0].clone()),
        ("Sync", with_last_run.clone()),
        ("SyncLastRun", with_last_run["last_run"].clone()),
        ("SyncSource", with_last_run["source"].clone()),
        ("SyncDestination", with_last_run["destination"].clone()),
        ("Flow", flow.clone()),
        ("Step", flow["steps"][0].clone()),
        ("Trigger", flow["triggers"][0].clone()),
        ("FailurePolicy", flow["steps"][0]["failure_policy"].clone()),
        ("FlowSummary", flows[0].clone()),
        (
            "FlowVersionInfo",
            server.get(&format!("/flows/{flow_id}/versions")).await[0].clone(),
        ),
        (
            "FlowVersion",
            server.get(&format!("/flows/{flow_id}/versions/1")).await,
        ),
        (
            "RunSummary",
            server.get(&format!("/flows/{flow_id}/runs")).await["items"][0].clone(),
        ),
        (
            "RunPage",
            server.get(&format!("/flows/{flow_id}/runs")).await,
        ),
        ("StepRun", run["step_runs"][0].clone()),
        ("RecordCounts", run["records"].clone()),
    ];

    for (name, value) in &cases {
        assert_eq!(
            properties(&document, name),
            keys(value),
            "schema {name} against {value}"
        );
    }
    if let Some(sample) = samples {
        assert_eq!(properties(&document, "RejectedRecord"), keys(&sample));
    }
    let mut run_keys = properties(&document, "RunSummary");
    run_keys.push("step_runs".to_string());
    run_keys.sort();
    assert_eq!(run_keys, keys(&run));
}
