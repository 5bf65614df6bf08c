//! Server-sent events of a run: live, replayed after Last-Event-ID, and
//! replayed in full for a finished run.

mod common;

use common::{Server, EDITOR};
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::Value;

/// One parsed server-sent event.
#[derive(Debug)]
struct SseEvent {
    id: u64,
    name: String,
    data: Value,
}

/// Reads the event stream of `run_id` until the server closes it.
async fn read_events(server: &Server, run_id: &str, last_event_id: Option<u64>) -> Vec<SseEvent> {
    let mut request = server.request(Method::GET, &format!("/runs/{run_id}/events"), EDITOR);
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id.to_string());
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");

    let mut text = String::new();
    let mut stream = response.bytes_stream();
    let read = async {
        while let Some(chunk) = stream.next().await {
            text.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), read)
        .await
        .expect("stream ends when the run ends");
    parse(&text)
}

fn parse(text: &str) -> Vec<SseEvent> {
    text.split("\n\n")
        .filter_map(|block| {
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|line| line.strip_prefix(name))
                    .map(str::to_string)
            };
            Some(SseEvent {
                id: field("id: ")?.parse().unwrap(),
                name: field("event: ")?,
                data: serde_json::from_str(&field("data: ")?).unwrap(),
            })
        })
        .collect()
}

#[tokio::test]
async fn events_follow_run_live() {
    let server = Server::demo(200).await;
    let flow = server.demo_flow("Daily CRM").await;
    let run_id = server.start_run(flow["id"].as_str().unwrap()).await;

    let events = read_events(&server, &run_id, None).await;

    let ids: Vec<u64> = events.iter().map(|event| event.id).collect();
    let expected: Vec<u64> = (1..=events.len() as u64).collect();
    assert_eq!(ids, expected, "ids are the seq, from 1 without gaps");
    for event in &events {
        assert_eq!(event.data["seq"], event.id);
        assert_eq!(event.data["type"], event.name);
    }
    let last = events.last().unwrap();
    assert_eq!(last.name, "run");
    assert_eq!(last.data["run"]["status"], "succeeded");

    let contacts: Vec<&Value> = events
        .iter()
        .filter(|event| event.name == "step" && event.data["step_run"]["step_id"] == "contacts")
        .map(|event| &event.data["step_run"])
        .collect();
    let statuses: Vec<&str> = contacts
        .iter()
        .map(|step| step["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.first(), Some(&"queued"));
    assert_eq!(statuses.last(), Some(&"succeeded"));
    let partial = contacts
        .iter()
        .filter(|step| step["status"] == "running")
        .filter_map(|step| step["records"]["processed"].as_u64())
        .any(|processed| processed > 0 && processed < 200);
    assert!(
        partial,
        "progress events carry counts while the step runs: {statuses:?}"
    );
}

#[tokio::test]
async fn last_event_id_replays_the_rest() {
    let server = Server::demo(0).await;
    let flow = server.demo_flow("CRM with the v2").await;
    let run_id = server.start_run(flow["id"].as_str().unwrap()).await;
    server.wait_run(&run_id).await;

    let all = read_events(&server, &run_id, None).await;
    let rest = read_events(&server, &run_id, Some(5)).await;

    assert!(all.len() > 6, "{all:?}");
    assert_eq!(rest.first().map(|event| event.id), Some(6));
    assert_eq!(rest.len(), all.len() - 5);
    assert_eq!(rest.last().unwrap().data, all.last().unwrap().data);
    assert_eq!(all.last().unwrap().data["run"]["status"], "failed");
}

#[tokio::test]
async fn bad_last_event_id_gets_400() {
    let server = Server::demo(0).await;
    let run = common::json_ok(
        server
            .post("/syncs/crm_accounts/trigger", &Value::Null)
            .await,
    )
    .await;
    let path = format!("/runs/{}/events", run["id"].as_str().unwrap());

    let response = server
        .request(Method::GET, &path, EDITOR)
        .header("Last-Event-ID", "abc")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 400);
}
