//! A vendor's own store next to the merchant's: seeded alike over `/__sim/stores` (same SKUs,
//! other ids), shipped and restocked by its merchant through the `/__sim/` controls, with the
//! shipment, order and inventory webhooks an app subscribed to them receives, and requests
//! counted per store.

#[path = "helpers/mod.rs"]
mod helpers;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use bigcommerce_sim::{RequestStats, SimConfig, modify_scopes};
use helpers::{HASH, TestSim, json, spawn_sim_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const VENDOR: &str = "vendor1";
const VENDOR_TOKEN: &str = "vendor-token";

async fn insecure_sim() -> TestSim {
    spawn_sim_with(SimConfig {
        allow_insecure_webhook_destinations: true,
        ..SimConfig::default()
    })
    .await
}

/// Adds a store over HTTP, as the demo and benchmarks do, with a token of every modify scope.
async fn add_store(app: &TestSim, body: Value) -> reqwest::Response {
    let r = app
        .control(Method::POST, "/__sim/stores", Some(&body))
        .await;
    if r.status() == StatusCode::CREATED {
        let hash = body["hash"].as_str().unwrap();
        let scopes: Vec<&str> = modify_scopes().collect();
        let token = json!({"access_token": VENDOR_TOKEN, "scopes": scopes});
        let t = app
            .control(
                Method::POST,
                &format!("/__sim/stores/{hash}/tokens"),
                Some(&token),
            )
            .await;
        assert_eq!(t.status(), StatusCode::CREATED);
    }
    r
}

fn vendor_url(app: &TestSim, path: &str) -> String {
    format!("{}{path}", app.running.store_url(VENDOR))
}

async fn vendor(
    app: &TestSim,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    app.call(method, &vendor_url(app, path), Some(VENDOR_TOKEN), body)
        .await
}

/// Every variant of a store as `(id, sku)`, walking the pages.
async fn variants(app: &TestSim, hash: &str, token: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    for page in 1.. {
        let url = format!(
            "{}/v3/catalog/variants?limit=250&page={page}",
            app.running.store_url(hash)
        );
        let body = json(app.call(Method::GET, &url, Some(token), None).await).await;
        let rows = body["data"].as_array().unwrap();
        out.extend(rows.iter().map(|v| {
            (
                v["id"].as_u64().unwrap(),
                v["sku"].as_str().unwrap().to_owned(),
            )
        }));
        if page >= body["meta"]["pagination"]["total_pages"].as_u64().unwrap() {
            break;
        }
    }
    out
}

#[tokio::test]
async fn stores_seeded_alike_sell_the_same_skus_under_other_ids() {
    let app = insecure_sim().await;
    let merchant = json!({"hash": "merchant1", "seed_products": 30, "variants_per_product": 2, "seed_orders": 5});
    let r = add_store(&app, merchant).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let answer = json(r).await;
    assert_eq!(answer["seeded"]["products"], 30);
    assert_eq!(answer["seeded"]["orders"], 5);
    let r = add_store(
        &app,
        json!({"hash": VENDOR, "seed_products": 30, "variants_per_product": 2, "id_offset": 1_000_000}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(json(r).await["seeded"]["first_product_id"], 1_000_111);

    let ours = variants(&app, "merchant1", VENDOR_TOKEN).await;
    let theirs = variants(&app, VENDOR, VENDOR_TOKEN).await;
    let skus = |v: &[(u64, String)]| v.iter().map(|(_, s)| s.clone()).collect::<BTreeSet<_>>();
    let ids = |v: &[(u64, String)]| v.iter().map(|(id, _)| *id).collect::<BTreeSet<_>>();
    assert!(ours.len() > 30);
    assert_eq!(skus(&ours), skus(&theirs));
    assert!(ids(&ours).is_disjoint(&ids(&theirs)));
    let orders = app
        .call(
            Method::GET,
            &format!("{}/v2/orders", app.running.store_url("merchant1")),
            Some(VENDOR_TOKEN),
            None,
        )
        .await;
    assert_eq!(json(orders).await.as_array().unwrap().len(), 5);

    // Seeding applies to a new store only; bad options are refused by name.
    let again = add_store(&app, json!({"hash": VENDOR, "seed_products": 1})).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let bad = add_store(
        &app,
        json!({"hash": "v2", "seed_products": 1, "variants_per_product": 9999}),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        json(bad).await["error"]
            .as_str()
            .unwrap()
            .contains("variants_per_product")
    );
}

/// A receiver that answers 200; the simulator records what it delivered.
async fn hook_receiver() -> String {
    let app = axum::Router::new().route("/hooks", axum::routing::post(|| async { StatusCode::OK }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// Subscribes the vendor token to `scopes` through the hooks API.
async fn subscribe(app: &TestSim, scopes: &[&str]) {
    let destination = hook_receiver().await;
    for scope in scopes {
        let r = vendor(
            app,
            Method::POST,
            "/v3/hooks",
            Some(&json!({"scope": scope, "destination": destination})),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{scope}");
    }
}

/// Waits until `count` deliveries to the vendor store went out; returns their payloads.
async fn delivered(app: &TestSim, count: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let payloads: Vec<Value> = app
            .sim()
            .deliveries(VENDOR)
            .into_iter()
            .map(|d| d.payload)
            .collect();
        if payloads.len() >= count {
            return payloads;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {count} deliveries, got {payloads:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn scopes(payloads: &[Value]) -> Vec<&str> {
    payloads
        .iter()
        .map(|p| p["scope"].as_str().unwrap())
        .collect()
}

/// The vendor store with simple products 111 (5 in stock) and 112 (3), and an API order of
/// 2 × 111 and 3 × 112 to one address.
async fn vendor_with_order(app: &TestSim) -> (u64, Vec<u64>) {
    assert_eq!(
        add_store(app, json!({"hash": VENDOR})).await.status(),
        StatusCode::CREATED
    );
    app.sim().seed_products(VENDOR, 2);
    assert!(app.sim().set_product_level(VENDOR, 1, 111, 5));
    assert!(app.sim().set_product_level(VENDOR, 1, 112, 3));
    let body = json!({
        "billing_address": {"first_name": "Merchant", "zip": "78701", "country_iso2": "US"},
        "shipping_addresses": [{"first_name": "Jane", "zip": "78726", "country_iso2": "US"}],
        "products": [{"product_id": 111, "quantity": 2}, {"product_id": 112, "quantity": 3}],
        "status_id": 11,
        "external_order_id": "PO-1"
    });
    let r = vendor(app, Method::POST, "/v2/orders", Some(&body)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let id = json(r).await["id"].as_u64().unwrap();
    let lines =
        json(vendor(app, Method::GET, &format!("/v2/orders/{id}/products"), None).await).await;
    let line_ids = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_u64().unwrap())
        .collect();
    (id, line_ids)
}

async fn ship(app: &TestSim, order_id: u64, body: &Value) -> reqwest::Response {
    let path = format!("/__sim/stores/{VENDOR}/orders/{order_id}/ship");
    app.control(Method::POST, &path, Some(body)).await
}

#[tokio::test]
async fn the_vendor_ships_part_then_the_rest_and_apps_hear_of_each() {
    let app = insecure_sim().await;
    let (order_id, lines) = vendor_with_order(&app).await;
    subscribe(&app, &["store/shipment/*", "store/order/statusUpdated"]).await;

    let r = ship(
        &app,
        order_id,
        &json!({"lines": [{"order_product_id": lines[1], "quantity": 1}], "tracking_carrier": "dhl"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let first = json(r).await;
    assert_eq!(first[0]["items"][0]["quantity"], 1);
    assert_eq!(first[0]["tracking_carrier"], "dhl");
    let tracking = first[0]["tracking_number"].as_str().unwrap();
    assert!(!tracking.is_empty() && tracking.len() <= 50);
    let order =
        json(vendor(&app, Method::GET, &format!("/v2/orders/{order_id}"), None).await).await;
    assert_eq!(order["status_id"], 3, "Partially Shipped");

    let r = ship(&app, order_id, &json!({})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let rest = json(r).await;
    let shipped: Vec<(u64, u64)> = rest[0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["order_product_id"].as_u64().unwrap(),
                i["quantity"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(shipped, [(lines[0], 2), (lines[1], 2)]);
    assert_ne!(rest[0]["tracking_number"], first[0]["tracking_number"]);
    let order =
        json(vendor(&app, Method::GET, &format!("/v2/orders/{order_id}"), None).await).await;
    assert_eq!(order["status_id"], 2, "Shipped");
    assert_eq!(order["items_shipped"], 5);
    let listed = json(
        vendor(
            &app,
            Method::GET,
            &format!("/v2/orders/{order_id}/shipments"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 2);

    let payloads = delivered(&app, 4).await;
    assert_eq!(
        scopes(&payloads),
        [
            "store/shipment/created",
            "store/order/statusUpdated",
            "store/shipment/created",
            "store/order/statusUpdated"
        ]
    );
    assert_eq!(payloads[0]["data"]["orderId"], order_id);
    assert_eq!(payloads[3]["data"]["status"]["new_status_id"], 2);

    // Nothing left: refused, nothing changes.
    let r = ship(&app, order_id, &json!({})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        json(r).await["error"]
            .as_str()
            .unwrap()
            .contains("nothing left to ship")
    );
    assert_eq!(
        ship(&app, 4242, &json!({})).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_bad_line_ships_nothing_and_a_cancelled_order_can_still_be_shipped() {
    let app = insecure_sim().await;
    let (order_id, lines) = vendor_with_order(&app).await;

    let r = ship(
        &app,
        order_id,
        &json!({"lines": [{"order_product_id": lines[0], "quantity": 1},
                          {"order_product_id": lines[1], "quantity": 4}]}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.sim().shipments(VENDOR, order_id).is_empty());

    let r = vendor(
        &app,
        Method::PUT,
        &format!("/v2/orders/{order_id}"),
        Some(&json!({"status_id": 5})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = ship(
        &app,
        order_id,
        &json!({"tracking_number": "1Z999AA10123456784"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(json(r).await[0]["tracking_number"], "1Z999AA10123456784");
    assert_eq!(app.sim().shipments(VENDOR, order_id).len(), 1);
}

#[tokio::test]
async fn stock_set_by_hand_and_taken_by_orders_fires_the_inventory_webhooks() {
    let app = insecure_sim().await;
    assert_eq!(
        add_store(
            &app,
            json!({"hash": VENDOR, "seed_products": 10, "variants_per_product": 2})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    subscribe(
        &app,
        &[
            "store/sku/inventory/updated",
            "store/product/inventory/updated",
            "store/sku/inventory/order/updated",
            "store/product/inventory/order/updated",
        ],
    )
    .await;
    // Product 111 (k = 0) has options and is tracked by variant; 114 (k = 3) is simple.
    let product = app.sim().product(VENDOR, 111).unwrap();
    let variant = product.variants()[1].clone();
    let simple = app.sim().product(VENDOR, 114).unwrap();
    assert!(simple.base_variant_id().is_some());
    let set = |sku: &str, quantity: i64| json!({"sku": sku, "quantity": quantity});
    let inventory = format!("/__sim/stores/{VENDOR}/inventory");

    let r = app
        .control(Method::PUT, &inventory, Some(&set(&variant.sku, 40)))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .control(Method::PUT, &inventory, Some(&set(&simple.sku, 9)))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.sim().variant_level(VENDOR, 1, variant.id()), Some(40));
    assert_eq!(app.sim().product_level(VENDOR, 1, 114), Some(9));

    let payloads = delivered(&app, 2).await;
    assert_eq!(
        scopes(&payloads),
        [
            "store/sku/inventory/updated",
            "store/product/inventory/updated"
        ]
    );
    assert_eq!(
        payloads[0]["data"],
        json!({"type": "sku", "id": variant.id(), "inventory": {
            "product_id": 111, "variant_id": variant.id(), "method": "absolute", "value": 40}})
    );
    assert_eq!(
        payloads[1]["data"],
        json!({"type": "product", "id": 114, "inventory": {
            "product_id": 114, "method": "absolute", "value": 9}})
    );
    assert_eq!(payloads[0]["producer"], format!("stores/{VENDOR}"));

    // An order takes stock, a cancellation gives it back: the order scopes, relative.
    let body = json!({
        "billing_address": {"first_name": "Merchant", "zip": "78701"},
        "products": [{"product_id": 111, "variant_id": variant.id(), "quantity": 3},
                     {"product_id": 114, "quantity": 2}],
    });
    let created = json(vendor(&app, Method::POST, "/v2/orders", Some(&body)).await).await;
    let order_id = created["id"].as_u64().unwrap();
    assert_eq!(created["status_id"], 1, "Pending when no status is given");
    vendor(
        &app,
        Method::PUT,
        &format!("/v2/orders/{order_id}"),
        Some(&json!({"status_id": 5})),
    )
    .await;
    let payloads = delivered(&app, 6).await;
    let by_order: Vec<(&str, i64)> = payloads[2..]
        .iter()
        .map(|p| {
            (
                p["scope"].as_str().unwrap(),
                p["data"]["inventory"]["value"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_order,
        [
            ("store/sku/inventory/order/updated", -3),
            ("store/product/inventory/order/updated", -2),
            ("store/sku/inventory/order/updated", 3),
            ("store/product/inventory/order/updated", 2)
        ]
    );
    assert_eq!(payloads[2]["data"]["inventory"]["method"], "relative");
    assert_eq!(app.sim().variant_level(VENDOR, 1, variant.id()), Some(40));

    // An API adjustment is an absolute change too.
    let adjust = json!({"items": [{"location_id": 1, "sku": variant.sku, "quantity": 12}]});
    let r = vendor(
        &app,
        Method::PUT,
        "/v3/inventory/adjustments/absolute",
        Some(&adjust),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let payloads = delivered(&app, 7).await;
    assert_eq!(payloads[6]["scope"], "store/sku/inventory/updated");
    assert_eq!(payloads[6]["data"]["inventory"]["value"], 12);

    // Unknown SKUs and locations are refused by name and change nothing.
    let r = app
        .control(Method::PUT, &inventory, Some(&set("NO-SUCH-SKU", 1)))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        json(r).await["error"]
            .as_str()
            .unwrap()
            .contains("NO-SUCH-SKU")
    );
    let r = app
        .control(
            Method::PUT,
            &inventory,
            Some(&json!({"sku": variant.sku, "quantity": 1, "location_id": 77})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.sim().variant_level(VENDOR, 1, variant.id()), Some(12));
}

#[tokio::test]
async fn requests_are_counted_per_store() {
    let app = insecure_sim().await;
    assert_eq!(
        add_store(&app, json!({"hash": VENDOR})).await.status(),
        StatusCode::CREATED
    );
    app.control(Method::POST, "/__sim/stats/reset", None).await;

    for _ in 0..3 {
        vendor(&app, Method::GET, "/v2/orders", None).await;
    }
    app.get("/v2/orders/100").await;

    let stats = json(app.control(Method::GET, "/__sim/stats", None).await).await;
    let stats: RequestStats = serde_json::from_value(stats).expect("stats");
    assert_eq!(stats.total, 4);
    assert_eq!(stats.store_total(VENDOR), 3);
    assert_eq!(stats.store_count(VENDOR, "GET /v2/orders"), 3);
    assert_eq!(stats.store_total(HASH), 1);
    assert_eq!(stats.store_count(HASH, "GET /v2/orders/{id}"), 1);
    assert_eq!(stats.store_count(HASH, "GET /v2/orders"), 0);
}
