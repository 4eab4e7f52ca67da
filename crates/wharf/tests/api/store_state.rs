//! Disabling and enabling a store (issue 17): a disabled store is not synced, its webhooks are
//! removed from BigCommerce by a queued job, and enabling registers them again.

use std::time::Duration;

use serde_json::{Value, json};

use crate::cli::wharf;
use crate::helpers::{STORE_HASH, TestApp, spawn_app, spawn_app_with_webhooks};

/// The hooks the simulated store holds for wharf's API account.
async fn hooks(app: &TestApp) -> usize {
    let response = app
        .http
        .get(format!("{}/stores/{STORE_HASH}/v3/hooks", app.sim.base_url))
        .header("X-Auth-Token", &app.access_token)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{body:#}"))
        .len()
}

/// Waits (for the queued job) until the store holds `count` hooks.
async fn wait_for_hooks(app: &TestApp, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while hooks(app).await != count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "hooks never became {count}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn post(app: &TestApp, path: &str) -> reqwest::Response {
    app.api_post(path, &json!({})).await
}

#[tokio::test]
async fn a_disabled_store_loses_its_webhooks_and_syncs_nothing_until_enabled() {
    let app = spawn_app_with_webhooks().await;
    let id = app.connected_store().await;
    let registered = wharf::channels::bigcommerce::webhooks::HOOK_SCOPES.len();
    wait_for_hooks(&app, registered).await;

    let disabled: Value = post(&app, &format!("/stores/{id}/disable"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(disabled["disabled"], true, "{disabled:#}");
    wait_for_hooks(&app, 0).await;
    let before = app.sim.simulator.request_stats().count("GET /v2/orders");
    let sync = post(&app, &format!("/stores/{id}/orders/sync")).await;
    assert_eq!(sync.status(), 409, "a disabled store is not synced");
    let reason: Value = sync.json().await.unwrap();
    assert!(
        reason["error"].as_str().unwrap().contains("disabled"),
        "{reason:#}"
    );
    assert_eq!(
        app.sim.simulator.request_stats().count("GET /v2/orders"),
        before
    );

    let enabled: Value = post(&app, &format!("/stores/{id}/enable"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(enabled["disabled"], false);
    wait_for_hooks(&app, registered).await;
    assert_eq!(
        post(&app, &format!("/stores/{id}/orders/sync"))
            .await
            .status(),
        200
    );
    assert_eq!(post(&app, "/stores/999999/disable").await.status(), 404);
}

#[tokio::test]
async fn a_store_is_disabled_and_enabled_from_the_cli() {
    let app = spawn_app().await;
    let id = app.connected_store().await;
    let disabled = wharf(&app, &["store", "disable", "Main store"]).await;
    assert!(disabled.status.success(), "{disabled:?}");
    let listed = String::from_utf8_lossy(&wharf(&app, &["store", "list"]).await.stdout).to_string();
    assert!(listed.contains("Disabled"), "{listed}");
    let import = wharf(&app, &["products", "import", "Main store"]).await;
    assert!(!import.status.success(), "a disabled store imports nothing");

    let enabled = wharf(&app, &["store", "enable", "Main store"]).await;
    assert!(enabled.status.success(), "{enabled:?}");
    let store: Value = app
        .api_get(&format!("/stores/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(store["disabled"], false);
}

#[tokio::test]
async fn the_store_page_disables_and_enables_the_store() {
    let app = spawn_app().await;
    let id = app.connected_store().await;
    let cookie = app.session_cookie().await;
    let token = app.form_token(&cookie).await;
    let page = format!("/setup/integrations/bigcommerce/stores/{id}");
    for (action, shown) in [("disable", true), ("enable", false)] {
        let response = app
            .http
            .post(format!("{}{page}/{action}", app.address))
            .header("cookie", &cookie)
            .form(&[("csrf_token", &token)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{action}");
        let html = app.get_page(&page, &cookie).await.text().await.unwrap();
        assert_eq!(html.contains("id=\"store-disabled\""), shown, "{action}");
    }
}

#[tokio::test]
async fn a_job_queued_before_the_store_was_disabled_ends_without_calling_bigcommerce() {
    use wharf::app::jobs::Job;
    use wharf::db::jobs;
    use wharf::jobs::{NewJob, Worker, WorkerConfig};
    let app = crate::helpers::spawn_app_without_workers().await;
    let id = app.connected_store().await;
    let poll = || {
        NewJob::new(
            wharf::app::jobs::OrderPoll::KIND,
            &json!({ "store_id": id }),
        )
    };
    let worker = Worker::new(
        app.app.db.clone(),
        wharf::startup::job_handlers(&app.app),
        WorkerConfig::default(),
    );
    let polls = || app.sim.simulator.request_stats().count("GET /v2/orders");

    jobs::enqueue_now(&app.app.db, &poll()).await.unwrap();
    assert_eq!(
        post(&app, &format!("/stores/{id}/disable")).await.status(),
        200
    );
    let before = polls();
    worker.run_due_jobs().await.unwrap();
    assert_eq!(polls(), before, "the queued poll asked BigCommerce nothing");

    // The same poll, the store enabled, does read orders: the count above counts polls.
    assert_eq!(
        post(&app, &format!("/stores/{id}/enable")).await.status(),
        200
    );
    jobs::enqueue_now(&app.app.db, &poll()).await.unwrap();
    worker.run_due_jobs().await.unwrap();
    assert!(polls() > before, "an enabled store is polled");
}
