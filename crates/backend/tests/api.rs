//! The HTTP contract's status codes and bodies: tokens and roles, flows with
//! optimistic concurrency and validation, body limits, and run history.

mod common;

use baton_backend::json::MAX_BODY_BYTES;
use common::{error_of, json_ok, on_success, step, Server, EDITOR, VIEWER};
use reqwest::Method;
use serde_json::{json, Value};

fn small_flow(name: &str) -> Value {
    json!({
        "name": name,
        "steps": [step("accounts", "crm_accounts"), step("contacts", "crm_contacts")],
        "triggers": [on_success("accounts", "contacts")],
    })
}

#[tokio::test]
async fn missing_or_unknown_token_gets_401() {
    let server = Server::demo(0).await;

    let none = server
        .client
        .get(server.url("/api/v1/flows"))
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(none).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");

    let wrong = server
        .request(Method::GET, "/flows", "not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let basic = server
        .client
        .get(server.url("/api/v1/me"))
        .basic_auth("a", Some("b"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
}

#[tokio::test]
async fn me_names_token_and_role() {
    let server = Server::demo(0).await;

    let viewer = server
        .request(Method::GET, "/me", VIEWER)
        .send()
        .await
        .unwrap();
    let viewer = json_ok(viewer).await;
    assert_eq!(viewer, json!({ "name": "viewer", "role": "viewer" }));

    assert_eq!(
        server.get("/me").await,
        json!({ "name": "editor", "role": "editor" })
    );
}

#[tokio::test]
async fn viewer_cannot_write_or_run() {
    let server = Server::demo(0).await;
    let flow = server.demo_flow("Daily CRM").await;
    let flow_id = flow["id"].as_str().unwrap();

    let writes = [
        (Method::POST, "/flows".to_string()),
        (Method::PUT, format!("/flows/{flow_id}")),
        (Method::DELETE, format!("/flows/{flow_id}")),
        (Method::POST, format!("/flows/{flow_id}/runs")),
        (Method::POST, "/syncs/crm_accounts/trigger".to_string()),
    ];
    for (method, path) in writes {
        let response = server
            .request(method.clone(), &path, VIEWER)
            .json(&small_flow("x"))
            .send()
            .await
            .unwrap();
        let (status, body) = error_of(response).await;
        assert_eq!(status, 403, "{method} {path}");
        assert_eq!(body["error"]["code"], "forbidden");
    }

    let read = server
        .request(Method::GET, &format!("/flows/{flow_id}"), VIEWER)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
}

#[tokio::test]
async fn unknown_ids_get_404() {
    let server = Server::demo(0).await;

    for path in [
        "/flows/nope",
        "/flows/nope/versions",
        "/runs/nope",
        "/syncs/nope",
        "/runs/nope/events",
    ] {
        let response = server
            .request(Method::GET, path, EDITOR)
            .send()
            .await
            .unwrap();
        let (status, body) = error_of(response).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    let flow = server.create_flow(&small_flow("one")).await;
    let missing_version = server.request(
        Method::GET,
        &format!("/flows/{}/versions/7", flow["id"].as_str().unwrap()),
        EDITOR,
    );
    assert_eq!(missing_version.send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn unknown_field_gets_400_naming_it() {
    let server = Server::demo(0).await;
    let mut flow = small_flow("typo");
    flow["steps"][1]["enabeld"] = json!(false);

    let (status, body) = error_of(server.post("/flows", &flow).await).await;

    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "bad_request");
    assert_eq!(body["error"]["details"]["field"], "steps[1].enabeld");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("enabeld"),
        "{body}"
    );
}

#[tokio::test]
async fn wrong_type_gets_400_naming_field() {
    let server = Server::demo(0).await;
    let mut flow = small_flow("types");
    flow["steps"][0]["timeout_secs"] = json!("ten");

    let (status, body) = error_of(server.post("/flows", &flow).await).await;

    assert_eq!(status, 400);
    assert_eq!(body["error"]["details"]["field"], "steps[0].timeout_secs");

    let broken = server
        .request(Method::POST, "/flows", EDITOR)
        .body("{\"name\":")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
}

#[tokio::test]
async fn invalid_flow_gets_422_with_problems() {
    let server = Server::demo(0).await;
    let flow = json!({
        "name": "loop",
        "steps": [step("a", "crm_accounts"), step("b", "crm_contacts"), step("c", "no_such_sync")],
        "triggers": [on_success("a", "b"), on_success("b", "a"), on_success("b", "c")],
    });

    let (status, body) = error_of(server.post("/flows", &flow).await).await;

    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "invalid_flow");
    let codes: Vec<&str> = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|problem| problem["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"cycle"), "{codes:?}");
    assert!(codes.contains(&"unknown_sync"), "{codes:?}");
}

#[tokio::test]
async fn stale_if_match_gets_412_with_current() {
    let server = Server::demo(0).await;
    let created = server.post("/flows", &small_flow("shared")).await;
    assert_eq!(created.headers()["etag"], "\"1\"");
    let flow = json_ok(created).await;
    let path = format!("/flows/{}", flow["id"].as_str().unwrap());

    let first = server
        .request(Method::PUT, &path, EDITOR)
        .header("If-Match", "\"1\"")
        .json(&small_flow("mine"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["etag"], "\"2\"");
    assert_eq!(json_ok(first).await["version"], 2);

    let stale = server
        .request(Method::PUT, &path, EDITOR)
        .header("If-Match", "\"1\"")
        .json(&small_flow("theirs"))
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(stale).await;
    assert_eq!(status, 412);
    assert_eq!(body["error"]["code"], "stale_version");
    assert_eq!(body["error"]["details"]["version"], 2);
    assert_eq!(body["error"]["details"]["name"], "mine");

    let read = server
        .request(Method::GET, &path, EDITOR)
        .send()
        .await
        .unwrap();
    assert_eq!(read.headers()["etag"], "\"2\"");
}

#[tokio::test]
async fn put_without_if_match_gets_428() {
    let server = Server::demo(0).await;
    let flow = server.create_flow(&small_flow("guarded")).await;
    let path = format!("/flows/{}", flow["id"].as_str().unwrap());

    let response = server
        .request(Method::PUT, &path, EDITOR)
        .json(&small_flow("blind"))
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(response).await;

    assert_eq!(status, 428);
    assert_eq!(body["error"]["code"], "precondition_required");
}

#[tokio::test]
async fn versions_keep_every_save() {
    let server = Server::demo(0).await;
    let flow = server.create_flow(&small_flow("v1")).await;
    let id = flow["id"].as_str().unwrap();
    let put = server
        .request(Method::PUT, &format!("/flows/{id}"), EDITOR)
        .header("If-Match", "1")
        .json(&small_flow("v2"));
    json_ok(put.send().await.unwrap()).await;

    let versions = server.get(&format!("/flows/{id}/versions")).await;
    let first = server.get(&format!("/flows/{id}/versions/1")).await;

    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(versions[0]["version"], 2);
    assert_eq!(versions[0]["saved_by"], "editor");
    assert_eq!(first["flow"]["name"], "v1");
    assert_eq!(first["info"]["step_count"], 2);
}

#[tokio::test]
async fn delete_removes_flow() {
    let server = Server::demo(0).await;
    let flow = server.create_flow(&small_flow("gone")).await;
    let path = format!("/flows/{}", flow["id"].as_str().unwrap());

    let deleted = server
        .request(Method::DELETE, &path, EDITOR)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let read = server
        .request(Method::GET, &path, EDITOR)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 404);
}

#[tokio::test]
async fn body_over_limit_gets_413() {
    let server = Server::demo(0).await;
    let body = vec![b' '; MAX_BODY_BYTES + 1];

    let response = server
        .request(Method::POST, "/flows", EDITOR)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, body) = error_of(response).await;

    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn flow_at_step_limit_fits() {
    let server = Server::demo(0).await;
    let flow = max_flow();
    let body = serde_json::to_vec(&flow).unwrap();
    assert!(body.len() < MAX_BODY_BYTES, "{} bytes", body.len());

    let response = server
        .request(Method::POST, "/flows", EDITOR)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();

    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 201, "{}", &text[..text.len().min(500)]);
}

/// Builds a flow at baton-flow's limits of steps and triggers, with the
/// longest step ids allowed. Every step updates accounts, which validation
/// accepts with warnings.
fn max_flow() -> Value {
    let steps = baton_flow::limits::MAX_STEPS;
    let id_chars = baton_flow::limits::MAX_STEP_ID_CHARS;
    let id = |index: usize| format!("{index:0>width$}", width = id_chars);
    let step_list: Vec<Value> = (0..steps)
        .map(|index| {
            json!({
                "id": id(index), "sync_id": "crm_account_health",
                "position": { "x": 1_234_567.25, "y": -7_654_321.5 }, "pinned": true, "enabled": true,
                "failure_policy": { "retries": 10, "on_failure": "continue" }, "timeout_secs": 86_400
            })
        })
        .collect();
    let mut triggers = Vec::new();
    'outer: for gap in 1..steps {
        for from in 0..steps - gap {
            if triggers.len() == baton_flow::limits::MAX_TRIGGERS {
                break 'outer;
            }
            triggers.push(
                json!({ "from": id(from), "to": id(from + gap), "condition": "on_completion" }),
            );
        }
    }
    json!({ "name": "n".repeat(baton_flow::limits::MAX_NAME_CHARS), "steps": step_list, "triggers": triggers })
}

#[tokio::test]
async fn history_filters_and_pages() {
    let server = Server::demo(0).await;
    let flow = server.demo_flow("CRM with the v2").await;
    let flow_id = flow["id"].as_str().unwrap();
    let mut run_ids = Vec::new();
    for _ in 0..5 {
        let run_id = server.start_run(flow_id).await;
        server.wait_run(&run_id).await;
        run_ids.push(run_id);
    }
    run_ids.reverse();

    let first = server.get(&format!("/flows/{flow_id}/runs?limit=2")).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = server
        .get(&format!("/flows/{flow_id}/runs?limit=2&cursor={cursor}"))
        .await;
    let cursor = second["next_cursor"].as_str().unwrap();
    let third = server
        .get(&format!("/flows/{flow_id}/runs?limit=2&cursor={cursor}"))
        .await;

    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|run| run["id"].as_str().unwrap().to_string())
            .collect()
    };
    let paged: Vec<String> = [ids(&first), ids(&second), ids(&third)].concat();
    assert_eq!(paged, run_ids, "newest first, each run once");
    assert!(third["next_cursor"].is_null());

    let failed = server
        .get(&format!("/flows/{flow_id}/runs?status=failed,interrupted"))
        .await;
    assert_eq!(failed["items"].as_array().unwrap().len(), 5);
    let succeeded = server
        .get(&format!("/flows/{flow_id}/runs?status=succeeded"))
        .await;
    assert!(succeeded["items"].as_array().unwrap().is_empty());
    let future = server
        .get(&format!("/flows/{flow_id}/runs?since=2999-01-01T00:00:00Z"))
        .await;
    assert!(future["items"].as_array().unwrap().is_empty());
    let past = server
        .get(&format!("/flows/{flow_id}/runs?until=2999-01-01T00:00:00Z"))
        .await;
    assert_eq!(past["items"].as_array().unwrap().len(), 5);

    let syncs = server.get("/syncs/crm_opportunities_v2/runs").await;
    assert_eq!(syncs["items"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn bad_history_parameters_get_400() {
    let server = Server::demo(0).await;
    let flow = server.demo_flow("Daily CRM").await;
    let flow_id = flow["id"].as_str().unwrap();

    for query in [
        "status=done",
        "limit=0",
        "limit=100000",
        "since=yesterday",
        "cursor=zz",
        "colour=red",
    ] {
        let response = server
            .request(
                Method::GET,
                &format!("/flows/{flow_id}/runs?{query}"),
                EDITOR,
            )
            .send()
            .await
            .unwrap();
        let (status, body) = error_of(response).await;
        assert_eq!(status, 400, "{query}: {body}");
    }
}

#[tokio::test]
async fn catalog_lists_syncs_with_last_run() {
    let server = Server::demo(0).await;
    let run = json_ok(
        server
            .post("/syncs/crm_accounts/trigger", &Value::Null)
            .await,
    )
    .await;
    server.wait_run(run["id"].as_str().unwrap()).await;

    let syncs = server.get("/syncs").await;
    let connections = server.get("/connections").await;
    let accounts = server.get("/syncs/crm_accounts").await;

    assert_eq!(syncs.as_array().unwrap().len(), 10);
    assert_eq!(connections.as_array().unwrap().len(), 4);
    assert_eq!(accounts["last_run"]["run_id"], run["id"]);
    assert_eq!(accounts["last_run"]["status"], "succeeded");
    assert_eq!(accounts["last_run"]["records"]["inserted"], 40);
}

#[tokio::test]
async fn demo_restart_keeps_data() {
    let data_dir = tempfile::tempdir().unwrap();
    common::prepare_demo(data_dir.path(), 0);
    let server = Server::start_in(data_dir, &["--demo", "--demo-size", "small"]).await;
    let tokens = std::fs::read_to_string(server.data_path().join("demo-tokens.txt")).unwrap();
    let editor = tokens
        .lines()
        .find_map(|line| line.strip_prefix("editor="))
        .unwrap()
        .to_string();
    let flows = json_ok(
        server
            .request(Method::GET, "/flows", &editor)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(flows.as_array().unwrap().len(), 2);
    let data_dir = std::mem::replace(&mut { server }.data_dir, tempfile::tempdir().unwrap());

    let again = Server::start_in(data_dir, &["--demo", "--demo-size", "small"]).await;
    let flows_again = json_ok(
        again
            .request(Method::GET, "/flows", &editor)
            .send()
            .await
            .unwrap(),
    )
    .await;

    assert_eq!(flows_again, flows, "same flows, same demo token");
}
