//! Webhooks V3: hook CRUD per API account, and delivery to a real receiver (a tiny axum
//! server on 127.0.0.1:0) with custom headers, faults, retries and deactivation.

#[path = "helpers/mod.rs"]
mod helpers;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use bigcommerce_sim::{
    DeliveryOutcome, Money, ShopperLine, ShopperOrder, SimConfig, Simulator, WebhookFaults,
};
use helpers::{FULL, HASH, TestSim, json, spawn_sim, spawn_sim_with};
use reqwest::Method;
use serde_json::{Value, json};

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(HeaderMap, Value, Instant)>>>,
    status: Arc<Mutex<u16>>,
}

impl Receiver {
    async fn spawn(status: u16) -> (Self, String) {
        let receiver = Receiver::default();
        *receiver.status.lock().unwrap() = status;
        let app = axum::Router::new()
            .route("/hooks", axum::routing::post(receive))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (receiver, url)
    }

    fn bodies(&self) -> Vec<Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(_, b, _)| b.clone())
            .collect()
    }

    fn scopes(&self) -> Vec<String> {
        self.bodies()
            .iter()
            .map(|b| b["scope"].as_str().unwrap().to_owned())
            .collect()
    }
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let body: Value = serde_json::from_str(&body).expect("webhook bodies are JSON");
    r.got.lock().unwrap().push((headers, body, Instant::now()));
    StatusCode::from_u16(*r.status.lock().unwrap()).unwrap()
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn insecure_sim() -> TestSim {
    spawn_sim_with(SimConfig {
        allow_insecure_webhook_destinations: true,
        webhook_retry_minute: Duration::from_millis(1),
        ..SimConfig::default()
    })
    .await
}

async fn post(app: &TestSim, token: &str, body: &Value) -> reqwest::Response {
    app.call(Method::POST, &app.url("/v3/hooks"), Some(token), Some(body))
        .await
}

fn one_item() -> ShopperOrder {
    ShopperOrder::new(vec![ShopperLine::custom(
        "Widget",
        "W-1",
        Money::from_cents(1000),
        1,
    )])
}

#[tokio::test]
async fn hooks_are_created_listed_updated_and_deleted_per_api_account() {
    let app = spawn_sim().await;
    let other = app.token("other-token", &[]);
    let create = json!({
        "scope": "store/order/*",
        "destination": "https://hooks.example.com/bc",
        "headers": {"X-Secret": "s3cret"}
    });
    let r = post(&app, FULL, &create).await;
    assert_eq!(r.status(), 200);
    let hook = json(r).await["data"].clone();
    let id = hook["id"].as_u64().unwrap();
    assert_eq!(hook["is_active"], true);
    assert_eq!(hook["store_hash"], HASH);
    assert_eq!(hook["client_id"], Simulator::client_id(FULL));
    assert_eq!(hook["headers"]["X-Secret"], "s3cret");
    assert!(hook["created_at"].as_i64().unwrap() > 1_600_000_000);

    // Same scope and destination again: refused; another account may.
    let r = post(&app, FULL, &create).await;
    assert_eq!(r.status(), 422);
    assert_eq!(post(&app, &other, &create).await.status(), 200);

    let mine = json(app.get("/v3/hooks").await).await;
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
    assert_eq!(mine["meta"]["pagination"]["total"], 1);
    let theirs = json(app.get_as("/v3/hooks", &other).await).await;
    assert_ne!(theirs["data"][0]["id"], id);
    assert_eq!(
        app.get_as(&format!("/v3/hooks/{id}"), &other)
            .await
            .status(),
        404
    );

    let filtered = json(app.get("/v3/hooks?is_active=false").await).await;
    assert!(filtered["data"].as_array().unwrap().is_empty());
    let filtered = json(
        app.get("/v3/hooks?scope=store/order/*&destination=https://hooks.example.com/bc")
            .await,
    )
    .await;
    assert_eq!(filtered["data"][0]["id"], id);

    let r = app
        .put(&format!("/v3/hooks/{id}"), &json!({"is_active": false}))
        .await;
    assert_eq!(json(r).await["data"]["is_active"], false);
    let r = app
        .put(&format!("/v3/hooks/{id}"), &json!({"is_active": true}))
        .await;
    assert_eq!(json(r).await["data"]["is_active"], true);
    let r = app.put(&format!("/v3/hooks/{id}"), &json!({})).await;
    assert_eq!(r.status(), 422);

    let r = app
        .call(
            Method::DELETE,
            &app.url(&format!("/v3/hooks/{id}")),
            Some(FULL),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(json(r).await["data"]["id"], id);
    let r = app.get(&format!("/v3/hooks/{id}")).await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        json(r).await["title"],
        format!("Webhook with id [{id}] not found")
    );
}

#[tokio::test]
async fn bad_hooks_are_422_and_destinations_must_be_https_on_443() {
    let app = spawn_sim().await;
    let r = post(&app, FULL, &json!({"scope": "store/order/*"})).await;
    assert_eq!(r.status(), 422);
    let body = json(r).await;
    assert_eq!(body["title"], "JSON data is missing or invalid");
    assert_eq!(body["errors"]["destination"], "error.path.missing.");
    for destination in [
        "http://hooks.example.com/bc",
        "https://hooks.example.com:8443/bc",
        "http://127.0.0.1:9/hooks",
    ] {
        let r = post(
            &app,
            FULL,
            &json!({"scope": "store/order/*", "destination": destination}),
        )
        .await;
        assert_eq!(r.status(), 422, "{destination}");
    }
    let r = post(
        &app,
        FULL,
        &json!({"scope": "orders", "destination": "https://x.example/"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = app
        .call(Method::POST, &app.url("/v3/hooks"), None, Some(&json!({})))
        .await;
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn events_are_delivered_in_order_with_the_hooks_headers() {
    let app = insecure_sim().await;
    let (receiver, url) = Receiver::spawn(200).await;
    let r = post(
        &app,
        FULL,
        &json!({"scope": "store/order/*", "destination": url, "headers": {"X-Secret": "s3cret"}}),
    )
    .await;
    assert_eq!(r.status(), 200);
    // Only order events reach an order hook; a product-scoped hook gets nothing.
    let r = post(
        &app,
        FULL,
        &json!({"scope": "store/product/updated", "destination": url}),
    )
    .await;
    assert_eq!(r.status(), 200);

    let id = app.sim().place_order(HASH, one_item());
    assert!(app.sim().set_order_status(HASH, id, 2));
    until("5 deliveries", || receiver.bodies().len() >= 5).await;
    assert_eq!(
        receiver.scopes(),
        [
            "store/order/created",
            "store/order/updated",
            "store/order/statusUpdated",
            "store/order/updated",
            "store/order/statusUpdated",
        ]
    );
    let got = receiver.got.lock().unwrap().clone();
    let (headers, status_updated, _) = &got[4];
    assert_eq!(headers["x-secret"], "s3cret");
    assert_eq!(headers["content-type"], "application/json");
    let spec = bigcommerce_sim::StoreSpec::sample(HASH);
    assert_eq!(status_updated["store_id"], spec.store_id.to_string());
    assert_eq!(status_updated["producer"], format!("stores/{HASH}"));
    assert_eq!(status_updated["data"]["type"], "order");
    assert_eq!(status_updated["data"]["id"], id);
    assert_eq!(status_updated["data"]["status"]["previous_status_id"], 11);
    assert_eq!(status_updated["data"]["status"]["new_status_id"], 2);
    assert_eq!(got[2].1["data"]["status"]["previous_status_id"], 0);
    assert!(status_updated["created_at"].as_i64().unwrap() > 1_600_000_000);
    let hash = status_updated["hash"].as_str().unwrap();
    assert_eq!(hash.len(), 40);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    // `hash` covers `data` only: the same data hashes the same whatever the scope or
    // time (so a client deduping on `hash` alone would merge two updates of one order);
    // different data hashes differently.
    assert_eq!(got[1].1["hash"], got[3].1["hash"]);
    assert_eq!(got[0].1["hash"], got[1].1["hash"]);
    assert_ne!(got[1].1["hash"], got[2].1["hash"]);

    // Archiving fires store/order/archived; the API call returns without waiting.
    let r = app
        .call(
            Method::DELETE,
            &app.url(&format!("/v2/orders/{id}")),
            Some(FULL),
            None,
        )
        .await;
    assert_eq!(r.status(), 204);
    until("the archive event", || receiver.bodies().len() >= 6).await;
    assert_eq!(receiver.scopes()[5], "store/order/archived");

    let deliveries = app.sim().deliveries(HASH);
    assert_eq!(deliveries.len(), 6);
    assert!(
        deliveries
            .iter()
            .all(|d| d.outcome == DeliveryOutcome::Delivered(200) && d.attempt == 1)
    );
}

#[tokio::test]
async fn duplicate_drop_delay_and_reorder_faults() {
    let app = insecure_sim().await;
    let (receiver, url) = Receiver::spawn(200).await;
    post(
        &app,
        FULL,
        &json!({"scope": "store/order/created", "destination": url}),
    )
    .await;

    // Duplicates: the same body twice.
    app.sim().set_webhook_faults(WebhookFaults {
        duplicate_rate: 1.0,
        ..WebhookFaults::default()
    });
    app.sim().place_order(HASH, one_item());
    until("two copies", || receiver.bodies().len() >= 2).await;
    let bodies = receiver.bodies();
    assert_eq!(bodies[0], bodies[1]);
    assert!(app.sim().deliveries(HASH)[1].duplicate);

    // Drops: nothing is sent, the drop is recorded.
    app.sim().set_webhook_faults(WebhookFaults {
        drop_rate: 1.0,
        ..WebhookFaults::default()
    });
    app.sim().place_order(HASH, one_item());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.bodies().len(), 2);
    assert_eq!(
        app.sim().deliveries(HASH)[2].outcome,
        DeliveryOutcome::Dropped
    );

    // Delay: the first attempt waits.
    app.sim().set_webhook_faults(WebhookFaults {
        delay: Duration::from_millis(300),
        ..WebhookFaults::default()
    });
    let placed = Instant::now();
    app.sim().place_order(HASH, one_item());
    until("the delayed delivery", || receiver.bodies().len() >= 3).await;
    let arrived = receiver.got.lock().unwrap()[2].2;
    assert!(arrived.duration_since(placed) >= Duration::from_millis(300));

    // Reorder: three orders' events held, released out of order.
    app.sim().set_webhook_faults(WebhookFaults {
        reorder: true,
        reorder_batch: 3,
        ..WebhookFaults::default()
    });
    let ids: Vec<u64> = (0..3)
        .map(|_| app.sim().place_order(HASH, one_item()))
        .collect();
    until("the reordered batch", || receiver.bodies().len() >= 6).await;
    let seen: Vec<u64> = receiver.bodies()[3..]
        .iter()
        .map(|b| b["data"]["id"].as_u64().unwrap())
        .collect();
    assert_ne!(seen, ids);
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ids);
    // Held events come out on a flush.
    let id = app.sim().place_order(HASH, one_item());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(receiver.bodies().len(), 6);
    app.sim().flush_webhooks();
    until("the flushed event", || receiver.bodies().len() >= 7).await;
    assert_eq!(receiver.bodies()[6]["data"]["id"], id);

    // Over HTTP too.
    let r = app
        .control(
            Method::PUT,
            "/__sim/webhook-faults",
            Some(&json!({"drop_rate": 2.0})),
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = app
        .control(
            Method::PUT,
            "/__sim/webhook-faults",
            Some(&json!({"duplicate_rate": 0.5, "delay_ms": 10})),
        )
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn failing_deliveries_retry_on_the_scaled_schedule_then_deactivate_the_hook() {
    let app = insecure_sim().await;
    let (receiver, url) = Receiver::spawn(500).await;
    let r = post(
        &app,
        FULL,
        &json!({"scope": "store/order/created", "destination": url}),
    )
    .await;
    let id = json(r).await["data"]["id"].as_u64().unwrap();
    app.sim().place_order(HASH, one_item());
    let attempts = 1 + bigcommerce_sim::RETRY_SCHEDULE_MINUTES.len();
    until("every retry", || receiver.bodies().len() >= attempts).await;
    let mut hook = Value::Null;
    for _ in 0..200 {
        hook = json(app.get(&format!("/v3/hooks/{id}")).await).await["data"].clone();
        if hook["is_active"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(hook["is_active"], false, "deactivated after the last retry");
    let deliveries = app.sim().deliveries(HASH);
    assert_eq!(deliveries.len(), attempts);
    assert_eq!(deliveries.last().unwrap().attempt, attempts as u32);
    assert!(
        deliveries
            .iter()
            .all(|d| d.outcome == DeliveryOutcome::Rejected(500))
    );
    // The same body every time.
    assert!(receiver.bodies().windows(2).all(|w| w[0] == w[1]));

    // An inactive hook gets nothing; re-activating it brings deliveries back.
    *receiver.status.lock().unwrap() = 200;
    app.sim().place_order(HASH, one_item());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(receiver.bodies().len(), attempts);
    app.put(&format!("/v3/hooks/{id}"), &json!({"is_active": true}))
        .await;
    app.sim().place_order(HASH, one_item());
    until("delivery after re-activation", || {
        receiver.bodies().len() > attempts
    })
    .await;

    // A receiver that is not there at all: connection errors count as failures.
    let r = post(
        &app,
        FULL,
        &json!({"scope": "store/order/updated", "destination": "http://127.0.0.1:9/nowhere"}),
    )
    .await;
    assert_eq!(r.status(), 200);
    app.sim().place_order(HASH, one_item());
    until("a failed attempt", || {
        app.sim()
            .deliveries(HASH)
            .iter()
            .any(|d| matches!(d.outcome, DeliveryOutcome::Failed(_)))
    })
    .await;
}
