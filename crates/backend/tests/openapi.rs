//! The served OpenAPI document equals docs/openapi.json, and every route it
//! lists exists.

mod common;

use common::{Server, EDITOR};
use reqwest::Method;
use serde_json::Value;

fn document_file() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

#[tokio::test]
async fn served_document_equals_file() {
    let server = Server::start(&[]).await;

    let response = server.client.get(server.url("/api/v1/openapi.json")).send().await.unwrap();

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
            let response = server.request(method.clone(), &concrete, EDITOR).send().await.unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            assert_ne!(status, 405, "{method} {path}");
            assert!(!body.contains("no route for"), "{method} {path}: {body}");
        }
    }
}
