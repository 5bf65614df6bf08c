//! Health, the JSON 404 under /api, and the dashboard with its deep links.

mod common;

use common::Server;
use serde_json::Value;

#[tokio::test]
async fn health_without_token() {
    let server = Server::start(&[]).await;

    let response = server
        .client
        .get(server.url("/api/v1/health"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn unknown_api_path_is_json_404() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<html>baton</html>").unwrap();
    let server = Server::start(&["--dist", &dist.path().display().to_string()]).await;

    for path in ["/api/v1/nothing", "/api/v2/health", "/api"] {
        let response = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}

#[tokio::test]
async fn deep_link_gets_index_html() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<html>baton</html>").unwrap();
    std::fs::write(dist.path().join("app.js"), "console.log(1)").unwrap();
    let server = Server::start(&["--dist", &dist.path().display().to_string()]).await;

    let deep = server
        .client
        .get(server.url("/flows/abc"))
        .send()
        .await
        .unwrap();
    assert_eq!(deep.status(), 200);
    assert_eq!(deep.text().await.unwrap(), "<html>baton</html>");

    let file = server
        .client
        .get(server.url("/app.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.text().await.unwrap(), "console.log(1)");

    let root = server.client.get(server.url("/")).send().await.unwrap();
    assert_eq!(root.status(), 200);
    assert_eq!(root.text().await.unwrap(), "<html>baton</html>");
}

#[tokio::test]
async fn cors_off_unless_origin_allowed() {
    let closed = Server::start(&[]).await;
    let open = Server::start(&["--allow-origin", "http://127.0.0.1:9000"]).await;

    for (server, expected) in [(&closed, None), (&open, Some("http://127.0.0.1:9000"))] {
        let response = server
            .client
            .request(reqwest::Method::OPTIONS, server.url("/api/v1/flows"))
            .header("Origin", "http://127.0.0.1:9000")
            .header("Access-Control-Request-Method", "PUT")
            .send()
            .await
            .unwrap();
        let allowed = response
            .headers()
            .get("access-control-allow-origin")
            .map(|value| value.to_str().unwrap().to_string());
        assert_eq!(allowed.as_deref(), expected);
    }
}

#[tokio::test]
async fn token_flag_rejects_bad_role() {
    let parsed = <baton_backend::Config as clap::Parser>::try_parse_from([
        "baton-backend",
        "--token",
        "ci:admin:long-enough-secret",
    ]);

    let error = parsed.expect_err("admin is no role").to_string();
    assert!(error.contains("unknown role `admin`"), "{error}");
}

#[tokio::test]
async fn tokens_stored_hashed() {
    let server = Server::start(&["--token", "ci:editor:plain-secret-value"]).await;

    let me = server
        .client
        .get(server.url("/api/v1/me"))
        .bearer_auth("plain-secret-value")
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let needle = b"plain-secret-value";
    for file in ["baton.sqlite", "baton.sqlite-wal"] {
        let bytes = std::fs::read(server.data_path().join(file)).unwrap_or_default();
        assert!(
            !bytes.windows(needle.len()).any(|window| window == needle),
            "secret found in {file}"
        );
    }
}

#[tokio::test]
async fn duplicate_token_secret_fails_start() {
    let data_dir = tempfile::tempdir().unwrap();
    let config = <baton_backend::Config as clap::Parser>::try_parse_from([
        "baton-backend",
        "--data-dir",
        &data_dir.path().display().to_string(),
        "--token",
        "alice:editor:same-secret-value",
        "--token",
        "bob:viewer:same-secret-value",
    ])
    .unwrap();

    let error = baton_backend::AppState::open(&config)
        .err()
        .expect("duplicate secrets rejected")
        .to_string();

    assert!(
        error.contains("`alice` and `bob` share one secret"),
        "{error}"
    );
}
