//! Operator probes: /metrics and /readyz answer without signing in.
//!
//! The metrics recorder is one per process and the tests run in parallel, so these assert that
//! series exist, never their values.

use std::time::Duration;

use serde_json::{Value, json};
use wharf::db::jobs::{self, NewJob};

use crate::helpers::{STORE_HASH, TestApp, spawn_app};

async fn scrape(app: &TestApp) -> String {
    let response = app
        .http
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "/metrics without signing in");
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_show_jobs_queue_depth_and_bigcommerce_requests_without_sign_in() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    // A catalog import runs as a job on the background worker.
    app.seed_catalog(3, 1);
    app.import_all(store_id).await;
    let response = app
        .api_post(&format!("/stores/{store_id}/orders/sync"), &json!({}))
        .await;
    assert_eq!(response.status(), 200, "polling orders");
    // Due in an hour: it stays pending, so the queue has something to count.
    jobs::enqueue_now(
        &app.app.db,
        &NewJob::new("test.metrics_waiting", &json!({})).run_after(Duration::from_secs(3600)),
    )
    .await
    .unwrap();

    // The import's job reports its outcome just after the import shows as completed.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let body = loop {
        let body = scrape(&app).await;
        if body.contains("wharf_jobs_total{") {
            break body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no job outcome recorded:\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    assert!(
        body.lines()
            .any(|line| line.starts_with("bigcommerce_requests_total{")
                && line.contains(&format!("store=\"{STORE_HASH}\""))
                && line.contains("method=\"GET\"")),
        "requests to the store are counted:\n{body}"
    );
    assert!(
        body.lines()
            .any(|line| line.starts_with("wharf_queue_depth{")
                && line.contains("kind=\"test.metrics_waiting\"")
                && line.contains("status=\"pending\"")),
        "queue depth is read from the jobs table:\n{body}"
    );
    assert!(
        body.contains("wharf_job_duration_seconds_bucket{"),
        "job durations are a histogram:\n{body}"
    );
    assert!(
        body.contains("wharf_job_wait_seconds_bucket{"),
        "queue waits are a histogram:\n{body}"
    );
}

#[tokio::test]
async fn readyz_is_ready_when_the_database_answers() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "status": "ready" }));
}

#[tokio::test]
async fn readyz_is_unavailable_with_the_reason_when_the_database_is_not() {
    let app = spawn_app().await;
    app.app.db.pool().close().await;
    let response = app
        .http
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "not_ready");
    assert!(
        body["reason"].as_str().unwrap().contains("database"),
        "{body}"
    );
    // Liveness is not readiness: the process still answers.
    let health = app
        .http
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}
