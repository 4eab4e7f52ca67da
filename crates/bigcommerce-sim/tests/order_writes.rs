//! Orders created and changed through the API (`POST /v2/orders`, `PUT /v2/orders/{id}`), as a
//! dropship platform does in a vendor's store: validation naming the line, stock taken and
//! given back, the order found again by its reference, webhooks, and the write faults that
//! lose or hold the answer.

#[path = "helpers/mod.rs"]
mod helpers;

use std::time::{Duration, Instant};

use bigcommerce_sim::{Availability, CatalogSeed, Faults, InventoryTracking, SimConfig};
use helpers::{FULL, HASH, TestSim, json, spawn_sim, spawn_sim_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Two simple products (111, 112; base variants 1001, 1002) tracked by product, 5 and 1 in
/// stock at the default location.
async fn stocked_sim(config: SimConfig) -> TestSim {
    let app = spawn_sim_with(config).await;
    app.sim().seed_products(HASH, 2);
    assert!(app.sim().set_product_level(HASH, 1, 111, 5));
    assert!(app.sim().set_product_level(HASH, 1, 112, 1));
    app
}

fn address(first: &str, zip: &str) -> Value {
    json!({
        "first_name": first, "last_name": "Doe", "street_1": "1 Main St", "city": "Austin",
        "state": "Texas", "zip": zip, "country": "United States", "country_iso2": "US",
        "email": format!("{}@example.com", first.to_lowercase())
    })
}

fn order_body(reference: &str, products: Value) -> Value {
    json!({
        "billing_address": address("Merchant", "78701"),
        "shipping_addresses": [address("Jane", "78726")],
        "products": products,
        "status_id": 11,
        "customer_id": 0,
        "external_order_id": reference,
        "staff_notes": "Dropship order PO-1"
    })
}

async fn post_order(app: &TestSim, body: &Value) -> reqwest::Response {
    app.call(Method::POST, &app.url("/v2/orders"), Some(FULL), Some(body))
        .await
}

/// The ids of the orders carrying `reference`, as a client looks them up after a lost answer.
async fn orders_with_reference(app: &TestSim, reference: &str, since: &str) -> Vec<u64> {
    let url = format!(
        "{}?external_order_id={}&min_date_created={}",
        app.url("/v2/orders"),
        urlencode(reference),
        urlencode(since)
    );
    let r = app.call(Method::GET, &url, Some(FULL), None).await;
    if r.status() == StatusCode::NO_CONTENT {
        return Vec::new();
    }
    json(r)
        .await
        .as_array()
        .expect("array")
        .iter()
        .map(|o| o["id"].as_u64().unwrap())
        .collect()
}

fn urlencode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn an_hour_ago() -> String {
    (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1)).to_string()
}

#[tokio::test]
async fn a_created_order_is_an_ordinary_order_of_the_store() {
    let app = stocked_sim(SimConfig::default()).await;
    let body = order_body(
        "PO-1001",
        json!([{"product_id": 111, "quantity": 2}, {"product_id": 112, "variant_id": 1002, "quantity": 1}]),
    );

    let r = post_order(&app, &body).await;

    assert_eq!(r.status(), StatusCode::OK, "createOrder answers 200");
    let created = json(r).await;
    let id = created["id"].as_u64().unwrap();
    assert_eq!(created["order_source"], "external");
    assert_eq!(created["external_order_id"], "PO-1001");
    assert_eq!(created["external_id"], Value::Null);
    assert_eq!(created["status_id"], 11);
    assert_eq!(created["customer_id"], 0);
    assert_eq!(created["staff_notes"], "Dropship order PO-1");
    assert_eq!(created["billing_address"]["first_name"], "Merchant");
    assert_eq!(created["items_total"], 3);
    assert!(created["date_created"].as_str().unwrap().ends_with("+0000"));

    let addresses = json(
        app.get(&format!("/v2/orders/{id}/shipping_addresses"))
            .await,
    )
    .await;
    assert_eq!(addresses.as_array().unwrap().len(), 1);
    assert_eq!(addresses[0]["first_name"], "Jane");
    assert_eq!(addresses[0]["zip"], "78726");
    let lines = json(app.get(&format!("/v2/orders/{id}/products")).await).await;
    assert_eq!(lines[0]["sku"], "SIM-111");
    assert_eq!(lines[0]["quantity"], 2);
    assert_eq!(lines[1]["variant_id"], 1002);
    assert_eq!(lines[0]["order_address_id"], addresses[0]["id"]);

    // Tracked stock went with the order.
    assert_eq!(app.sim().product_level(HASH, 1, 111), Some(3));
    assert_eq!(app.sim().product_level(HASH, 1, 112), Some(0));
    assert_eq!(app.sim().oversold_units(HASH), 0);

    // Found by its reference among orders created since, and by nothing else.
    assert_eq!(
        orders_with_reference(&app, "PO-1001", &an_hour_ago()).await,
        [id]
    );
    assert!(
        orders_with_reference(&app, "PO-100", &an_hour_ago())
            .await
            .is_empty()
    );
    let later = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1)).to_string();
    assert!(
        orders_with_reference(&app, "PO-1001", &later)
            .await
            .is_empty()
    );
    let rfc2822 = "Thu, 20 Apr 2017 11:32:00 -0400";
    assert_eq!(orders_with_reference(&app, "PO-1001", rfc2822).await, [id]);
}

#[tokio::test]
async fn lines_the_store_cannot_sell_are_refused_by_line_and_nothing_is_created() {
    let app = spawn_sim().await;
    let seeded = app.sim().seed_catalog(
        HASH,
        CatalogSeed {
            products: 6,
            variants_per_product: 3,
        },
    );
    let with_options = seeded
        .product_ids
        .iter()
        .copied()
        .find(|id| {
            let p = app.sim().product(HASH, *id).unwrap();
            !seeded.simple_product_ids.contains(id)
                && p.inventory_tracking == InventoryTracking::Variant
        })
        .expect("a product tracked by variant");
    let product = app.sim().product(HASH, with_options).unwrap();
    let variant = product.variants()[0].clone();
    assert!(app.sim().set_variant_level(HASH, 1, variant.id(), 2));
    let simple = app.sim().seed_products(HASH, 2);
    let (other, disabled) = (simple[0], simple[1]);
    let other_variant = app.sim().product(HASH, other).unwrap().variants()[0].id();
    app.sim()
        .update_product(HASH, disabled, |p| p.availability = Availability::Disabled);

    let r = post_order(
        &app,
        &order_body(
            "PO-BAD",
            json!([
                {"product_id": 999_999, "quantity": 1},
                {"product_id": with_options, "variant_id": other_variant, "quantity": 1},
                {"product_id": disabled, "quantity": 1},
                {"product_id": with_options, "variant_id": variant.id(), "quantity": 3},
                {"product_id": with_options, "quantity": 1}
            ]),
        ),
    )
    .await;

    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = json(r).await;
    let error = &body[0];
    assert_eq!(error["status"], 422);
    let details = error["details"].as_object().expect("details by line");
    let keys: Vec<&str> = details.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "products.0.product_id",
            "products.1.variant_id",
            "products.2",
            "products.3.quantity",
            "products.4.product_options"
        ]
    );
    assert!(
        details["products.2"]
            .as_str()
            .unwrap()
            .contains("cannot be purchased")
    );
    assert!(
        details["products.3.quantity"]
            .as_str()
            .unwrap()
            .contains("out of stock"),
        "{details:?}"
    );
    assert_eq!(error["message"], details["products.0.product_id"]);
    assert_eq!(app.get("/v2/orders").await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.sim().variant_level(HASH, 1, variant.id()), Some(2));

    // The same variant picked by its option values is taken.
    let options: Vec<Value> = variant
        .option_values()
        .iter()
        .map(|o| json!({"id": o.option_id, "value": o.id.to_string()}))
        .collect();
    let r = post_order(
        &app,
        &order_body(
            "PO-OK",
            json!([{"product_id": with_options, "product_options": options, "quantity": 1}]),
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let id = json(r).await["id"].as_u64().unwrap();
    let lines = json(app.get(&format!("/v2/orders/{id}/products")).await).await;
    assert_eq!(lines[0]["variant_id"], variant.id());
    assert_eq!(app.sim().variant_level(HASH, 1, variant.id()), Some(1));
}

#[tokio::test]
async fn a_malformed_body_is_a_400_naming_every_field() {
    let app = stocked_sim(SimConfig::default()).await;
    let r = post_order(
        &app,
        &json!({
            "billing_address": {"first_name": "Jane", "zip": "7"},
            "products": [{"product_id": 111, "quantity": 0}, {"name": "Gift wrap", "quantity": 1}],
            "status_id": 42
        }),
    )
    .await;

    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = json(r).await;
    let keys: Vec<String> = body[0]["details"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        keys,
        [
            "billing_address.zip",
            "products.0.quantity",
            "products.1.price_ex_tax",
            "products.1.price_inc_tax",
            "status_id"
        ]
    );
    let r = post_order(&app, &json!({"external_id": "X", "products": []})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        json(r).await[0]["message"]
            .as_str()
            .unwrap()
            .contains("'external_id' cannot be written to")
    );
    assert_eq!(app.get("/v2/orders").await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.sim().product_level(HASH, 1, 111), Some(5));
}

#[tokio::test]
async fn a_read_only_token_cannot_create_orders() {
    let app = stocked_sim(SimConfig::default()).await;
    let reader = app.token("reader", &["store_v2_orders_read_only"]);
    let body = order_body("PO-1", json!([{"product_id": 111, "quantity": 1}]));
    let r = app
        .call(
            Method::POST,
            &app.url("/v2/orders"),
            Some(&reader),
            Some(&body),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.sim().product_level(HASH, 1, 111), Some(5));
}

#[tokio::test]
async fn cancelling_gives_the_stock_back_once() {
    let app = stocked_sim(SimConfig::default()).await;
    let created = json(
        post_order(
            &app,
            &order_body("PO-7", json!([{"product_id": 111, "quantity": 4}])),
        )
        .await,
    )
    .await;
    let id = created["id"].as_u64().unwrap();
    assert_eq!(app.sim().product_level(HASH, 1, 111), Some(1));

    let r = app
        .put(&format!("/v2/orders/{id}"), &json!({"status_id": 5}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let cancelled = json(r).await;
    assert_eq!(
        (cancelled["id"].as_u64(), cancelled["status_id"].as_u64()),
        (Some(id), Some(5))
    );
    assert_eq!(cancelled["status"], "Cancelled");
    assert_eq!(app.sim().product_level(HASH, 1, 111), Some(5));

    // Out of Cancelled and back in: nothing is given back twice.
    app.put(&format!("/v2/orders/{id}"), &json!({"status_id": 11}))
        .await;
    app.put(&format!("/v2/orders/{id}"), &json!({"status_id": 5}))
        .await;
    assert_eq!(app.sim().product_level(HASH, 1, 111), Some(5));

    let r = app
        .put(&format!("/v2/orders/{id}"), &json!({"status_id": 99}))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app.put("/v2/orders/4242", &json!({"status_id": 5})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// A receiver that answers 200 to every delivery.
async fn hook_receiver() -> String {
    let app = axum::Router::new().route("/hooks", axum::routing::post(|| async { StatusCode::OK }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

async fn delivered_scopes(app: &TestSim, count: usize) -> Vec<String> {
    let start = Instant::now();
    loop {
        let scopes: Vec<String> = app
            .sim()
            .deliveries(HASH)
            .into_iter()
            .map(|d| d.scope)
            .collect();
        if scopes.len() >= count {
            return scopes;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {count} deliveries, got {scopes:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn creating_and_cancelling_fire_the_order_webhooks() {
    let app = stocked_sim(SimConfig {
        allow_insecure_webhook_destinations: true,
        ..SimConfig::default()
    })
    .await;
    let destination = hook_receiver().await;
    let hook = json!({"scope": "store/order/*", "destination": destination});
    let r = app
        .call(Method::POST, &app.url("/v3/hooks"), Some(FULL), Some(&hook))
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let created = json(
        post_order(
            &app,
            &order_body("PO-9", json!([{"product_id": 111, "quantity": 1}])),
        )
        .await,
    )
    .await;
    let id = created["id"].as_u64().unwrap();
    assert_eq!(delivered_scopes(&app, 1).await, ["store/order/created"]);
    app.put(&format!("/v2/orders/{id}"), &json!({"status_id": 5}))
        .await;

    let scopes = delivered_scopes(&app, 3).await;
    assert_eq!(
        scopes,
        [
            "store/order/created",
            "store/order/updated",
            "store/order/statusUpdated"
        ]
    );
    let status = app
        .sim()
        .deliveries(HASH)
        .into_iter()
        .find(|d| d.scope == "store/order/statusUpdated")
        .unwrap();
    assert_eq!(status.payload["data"]["id"], id);
    assert_eq!(status.payload["data"]["status"]["previous_status_id"], 11);
    assert_eq!(status.payload["data"]["status"]["new_status_id"], 5);
}

#[tokio::test]
async fn an_answer_lost_after_the_create_leaves_the_order_to_be_found() {
    let app = stocked_sim(SimConfig::default()).await;
    app.sim().set_faults(Faults {
        drop_response_after_write_rate: 1.0,
        ..Faults::default()
    });

    let r = post_order(
        &app,
        &order_body("PO-LOST", json!([{"product_id": 111, "quantity": 1}])),
    )
    .await;

    assert_eq!(r.status(), StatusCode::GATEWAY_TIMEOUT);
    app.sim().set_faults(Faults::default());
    let found = orders_with_reference(&app, "PO-LOST", &an_hour_ago()).await;
    assert_eq!(found.len(), 1, "the create was applied once");
    assert_eq!(app.sim().product_level(HASH, 1, 111), Some(4));
}

#[tokio::test]
async fn a_held_answer_comes_after_the_order_exists() {
    let app = stocked_sim(SimConfig::default()).await;
    app.sim().set_faults(Faults {
        hold_response_after_write: Duration::from_secs(2),
        ..Faults::default()
    });
    let body = order_body("PO-HELD", json!([{"product_id": 111, "quantity": 1}]));
    let url = app.url("/v2/orders");
    let client = app.client.clone();
    let pending = tokio::spawn(async move {
        client
            .post(url)
            .header("X-Auth-Token", FULL)
            .json(&body)
            .send()
            .await
            .expect("answer")
            .status()
    });

    let start = Instant::now();
    while app.sim().request_stats().held_now == 0 {
        assert!(start.elapsed() < Duration::from_secs(20), "never held");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let found = orders_with_reference(&app, "PO-HELD", &an_hour_ago()).await;
    assert_eq!(found.len(), 1, "visible while its answer is held");
    assert_eq!(pending.await.unwrap(), StatusCode::OK);
}
