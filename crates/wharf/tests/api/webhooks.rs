//! Orders arriving by webhook: registered on Connect, authenticated, deduplicated, and only
//! ever a hint to re-read the order; the poll catches what webhooks drop.

use std::time::Duration;

use bigcommerce_sim::{ShopperLine, ShopperOrder, WebhookFaults};
use serde_json::{Value, json};

use crate::helpers::{STORE_HASH, TestApp, spawn_app_with_webhooks};

async fn wait_for_orders(app: &TestApp, count: usize) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let orders: Vec<Value> = app.api_get("/orders").await.json().await.unwrap();
        if orders.len() >= count && orders.iter().all(|o| o["routing_state"] == "routed") {
            return orders;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "expected {count} routed orders, have {orders:#?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn setup(app: &TestApp) -> (i64, u64, u64) {
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(20, 1);
    app.import_all(store_id).await;
    let response = app
        .api_post("/vendors", &json!({ "name": "Alpha Supply" }))
        .await;
    assert_eq!(response.status(), 201);
    let rule = json!({ "rule": "default", "vendor": "Alpha Supply" });
    assert_eq!(
        app.api_post(&format!("/stores/{store_id}/assignments"), &rule)
            .await
            .status(),
        200
    );
    let product = app
        .sim
        .simulator
        .product(STORE_HASH, seeded.product_ids[0])
        .unwrap();
    // The hooks are registered by a job Connect queued.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while app.sim.simulator.request_stats().count("POST /v3/hooks") < 4 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "hooks were not registered"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    (store_id, product.id(), product.variants()[0].id())
}

fn order(product: u64, variant: u64) -> ShopperOrder {
    ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant), 1)])
}

#[tokio::test]
async fn a_placed_order_arrives_by_webhook_and_is_routed() {
    let app = spawn_app_with_webhooks().await;
    let (_, product, variant) = setup(&app).await;
    let hooks_before = app.sim.simulator.request_stats().count("POST /v3/hooks");
    assert_eq!(
        hooks_before,
        wharf::channels::bigcommerce::webhooks::HOOK_SCOPES.len() as u64,
        "one hook per order and shipment scope"
    );

    app.sim
        .simulator
        .place_order(STORE_HASH, order(product, variant));
    let orders = wait_for_orders(&app, 1).await;
    let detail: Value = app
        .api_get(&format!("/orders/{}", orders[0]["id"]))
        .await
        .json()
        .await
        .unwrap();
    let first = detail["timeline"][0]["message"].as_str().unwrap();
    assert!(first.starts_with("Received via webhook"), "{first}");
    assert_eq!(detail["purchase_orders"].as_array().unwrap().len(), 1);

    // Connecting again re-uses the hooks: no second set is created.
    let stores: Vec<Value> = app.api_get("/stores").await.json().await.unwrap();
    app.connect(stores[0]["id"].as_i64().unwrap()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.sim.simulator.request_stats().count("POST /v3/hooks"),
        wharf::channels::bigcommerce::webhooks::HOOK_SCOPES.len() as u64
    );
}

#[tokio::test]
async fn duplicate_deliveries_create_one_order_and_dropped_ones_are_caught_by_the_poll() {
    let app = spawn_app_with_webhooks().await;
    let (store_id, product, variant) = setup(&app).await;

    app.sim.simulator.set_webhook_faults(WebhookFaults {
        duplicate_rate: 1.0,
        ..WebhookFaults::default()
    });
    app.sim
        .simulator
        .place_order(STORE_HASH, order(product, variant));
    let orders = wait_for_orders(&app, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(orders.len(), 1);
    let deliveries = app.sim.simulator.deliveries(STORE_HASH).len();
    let stored = wharf::db::webhooks::count_events(&app.app.db, store_id)
        .await
        .unwrap() as usize;
    assert!(
        stored < deliveries,
        "duplicates stored once: {stored} events from {deliveries} deliveries"
    );

    app.sim.simulator.set_webhook_faults(WebhookFaults {
        drop_rate: 1.0,
        ..WebhookFaults::default()
    });
    app.sim
        .simulator
        .place_order(STORE_HASH, order(product, variant));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let still: Vec<Value> = app.api_get("/orders").await.json().await.unwrap();
    assert_eq!(still.len(), 1, "the dropped webhook never arrived");
    app.api_post(&format!("/stores/{store_id}/orders/sync"), &json!({}))
        .await;
    wait_for_orders(&app, 2).await;
}

#[tokio::test]
async fn deliveries_without_the_stores_secret_are_refused() {
    let app = spawn_app_with_webhooks().await;
    let (store_id, _, _) = setup(&app).await;
    let body = json!({"scope": "store/order/created", "store_id": "1", "data": {"type": "order", "id": 100},
                      "hash": "abc", "created_at": 1, "producer": format!("stores/{STORE_HASH}")});
    for secret in [None, Some("wrong")] {
        let mut request = app
            .http
            .post(format!("{}/webhooks/bigcommerce/{store_id}", app.address))
            .json(&body);
        if let Some(secret) = secret {
            request = request.header("x-wharf-webhook-secret", secret);
        }
        assert_eq!(request.send().await.unwrap().status(), 401);
    }
    assert_eq!(
        wharf::db::webhooks::count_events(&app.app.db, store_id)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn events_out_of_order_still_end_in_the_orders_latest_state() {
    let app = spawn_app_with_webhooks().await;
    let (_, product, variant) = setup(&app).await;
    // Held and released shuffled: "cancelled" may well arrive before "created".
    app.sim.simulator.set_webhook_faults(WebhookFaults {
        reorder: true,
        reorder_batch: 4,
        ..WebhookFaults::default()
    });
    let order_id = app
        .sim
        .simulator
        .place_order(STORE_HASH, order(product, variant));
    app.sim.simulator.set_order_status(STORE_HASH, order_id, 5);
    app.sim.simulator.flush_webhooks();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let order = loop {
        let orders: Vec<Value> = app.api_get("/orders").await.json().await.unwrap();
        if let Some(order) = orders
            .into_iter()
            .find(|o| o["routing_state"] == "cancelled")
        {
            break order;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the order never reached its latest state"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    // Every event re-read the order as it is now, so no hint ever routed a cancelled order.
    let detail: Value = app
        .api_get(&format!("/orders/{}", order["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        detail["purchase_orders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|po| po["status"] == "cancelled"),
        "{detail:#}"
    );
    assert_eq!(
        app.api_get("/orders")
            .await
            .json::<Vec<Value>>()
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn connect_reactivates_a_deactivated_hook_instead_of_creating_another() {
    let app = spawn_app_with_webhooks().await;
    let (store_id, _, _) = setup(&app).await;
    let hooks_url = format!("{}/stores/{STORE_HASH}/v3/hooks", app.sim.base_url);
    let hooks: Value = app
        .http
        .get(&hooks_url)
        .header("X-Auth-Token", &app.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first = hooks["data"][0]["id"].as_u64().unwrap();
    let deactivate = app
        .http
        .put(format!("{hooks_url}/{first}"))
        .header("X-Auth-Token", &app.access_token)
        .json(&json!({ "is_active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(deactivate.status(), 200);

    app.connect(store_id).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let hook: Value = app
            .http
            .get(format!("{hooks_url}/{first}"))
            .header("X-Auth-Token", &app.access_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if hook["data"]["is_active"] == true {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the hook was not re-activated: {hook}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        app.sim.simulator.request_stats().count("POST /v3/hooks"),
        wharf::channels::bigcommerce::webhooks::HOOK_SCOPES.len() as u64,
        "no hook created twice"
    );
}

/// Received events (payloads with customer data) are deleted after their history, like jobs.
#[tokio::test]
async fn webhook_events_older_than_their_history_are_deleted() {
    let app = spawn_app_with_webhooks().await;
    let (store_id, product, variant) = setup(&app).await;
    app.sim
        .simulator
        .place_order(STORE_HASH, order(product, variant));
    wait_for_orders(&app, 1).await;
    let events = wharf::db::webhooks::count_events(&app.app.db, store_id)
        .await
        .unwrap();
    assert!(events > 0);

    let keep = wharf::config::Settings::local(
        "sqlite::memory:",
        app.dir.path().join("unused.key"),
        "http://127.0.0.1:1".parse().unwrap(),
        None,
    )
    .schedules()
    .webhook_history;
    assert_eq!(
        keep,
        Duration::from_secs(7 * 86_400),
        "the documented default"
    );
    let now = wharf::db::now_ms();
    let eight_days_ago = now - 8 * 86_400_000;
    sqlx::query("UPDATE webhook_events SET received_at = $1 WHERE id = (SELECT MIN(id) FROM webhook_events)")
        .bind(eight_days_ago)
        .execute(app.app.db.pool())
        .await
        .unwrap();
    let deleted = wharf::db::webhooks::prune_events(&app.app.db, now - keep.as_millis() as i64)
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let left = wharf::db::webhooks::count_events(&app.app.db, store_id)
        .await
        .unwrap();
    assert_eq!(left, events - 1, "only the old event went");
}
