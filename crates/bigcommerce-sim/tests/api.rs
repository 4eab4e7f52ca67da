//! Behaviour of the simulator as a client sees it: auth order, quotas, faults, paging,
//! stats, and the state changes behind each endpoint.

#[path = "helpers/mod.rs"]
mod helpers;

use std::time::{Duration, Instant};

use bigcommerce_sim::{
    CatalogSeed, Faults, InventoryTracking, MANY_VARIANTS, Misbehaviour, Money, SeededCatalog,
    SimConfig,
};
use helpers::{FULL, HASH, TestSim, header, json, spawn_sim, spawn_sim_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn v2_error(body: &Value, status: u16) {
    assert_eq!(body[0]["status"], status, "{body}");
    assert!(
        body[0]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

fn v3_error(body: &Value, status: u16) {
    assert_eq!(body["status"], status, "{body}");
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{body}"
    );
    assert_eq!(
        body["type"],
        "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"
    );
}

#[tokio::test]
async fn unknown_store_is_404_even_with_a_valid_token() {
    let app = spawn_sim().await;
    let url = format!("{}/stores/nope/v2/store", app.running.base_url);
    let r = app.call(Method::GET, &url, Some(FULL), None).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    v2_error(&json(r).await, 404);
}

#[tokio::test]
async fn missing_or_wrong_tokens_are_401_in_the_api_shape() {
    let app = spawn_sim().await;
    let r = app
        .call(Method::GET, &app.url("/v2/store"), None, None)
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    v2_error(&json(r).await, 401);

    let r = app.get_as("/v2/store", "not-a-token").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let r = app.get_as("/v3/catalog/products", "not-a-token").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    v3_error(&json(r).await, 401);

    // Tokens belong to one store.
    app.sim()
        .add_store(bigcommerce_sim::StoreSpec::sample("other"));
    app.sim()
        .add_token("other", "other-token", &["store_v2_information"]);
    assert_eq!(
        app.get_as("/v2/store", "other-token").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn scopes_gate_resources_and_read_only_allows_reads_only() {
    let app = spawn_sim().await;
    app.sim().seed_orders(HASH, 1);
    let orders_ro = app.token("orders-ro", &["store_v2_orders_read_only"]);

    let r = app.get_as("/v2/store", &orders_ro).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    v2_error(&json(r).await, 403);

    assert_eq!(
        app.get_as("/v2/orders/100", &orders_ro).await.status(),
        StatusCode::OK
    );
    let r = app
        .put_as("/v2/orders/100", &orders_ro, &json!({"status_id": 2}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        json(app.get("/v2/orders/100").await).await["status_id"],
        11,
        "a 403 changes nothing"
    );

    let inventory_ro = app.token("inv-ro", &["store_inventory_read_only"]);
    let r = app
        .put_as(
            "/v3/inventory/adjustments/absolute",
            &inventory_ro,
            &json!({"items": []}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    v3_error(&json(r).await, 403);
}

#[tokio::test]
async fn auth_is_checked_before_validation_and_resource_lookups() {
    let app = spawn_sim().await;
    let none = app.token("no-scopes", &[]);
    // An invalid body with a token lacking the scope: 403, not 422.
    let r = app
        .put_as(
            "/v3/inventory/adjustments/absolute",
            &none,
            &json!({"nope": 1}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A missing order with a bad token: 401, not 404.
    assert_eq!(
        app.get_as("/v2/orders/999", "bad").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // An unknown route: 401 without a token, 404 in the right shape with one.
    assert_eq!(
        app.get_as("/v3/nothing/here", "bad").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let r = app.get("/v3/nothing/here").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    v3_error(&json(r).await, 404);
    let r = app.get("/v2/nothing").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    v2_error(&json(r).await, 404);
}

/// wharf's Connect probes write nothing yet tell "scope present" from "scope missing".
#[tokio::test]
async fn write_scope_probes_change_nothing_and_tell_403_from_allowed() {
    let app = spawn_sim().await;
    app.sim().seed_orders(HASH, 1);
    let reader = app.token(
        "reader",
        &["store_v2_orders_read_only", "store_inventory_read_only"],
    );
    assert_eq!(
        app.put("/v2/orders/0", &json!({})).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.put_as("/v2/orders/0", &reader, &json!({}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let no_items = json!({"reason": "connection check", "items": []});
    assert_eq!(
        app.put("/v3/inventory/adjustments/absolute", &no_items)
            .await
            .status(),
        StatusCode::OK
    );
    let r = app
        .put_as("/v3/inventory/adjustments/absolute", &reader, &no_items)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(json(app.get("/v2/orders/100").await).await["status_id"], 11);
}

#[tokio::test]
async fn wrong_method_is_405_with_an_error_body() {
    let app = spawn_sim().await;
    let r = app
        .call(Method::DELETE, &app.url("/v2/store"), Some(FULL), None)
        .await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    v2_error(&json(r).await, 405);
}

#[tokio::test]
async fn every_store_response_reports_the_quota() {
    let app = spawn_sim().await;
    let r = app.get("/v2/time").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "x-rate-limit-time-window-ms"), Some(30_000));
    assert_eq!(header(&r, "x-rate-limit-requests-quota"), Some(150));
    assert_eq!(header(&r, "x-rate-limit-requests-left"), Some(149));
    assert!(header(&r, "x-rate-limit-time-reset-ms").is_some_and(|ms| ms <= 30_000));
    assert!(r.headers().get("x-retry-after").is_none());

    let r = app.get_as("/v2/time", "bad").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&r, "x-rate-limit-requests-left"),
        Some(149),
        "401s do not spend quota"
    );
    let url = format!("{}/stores/nope/v2/time", app.running.base_url);
    let r = app.call(Method::GET, &url, Some(FULL), None).await;
    assert_eq!(header(&r, "x-rate-limit-requests-quota"), Some(150));
}

#[tokio::test]
async fn over_quota_is_429_with_retry_after_and_the_quota_is_shared_by_tokens() {
    let app = spawn_sim_with(SimConfig {
        quota: 3,
        window: Duration::from_secs(60),
        ..SimConfig::default()
    })
    .await;
    let other = app.token("second-app", &["store_v2_information"]);
    assert_eq!(app.get("/v2/time").await.status(), StatusCode::OK);
    assert_eq!(
        app.get_as("/v2/time", &other).await.status(),
        StatusCode::OK
    );
    let r = app.get("/v2/time").await;
    assert_eq!(header(&r, "x-rate-limit-requests-left"), Some(0));

    for token in [FULL, other.as_str()] {
        let r = app.get_as("/v2/time", token).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(header(&r, "x-rate-limit-requests-left"), Some(0));
        let retry = header(&r, "x-retry-after").expect("X-Retry-After on 429");
        assert!((59..=60).contains(&retry), "{retry}");
        v2_error(&json(r).await, 429);
    }
    let r = app.get("/v3/catalog/products").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    v3_error(&json(r).await, 429);

    // Another store has its own window.
    app.sim()
        .add_store(bigcommerce_sim::StoreSpec::sample("other"));
    app.sim().add_token("other", "t", &["store_v2_information"]);
    let url = format!("{}/stores/other/v2/time", app.running.base_url);
    assert_eq!(
        app.call(Method::GET, &url, Some("t"), None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_quota_refills_when_the_window_ends() {
    let app = spawn_sim_with(SimConfig {
        quota: 2,
        window: Duration::from_millis(400),
        ..SimConfig::default()
    })
    .await;
    app.get("/v2/time").await;
    app.get("/v2/time").await;
    let r = app.get("/v2/time").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let reset = header(&r, "x-rate-limit-time-reset-ms").unwrap();
    assert!(reset <= 400);
    assert_eq!(
        header(&r, "x-retry-after"),
        Some(1),
        "rounded up to whole seconds"
    );

    tokio::time::sleep(Duration::from_millis(reset + 50)).await;
    let r = app.get("/v2/time").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "x-rate-limit-requests-left"), Some(1));

    app.sim().set_quota(5, Duration::from_secs(10));
    let r = app.get("/v2/time").await;
    assert_eq!(header(&r, "x-rate-limit-requests-quota"), Some(5));
    assert_eq!(
        header(&r, "x-rate-limit-requests-left"),
        Some(4),
        "set_quota starts a fresh window"
    );
}

#[tokio::test]
async fn injected_errors_come_after_auth_and_repeat_with_the_same_settings() {
    let app = spawn_sim().await;
    app.sim().set_faults(Faults {
        error_rate: 1.0,
        latency: Duration::ZERO,
        ..Faults::default()
    });
    let r = app.get("/v2/store").await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(header(&r, "x-rate-limit-requests-left").is_some());
    v2_error(&json(r).await, 500);
    let r = app.get("/v3/inventory/locations").await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    v3_error(&json(r).await, 500);
    assert_eq!(
        app.get_as("/v2/store", "bad").await.status(),
        StatusCode::UNAUTHORIZED
    );

    let failures = || async {
        app.sim().set_faults(Faults {
            error_rate: 0.5,
            latency: Duration::ZERO,
            ..Faults::default()
        });
        let mut pattern = Vec::new();
        for _ in 0..30 {
            pattern.push(app.get("/v2/time").await.status() == StatusCode::INTERNAL_SERVER_ERROR);
        }
        pattern
    };
    let first = failures().await;
    let n = first.iter().filter(|f| **f).count();
    assert!((5..=25).contains(&n), "about half fail: {n}");
    assert_eq!(first, failures().await, "same seed, same failures");

    app.sim().set_faults(Faults::default());
    assert_eq!(app.get("/v2/store").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn misbehaving_answers_repeat_pages_keep_next_links_and_name_other_objects() {
    let app = spawn_sim().await;
    app.sim().seed_products(HASH, 3);
    app.sim().seed_orders(HASH, 2);
    app.sim().set_faults(Faults {
        misbehaviour: Misbehaviour {
            repeat_list_pages: true,
            next_link_past_end: true,
            omit_consignments: true,
            answer_other_object: true,
            ..Misbehaviour::default()
        },
        ..Faults::default()
    });
    let first = json(app.get("/v3/catalog/products?limit=1").await).await;
    let fifth = json(app.get("/v3/catalog/products?limit=1&page=5").await).await;
    assert_eq!(first["data"], fifth["data"], "every page is the first");
    assert_eq!(fifth["meta"]["pagination"]["current_page"], 1);
    let past_end = json(app.get("/v3/catalog/products?limit=250").await).await;
    assert_eq!(past_end["meta"]["pagination"]["total_pages"], 1);
    assert_eq!(
        past_end["meta"]["pagination"]["links"]["next"],
        "?page=2&limit=250"
    );
    let v2_second = json(app.get("/v2/orders?limit=1&page=2").await).await;
    assert_eq!(
        v2_second[0]["id"], 100,
        "v2 lists repeat their first page too"
    );

    let order = json(
        app.get("/v2/orders/100?include=consignments.line_items&consignment_structure=object")
            .await,
    )
    .await;
    assert_eq!(
        order["id"], 101,
        "a read of order 100 answers about another"
    );
    assert!(order.get("consignments").is_none(), "{order:#}");
    let product = json(
        app.get(&format!("/v3/catalog/products/{}", first["data"][0]["id"]))
            .await,
    )
    .await;
    assert_ne!(product["data"]["id"], first["data"][0]["id"]);

    app.sim().set_faults(Faults::default());
    let order = json(
        app.get("/v2/orders/100?include=consignments.line_items&consignment_structure=object")
            .await,
    )
    .await;
    assert_eq!(order["id"], 100);
    assert!(order["consignments"].is_object(), "{order:#}");
}

#[tokio::test]
async fn latency_delays_responses() {
    let app = spawn_sim().await;
    app.sim().set_faults(Faults {
        error_rate: 0.0,
        latency: Duration::from_millis(150),
        ..Faults::default()
    });
    let started = Instant::now();
    assert_eq!(app.get("/v2/time").await.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn v2_orders_page_with_204_on_an_empty_page() {
    let app = spawn_sim().await;
    let r = app.get("/v2/orders").await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(r.bytes().await.unwrap().is_empty());

    assert_eq!(app.sim().seed_orders(HASH, 3), vec![100, 101, 102]);
    let page: Vec<Value> = app.get("/v2/orders?limit=2").await.json().await.unwrap();
    assert_eq!(
        page.iter()
            .map(|o| o["id"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [100, 101]
    );
    let page: Vec<Value> = app
        .get("/v2/orders?limit=2&page=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(
        app.get("/v2/orders?limit=2&page=3").await.status(),
        StatusCode::NO_CONTENT
    );

    let page: Vec<Value> = app
        .get("/v2/orders?sort=id:desc&limit=1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page[0]["id"], 102);
    assert_eq!(
        app.get("/v2/orders?status_id=2").await.status(),
        StatusCode::NO_CONTENT
    );
    let r = app.get("/v2/orders?min_date_created=not-a-date").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    v2_error(&json(r).await, 400);
}

#[tokio::test]
async fn limit_above_250_is_413() {
    let app = spawn_sim().await;
    let r = app.get("/v2/orders?limit=251").await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    v2_error(&json(r).await, 413);
    let r = app.get("/v3/catalog/products?limit=251").await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    v3_error(&json(r).await, 413);
    assert_eq!(
        app.get("/v3/catalog/products?limit=250").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/v2/orders?limit=250").await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn v3_products_page_with_pagination_meta() {
    let app = spawn_sim().await;
    let body = json(app.get("/v3/catalog/products").await).await;
    assert_eq!(body["data"], json!([]));
    assert_eq!(body["meta"]["pagination"]["total"], 0);

    app.sim().seed_products(HASH, 5);
    let body = json(app.get("/v3/catalog/products?limit=2&page=2").await).await;
    let ids: Vec<u64> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [113, 114]);
    let pg = &body["meta"]["pagination"];
    assert_eq!(
        (
            pg["total"].as_u64(),
            pg["count"].as_u64(),
            pg["total_pages"].as_u64()
        ),
        (Some(5), Some(2), Some(3))
    );
    assert_eq!(pg["links"]["next"], "?page=3&limit=2");
    let body = json(app.get("/v3/catalog/products?sku=SIM-112").await).await;
    assert_eq!(body["data"][0]["id"], 112);
}

#[tokio::test]
async fn order_status_changes_stick() {
    let app = spawn_sim().await;
    app.sim().seed_orders(HASH, 1);
    let before = json(app.get("/v2/orders/100").await).await;
    assert_eq!(before["status"], "Awaiting Fulfillment");

    let r = app
        .put(
            "/v2/orders/100",
            &json!({"status_id": 2, "staff_notes": "left the dock"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let after = json(app.get("/v2/orders/100").await).await;
    assert_eq!(after["status_id"], 2);
    assert_eq!(after["status"], "Shipped");
    assert_eq!(after["staff_notes"], "left the dock");

    let r = app.put("/v2/orders/100", &json!({"status_id": 99})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    v2_error(&json(r).await, 400);
    let r = app.put("/v2/orders/100", &json!({"id": 5})).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app.put("/v2/orders/555", &json!({"status_id": 2})).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        json(r).await,
        json!([{"status": 404, "message": "The requested resource was not found."}])
    );
    assert_eq!(
        app.get("/v2/orders/abc").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn order_statuses_are_the_fixed_table() {
    let app = spawn_sim().await;
    let all: Vec<Value> = app.get("/v2/order_statuses").await.json().await.unwrap();
    assert_eq!(all.len(), 15);
    assert_eq!(all[11]["name"], "Awaiting Fulfillment");
    let one = json(app.get("/v2/order_statuses/13").await).await;
    assert_eq!(one["name"], "Disputed");
    assert_eq!(
        app.get("/v2/order_statuses/15").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn store_information_comes_from_the_spec() {
    let app = spawn_sim().await;
    let info = json(app.get("/v2/store").await).await;
    assert_eq!(info["id"], HASH);
    assert_eq!(info["domain"], "store-abc123.mybigcommerce.com");
    assert_eq!(info["secure_url"], "https://store-abc123.mybigcommerce.com");
    assert_eq!(info["status"], "live");
    assert_eq!(
        info["store_id"],
        bigcommerce_sim::StoreSpec::sample(HASH).store_id
    );
    let time = json(app.get("/v2/time").await).await["time"]
        .as_i64()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - time).abs() <= 2);
}

#[tokio::test]
async fn absolute_adjustments_set_stock_all_or_nothing() {
    let app = spawn_sim().await;
    app.sim().seed_products(HASH, 2);
    let level = |body: Value, i: usize| body["data"][i]["inventory_level"].as_i64().unwrap();

    let r = app
        .put(
            "/v3/inventory/adjustments/absolute",
            &json!({"reason": "count", "items": [
                {"location_id": 1, "product_id": 111, "quantity": 7},
                {"location_id": 1, "sku": "SIM-112", "quantity": 3}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let tx = json(r).await["transaction_id"].as_str().unwrap().to_owned();
    assert_eq!(tx.len(), 36);
    let products = json(app.get("/v3/catalog/products").await).await;
    assert_eq!((level(products.clone(), 0), level(products, 1)), (7, 3));

    // One bad item rejects the whole batch.
    let r = app
        .put(
            "/v3/inventory/adjustments/absolute",
            &json!({"items": [
                {"location_id": 1, "variant_id": 1001, "quantity": 50},
                {"location_id": 1, "product_id": 1001, "quantity": 1},
                {"location_id": 9, "product_id": 111, "quantity": 1}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body = json(r).await;
    v3_error(&body, 422);
    assert!(
        body["errors"]["items.1"].is_string() && body["errors"]["items.2.location_id"].is_string(),
        "{body}"
    );

    // Empty items: schema-valid, so 200 with a transaction id, and nothing changes.
    let r = app
        .put("/v3/inventory/adjustments/absolute", &json!({"items": []}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(json(r).await["transaction_id"].is_string());
    let products = json(app.get("/v3/catalog/products").await).await;
    assert_eq!(level(products, 0), 7);

    let r = app
        .put(
            "/v3/inventory/adjustments/absolute",
            &json!({"reason": "no items"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let too_many: Vec<Value> = (0..2001)
        .map(|_| json!({"location_id": 1, "product_id": 111, "quantity": 1}))
        .collect();
    let r = app
        .put(
            "/v3/inventory/adjustments/absolute",
            &json!({ "items": too_many }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn locations_list_the_default_location() {
    let app = spawn_sim().await;
    let body = json(app.get("/v3/inventory/locations").await).await;
    assert_eq!(body["data"][0]["id"], 1);
    assert_eq!(body["data"][0]["code"], "BC-LOCATION-1");
    assert_eq!(body["meta"]["pagination"]["total"], 1);
    let body = json(app.get("/v3/inventory/locations?is_default=false").await).await;
    assert_eq!(body["data"], json!([]));
}

#[tokio::test]
async fn stats_count_store_requests_by_route_template() {
    let app = spawn_sim().await;
    app.sim().seed_orders(HASH, 2);
    app.get("/v2/store").await;
    app.get("/v2/orders/100").await;
    app.get("/v2/orders/101").await;
    app.get_as("/v2/orders/101", "bad").await;
    let url = format!("{}/stores/nope/v2/store", app.running.base_url);
    app.call(Method::GET, &url, Some(FULL), None).await;
    app.control(Method::GET, "/__sim/stats", None).await;

    let stats = app.sim().request_stats();
    assert_eq!(stats.total, 5, "{stats:?}");
    assert_eq!(stats.count("GET /v2/store"), 2);
    assert_eq!(stats.count("GET /v2/orders/{id}"), 3);
    assert_eq!(stats.by_status.get(&401), Some(&1));
    assert_eq!(stats.by_status.get(&404), Some(&1));
    assert_eq!(stats.by_status.get(&200), Some(&3));

    let over_http = json(app.control(Method::GET, "/__sim/stats", None).await).await;
    assert_eq!(over_http["total"], 5);
    let r = app.control(Method::POST, "/__sim/stats/reset", None).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.sim().request_stats().total, 0);
}

#[tokio::test]
async fn control_endpoints_configure_the_simulator() {
    let app = spawn_sim().await;
    let r = app
        .control(
            Method::POST,
            "/__sim/stores",
            Some(&json!({"hash": "xyz", "name": "Second"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .control(
            Method::POST,
            "/__sim/stores/xyz/tokens",
            Some(&json!({"access_token": "tok", "scopes": ["store_v2_information_read_only"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let url = format!("{}/stores/xyz/v2/store", app.running.base_url);
    let info = json(app.call(Method::GET, &url, Some("tok"), None).await).await;
    assert_eq!(info["name"], "Second");
    assert_eq!(info["domain"], "store-xyz.mybigcommerce.com");

    let r = app
        .control(
            Method::POST,
            "/__sim/stores/xyz/tokens",
            Some(&json!({"access_token": "t", "scopes": ["typo"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .control(
            Method::POST,
            "/__sim/stores/none/tokens",
            Some(&json!({"access_token": "t", "scopes": []})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let r = app
        .control(
            Method::PUT,
            "/__sim/quota",
            Some(&json!({"quota": 1, "window_ms": 60000})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.get("/v2/time").await;
    assert_eq!(
        app.get("/v2/time").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    app.control(
        Method::PUT,
        "/__sim/quota",
        Some(&json!({"quota": 100, "window_ms": 60000})),
    )
    .await;

    let r = app
        .control(
            Method::PUT,
            "/__sim/faults",
            Some(&json!({"error_rate": 1.0, "latency_ms": 0})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get("/v2/time").await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let r = app
        .control(
            Method::PUT,
            "/__sim/faults",
            Some(&json!({"error_rate": 2.0})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.control(
        Method::PUT,
        "/__sim/faults",
        Some(&json!({"error_rate": 0.0})),
    )
    .await;
    assert_eq!(app.get("/v2/time").await.status(), StatusCode::OK);
    assert_eq!(
        app.sim()
            .request_stats()
            .by_endpoint
            .keys()
            .filter(|k| k.contains("__sim"))
            .count(),
        0
    );
}

/// GET with the full token, asking for gzip or not; the body as it came over the wire.
async fn get_encoded(
    app: &TestSim,
    path: &str,
    gzip: bool,
) -> (StatusCode, Option<String>, Vec<u8>) {
    // A client that leaves the body as it came: with reqwest's `gzip` feature on (another
    // crate of the workspace turns it on), the shared client would decode it and drop the
    // header.
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let mut req = raw
        .get(app.url(path))
        .header("X-Auth-Token", FULL)
        .header("Accept", "application/json");
    if gzip {
        req = req.header("Accept-Encoding", "gzip");
    }
    let r = req.send().await.unwrap();
    let encoding = r
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    (r.status(), encoding, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn answers_are_gzipped_when_the_client_asks_and_only_then() {
    use std::io::Read;
    let app = spawn_sim().await;
    app.sim().seed_products(HASH, 20);
    app.sim().seed_orders(HASH, 20);
    for path in [
        "/v2/orders?limit=20",
        "/v3/catalog/products?include=variants,images",
    ] {
        let (status, encoding, plain) = get_encoded(&app, path, false).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(encoding, None, "{path}: uncompressed unless asked");
        let plain: Value = serde_json::from_slice(&plain).unwrap();

        let (status, encoding, wire) = get_encoded(&app, path, true).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(encoding.as_deref(), Some("gzip"), "{path}");
        let mut text = String::new();
        flate2::read::GzDecoder::new(wire.as_slice())
            .read_to_string(&mut text)
            .expect("a gzip stream");
        assert!(wire.len() < text.len(), "{path}: compressed is smaller");
        let decoded: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(decoded, plain, "{path}: the same answer");
    }
    // An empty page stays an empty 204.
    let (status, _, body) = get_encoded(&app, "/v2/orders?page=99", true).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(body.is_empty());
}

#[tokio::test]
async fn the_stats_count_answer_bytes_as_sent_compressed_or_not() {
    let app = spawn_sim().await;
    app.sim().seed_orders(HASH, 20);
    let path = "/v2/orders?limit=20";

    app.sim().reset_stats();
    let (_, encoding, plain) = get_encoded(&app, path, false).await;
    assert_eq!(encoding, None);
    let stats = app.sim().request_stats();
    assert_eq!(
        stats.body_bytes.on_the_wire,
        plain.len() as u64,
        "{stats:?}"
    );
    assert_eq!(stats.body_bytes.uncompressed, plain.len() as u64);

    app.sim().reset_stats();
    let (_, encoding, wire) = get_encoded(&app, path, true).await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    let stats = app.sim().request_stats();
    assert_eq!(
        stats.body_bytes.on_the_wire,
        wire.len() as u64,
        "the compressed bytes the client received"
    );
    assert_eq!(stats.body_bytes.uncompressed, plain.len() as u64);
    assert!(stats.body_bytes.on_the_wire < stats.body_bytes.uncompressed);
    // Counted per store too, and never for the control routes.
    assert_eq!(stats.by_store[HASH].body_bytes, stats.body_bytes);
    app.control(Method::GET, "/__sim/stats", None).await;
    assert_eq!(app.sim().request_stats().body_bytes, stats.body_bytes);
}

#[tokio::test]
async fn the_binary_prints_its_address_and_serves_the_store() {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_bigcommerce-sim"))
        .args([
            "--store-hash",
            "clistore",
            "--access-token",
            "cli-token",
            "--quota",
            "7",
            "--seed-products",
            "120",
            "--variants-per-product",
            "4",
            "--inline-variant-cap",
            "10",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("binary starts");
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..3 {
        let mut line = String::new();
        tokio::time::timeout(Duration::from_secs(30), stdout.read_line(&mut line))
            .await
            .expect("prints within 30 s")
            .unwrap();
        lines.push(line);
    }
    let base = lines[0]
        .strip_prefix("bigcommerce-sim listening on ")
        .and_then(|rest| rest.strip_suffix(" (store clistore)\n"))
        .unwrap_or_else(|| panic!("unexpected line {:?}", lines[0]));
    assert!(base.starts_with("http://127.0.0.1:"));
    assert_eq!(lines[1], format!("API path: {base}/stores/clistore/v3/\n"));
    assert_eq!(lines[2], "X-Auth-Token: cli-token\n");
    let r = reqwest::Client::new()
        .get(format!("{base}/stores/clistore/v2/store"))
        .header("X-Auth-Token", "cli-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "x-rate-limit-requests-quota"), Some(7));
    let r = reqwest::Client::new()
        .get(format!(
            "{base}/stores/clistore/v3/catalog/products?include=variants"
        ))
        .header("X-Auth-Token", "cli-token")
        .send()
        .await
        .unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["meta"]["pagination"]["total"], 120);
    // Position 0 is an ordinary product with --variants-per-product variants; position 7
    // has MANY_VARIANTS, over --inline-variant-cap, so no variants key.
    assert_eq!(body["data"][0]["variants"].as_array().unwrap().len(), 4);
    assert!(body["data"][7].get("variants").is_none());
    child.kill().await.unwrap();
}

// ---- Catalog ----

async fn seeded_sim(products: usize, variants_per_product: usize) -> (TestSim, SeededCatalog) {
    let app = spawn_sim().await;
    let seeded = app.sim().seed_catalog(
        HASH,
        CatalogSeed {
            products,
            variants_per_product,
        },
    );
    (app, seeded)
}

fn ids_of(body: &Value) -> Vec<u64> {
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data in {body}"))
        .iter()
        .map(|p| p["id"].as_u64().unwrap())
        .collect()
}

fn total(body: &Value) -> u64 {
    body["meta"]["pagination"]["total"].as_u64().unwrap()
}

#[tokio::test]
async fn catalog_lists_page_up_to_250_and_413_above() {
    let (app, seeded) = seeded_sim(600, 2).await;
    let mut all = Vec::new();
    for page in 1..=3 {
        let body = json(
            app.get(&format!(
                "/v3/catalog/products?include=variants&limit=250&page={page}"
            ))
            .await,
        )
        .await;
        assert_eq!(total(&body), 600);
        assert_eq!(body["meta"]["pagination"]["total_pages"], 3);
        all.extend(ids_of(&body));
    }
    assert_eq!(all, seeded.product_ids);
    assert_eq!(
        ids_of(&json(app.get("/v3/catalog/products").await).await).len(),
        50,
        "default limit"
    );
    for path in [
        "/v3/catalog/products?limit=251",
        "/v3/catalog/variants?limit=251",
        "/v3/catalog/brands?limit=251",
        "/v3/catalog/products/111/variants?limit=251",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        v3_error(&json(r).await, 413);
    }
    let variants = json(app.get("/v3/catalog/variants?limit=250&page=2").await).await;
    assert_eq!(total(&variants), seeded.variant_count as u64);
    assert_eq!(ids_of(&variants).len(), 250);
}

fn variant_ids(variants: &Value) -> Vec<u64> {
    variants
        .as_array()
        .unwrap_or_else(|| panic!("no variants array: {variants}"))
        .iter()
        .map(|v| v["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn include_variants_embeds_every_variant_by_default() {
    let (app, seeded) = seeded_sim(60, 3).await;
    assert_eq!(seeded.many_variant_product_ids.len(), 2);
    let many = seeded.many_variant_product_ids[0];
    let simple = seeded.simple_product_ids[0];

    let body = json(
        app.get("/v3/catalog/products?include=variants&limit=250")
            .await,
    )
    .await;
    let mut embedded = 0;
    for p in body["data"].as_array().unwrap() {
        let id = p["id"].as_u64().unwrap();
        let expected: Vec<u64> = app
            .sim()
            .product(HASH, id)
            .unwrap()
            .variants()
            .iter()
            .map(|v| v.id())
            .collect();
        assert_eq!(variant_ids(&p["variants"]), expected, "product {id}");
        embedded += expected.len();
    }
    assert_eq!(embedded, seeded.variant_count);
    // Without include=variants there is no variants key at all.
    let plain = json(app.get("/v3/catalog/products?limit=1").await).await;
    assert!(plain["data"][0].get("variants").is_none());
    // Unknown or unmodelled includes are accepted.
    let r = app
        .get("/v3/catalog/products?include=images,variants,custom_fields")
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let one = json(
        app.get(&format!("/v3/catalog/products/{many}?include=variants"))
            .await,
    )
    .await;
    let inline_ids = variant_ids(&one["data"]["variants"]);
    assert_eq!(inline_ids.len(), MANY_VARIANTS);
    assert!(one["data"]["base_variant_id"].is_null());
    assert_eq!(one["meta"], json!({}));

    // The variants endpoints return the same variants, in the same order.
    let mut fetched = Vec::new();
    for page in 1..=2 {
        let body = json(
            app.get(&format!(
                "/v3/catalog/products/{many}/variants?limit=50&page={page}"
            ))
            .await,
        )
        .await;
        assert_eq!(total(&body), MANY_VARIANTS as u64);
        fetched.extend(ids_of(&body));
    }
    assert_eq!(fetched, inline_ids);
    let by_product = json(
        app.get(&format!(
            "/v3/catalog/variants?product_id:in={many},{simple}&limit=250"
        ))
        .await,
    )
    .await;
    assert_eq!(total(&by_product), MANY_VARIANTS as u64 + 1);

    // A simple product: one base variant, no option values, sku_id null.
    let s = json(
        app.get(&format!("/v3/catalog/products/{simple}?include=variants"))
            .await,
    )
    .await;
    let base = &s["data"]["variants"][0];
    assert_eq!(s["data"]["variants"].as_array().unwrap().len(), 1);
    assert_eq!(s["data"]["base_variant_id"], base["id"]);
    assert_eq!(base["option_values"], json!([]));
    assert!(base["sku_id"].is_null());
    assert_eq!(base["sku"], s["data"]["sku"]);

    for path in [
        "/v3/catalog/products/999999",
        "/v3/catalog/products/999999/variants",
        "/v3/catalog/products/abc",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        v3_error(&json(r).await, 404);
    }
}

#[tokio::test]
async fn include_images_embeds_each_products_thumbnail() {
    let (app, seeded) = seeded_sim(30, 2).await;
    let body = json(
        app.get("/v3/catalog/products?include=images,variants&limit=250")
            .await,
    )
    .await;
    let products = body["data"].as_array().unwrap();
    assert_eq!(products.len(), seeded.product_ids.len());
    let mut image_ids = Vec::new();
    for p in products {
        let images = p["images"].as_array().unwrap_or_else(|| panic!("{p}"));
        assert_eq!(images.len(), 1, "{p}");
        let image = &images[0];
        assert_eq!(image["product_id"], p["id"]);
        assert_eq!(image["is_thumbnail"], true);
        for size in ["url_zoom", "url_standard", "url_thumbnail", "url_tiny"] {
            let url = image[size].as_str().unwrap();
            assert!(
                url.starts_with(&format!("https://cdn11.bigcommerce.com/s-{HASH}/")),
                "{url}"
            );
            assert!(url.contains(&format!("/products/{}/", p["id"])), "{url}");
        }
        assert!(p["variants"].is_array(), "includes combine");
        image_ids.push(image["id"].as_u64().unwrap());
    }
    image_ids.sort_unstable();
    image_ids.dedup();
    assert_eq!(image_ids.len(), products.len(), "image ids are unique");

    // The same image on the single product; no `images` key unless asked for.
    let id = seeded.product_ids[4];
    let one = json(
        app.get(&format!("/v3/catalog/products/{id}?include=images"))
            .await,
    )
    .await;
    assert_eq!(one["data"]["images"][0], products[4]["images"][0]);
    assert!(one["data"].get("variants").is_none());
    let plain = json(app.get(&format!("/v3/catalog/products/{id}")).await).await;
    assert!(plain["data"].get("images").is_none());
}

#[tokio::test]
async fn an_inline_variant_cap_leaves_out_the_variants_key_of_bigger_products() {
    let app = spawn_sim_with(SimConfig {
        inline_variant_cap: Some(10),
        ..SimConfig::default()
    })
    .await;
    let seeded = app.sim().seed_catalog(
        HASH,
        CatalogSeed {
            products: 60,
            variants_per_product: 3,
        },
    );
    let many = &seeded.many_variant_product_ids;
    assert_eq!(many.len(), 2);

    let body = json(
        app.get("/v3/catalog/products?include=variants&limit=250")
            .await,
    )
    .await;
    assert_eq!(total(&body), 60);
    for p in body["data"].as_array().unwrap() {
        let id = p["id"].as_u64().unwrap();
        let count = app.sim().product(HASH, id).unwrap().variants().len();
        if many.contains(&id) {
            assert!(
                p.get("variants").is_none(),
                "product {id}: {}",
                p["variants"]
            );
        } else {
            // Small products still embed all of theirs (at most the cap is fine).
            assert!(count <= 10);
            assert_eq!(variant_ids(&p["variants"]).len(), count, "product {id}");
        }
    }
    let one = json(
        app.get(&format!(
            "/v3/catalog/products/{}?include=variants",
            many[0]
        ))
        .await,
    )
    .await;
    assert_eq!(one["data"]["id"], many[0]);
    assert!(one["data"].get("variants").is_none());

    // The variants endpoints are not capped.
    let all = json(
        app.get(&format!(
            "/v3/catalog/products/{}/variants?limit=250",
            many[0]
        ))
        .await,
    )
    .await;
    assert_eq!(ids_of(&all).len(), MANY_VARIANTS);
    assert_eq!(total(&all), MANY_VARIANTS as u64);
    let both = json(
        app.get(&format!(
            "/v3/catalog/variants?product_id:in={},{}&limit=250",
            many[0], many[1]
        ))
        .await,
    )
    .await;
    assert_eq!(ids_of(&both).len(), 2 * MANY_VARIANTS);

    // A product with exactly `cap` variants is still embedded; one more is not.
    app.sim().set_inline_variant_cap(Some(MANY_VARIANTS));
    let one = json(
        app.get(&format!(
            "/v3/catalog/products/{}?include=variants",
            many[0]
        ))
        .await,
    )
    .await;
    assert_eq!(variant_ids(&one["data"]["variants"]).len(), MANY_VARIANTS);
    app.sim().set_inline_variant_cap(Some(MANY_VARIANTS - 1));
    let one = json(
        app.get(&format!(
            "/v3/catalog/products/{}?include=variants",
            many[0]
        ))
        .await,
    )
    .await;
    assert!(one["data"].get("variants").is_none());
    // Cleared at runtime: back to BigCommerce's behaviour.
    app.sim().set_inline_variant_cap(None);
    let body = json(
        app.get("/v3/catalog/products?include=variants&limit=250")
            .await,
    )
    .await;
    assert!(
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["variants"].as_array().is_some_and(|v| !v.is_empty()))
    );
}

#[tokio::test]
async fn product_filters_and_sorting() {
    let (app, seeded) = seeded_sim(100, 2).await;
    let id = |k: usize| seeded.product_ids[k];
    let get = |path: String| {
        let app = &app;
        async move { json(app.get(&path).await).await }
    };

    let body = get(format!("/v3/catalog/products?id={}", id(5))).await;
    assert_eq!(ids_of(&body), [id(5)]);
    let body = get(format!(
        "/v3/catalog/products?id:in={},{},999999",
        id(9),
        id(2)
    ))
    .await;
    assert_eq!(ids_of(&body), [id(2), id(9)]);

    // Product 45 repeats product 44's SKU: the SKU filter finds both.
    let dup = app.sim().product(HASH, id(45)).unwrap();
    assert_eq!(seeded.duplicate_sku_product_ids, [id(45)]);
    let body = get(format!("/v3/catalog/products?sku={}", dup.sku)).await;
    assert_eq!(ids_of(&body), [id(44), id(45)]);
    let other = app.sim().product(HASH, id(0)).unwrap().sku;
    let body = get(format!("/v3/catalog/products?sku:in={},{other}", dup.sku)).await;
    assert_eq!(ids_of(&body), [id(0), id(44), id(45)]);
    // `sku` is the product's own SKU only; variant SKUs live on /catalog/variants.
    let variant_sku = app.sim().product(HASH, id(0)).unwrap().variants()[1]
        .sku
        .clone();
    assert_eq!(
        total(&get(format!("/v3/catalog/products?sku={variant_sku}")).await),
        0
    );
    let v = get(format!("/v3/catalog/variants?sku={variant_sku}")).await;
    assert_eq!(v["data"][0]["product_id"], id(0));
    let blank = &seeded.blank_sku_product_ids;
    assert_eq!(blank, &[id(65)]);
    assert_eq!(app.sim().product(HASH, id(65)).unwrap().sku, "");

    let brand = app.sim().product(HASH, id(0)).unwrap().brand_id;
    let body = get(format!("/v3/catalog/products?brand_id={brand}&limit=250")).await;
    assert!(
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["brand_id"] == brand)
    );
    assert!(total(&body) >= 2);
    let no_brand = get("/v3/catalog/products?brand_id=0".into()).await;
    assert_eq!(ids_of(&no_brand), [id(49), id(99)]);

    let name = app.sim().product(HASH, id(7)).unwrap().name;
    let body = get(format!(
        "/v3/catalog/products?name={}",
        name.replace(' ', "%20")
    ))
    .await;
    assert_eq!(ids_of(&body), [id(7)]);
    let hidden = get("/v3/catalog/products?is_visible=false".into()).await;
    assert_eq!(ids_of(&hidden), [id(24), id(49), id(74), id(99)]);
    assert_eq!(
        total(&get("/v3/catalog/products?is_visible=true".into()).await),
        96
    );

    let by_price = get("/v3/catalog/products?sort=price&direction=desc&limit=250".into()).await;
    let prices: Vec<f64> = by_price["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["price"].as_f64().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] >= w[1]));
    let by_name = get("/v3/catalog/products?sort=name&limit=250".into()).await;
    let names: Vec<&str> = by_name["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));

    for bad in [
        "id=abc",
        "sort=colour",
        "direction=sideways",
        "is_visible=perhaps",
        "date_modified:min=last%20week",
        "id:greater=abc",
        "id:less=1.5",
        "id:min=one",
        "id:max=1,2",
    ] {
        let r = app.get(&format!("/v3/catalog/products?{bad}")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        v3_error(&json(r).await, 400);
    }
}

#[tokio::test]
async fn id_range_filters_combine_with_the_others() {
    let (app, seeded) = seeded_sim(100, 2).await;
    let id = |k: usize| seeded.product_ids[k];
    let get = |path: String| {
        let app = &app;
        async move { json(app.get(&path).await).await }
    };

    let body = get(format!(
        "/v3/catalog/products?id:greater={}&limit=250",
        id(89)
    ))
    .await;
    assert_eq!(ids_of(&body), seeded.product_ids[90..]);
    assert_eq!(total(&body), 10);
    let body = get(format!("/v3/catalog/products?id:less={}&limit=250", id(3))).await;
    assert_eq!(ids_of(&body), seeded.product_ids[..3]);
    // `:min`/`:max` are inclusive, `:greater`/`:less` exclusive.
    let body = get(format!(
        "/v3/catalog/products?id:min={}&id:max={}",
        id(10),
        id(12)
    ))
    .await;
    assert_eq!(ids_of(&body), [id(10), id(11), id(12)]);
    let body = get(format!(
        "/v3/catalog/products?id:greater={}&id:less={}",
        id(10),
        id(12)
    ))
    .await;
    assert_eq!(ids_of(&body), [id(11)]);
    // All bounds together: the tightest wins.
    let body = get(format!(
        "/v3/catalog/products?id:greater={}&id:min={}&id:less={}&id:max={}",
        id(10),
        id(20),
        id(30),
        id(40)
    ))
    .await;
    assert_eq!(ids_of(&body), seeded.product_ids[20..30]);
    // Empty and inverted ranges match nothing.
    for q in [
        format!("id:greater={0}&id:less={0}", id(50)),
        format!("id:min={}&id:max={}", id(51), id(50)),
        "id:less=0".into(),
        "id:greater=18446744073709551615".into(),
    ] {
        let body = get(format!("/v3/catalog/products?{q}")).await;
        assert_eq!(total(&body), 0, "{q}");
        assert_eq!(body["data"], json!([]), "{q}");
    }
    // Negative bounds are integers too.
    assert_eq!(
        total(&get("/v3/catalog/products?id:greater=-5".into()).await),
        100
    );

    // With the other filters: id:in, is_visible, sort/direction.
    let body = get(format!(
        "/v3/catalog/products?id:in={},{},{}&id:greater={}",
        id(1),
        id(2),
        id(3),
        id(1)
    ))
    .await;
    assert_eq!(ids_of(&body), [id(2), id(3)]);
    let hidden = get(format!(
        "/v3/catalog/products?is_visible=false&id:min={}",
        id(49)
    ))
    .await;
    assert_eq!(ids_of(&hidden), [id(49), id(74), id(99)]);
    let desc = get(format!(
        "/v3/catalog/products?sort=id&direction=desc&id:less={}&limit=3",
        id(50)
    ))
    .await;
    assert_eq!(ids_of(&desc), [id(49), id(48), id(47)]);
    assert_eq!(total(&desc), 50);
    // A bad bound is a 400 naming it.
    for name in ["id:greater", "id:less", "id:min", "id:max"] {
        let r = app.get(&format!("/v3/catalog/products?{name}=abc")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{name}");
        let body = json(r).await;
        v3_error(&body, 400);
        assert!(
            body["title"]
                .as_str()
                .unwrap()
                .contains(&format!("'{name}'")),
            "{body}"
        );
    }
}

#[tokio::test]
async fn keyset_paging_by_id_walks_every_product_once_despite_a_delete() {
    let (app, seeded) = seeded_sim(600, 2).await;
    let doomed = seeded.product_ids[300];
    let mut seen: Vec<u64> = Vec::new();
    let mut last = 0;
    let mut pages = 0;
    loop {
        let body = json(
            app.get(&format!(
                "/v3/catalog/products?sort=id&id:greater={last}&limit=250&include=variants"
            ))
            .await,
        )
        .await;
        let ids = ids_of(&body);
        // `total` counts what is left after the cursor, so it shrinks page by page.
        let remaining = if pages == 0 {
            600
        } else {
            600 - 1 - seen.len()
        };
        assert_eq!(total(&body), remaining as u64, "page {pages}");
        assert_eq!(body["meta"]["pagination"]["current_page"], 1);
        if ids.is_empty() {
            break;
        }
        for p in body["data"].as_array().unwrap() {
            assert!(!p["variants"].as_array().unwrap().is_empty());
        }
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        last = *ids.last().unwrap();
        seen.extend(ids);
        pages += 1;
        if pages == 1 {
            // Deleted between pages: the walk skips it without repeating or losing others.
            assert!(!seen.contains(&doomed));
            assert!(app.sim().delete_product(HASH, doomed));
        }
        assert!(pages <= 4, "the walk does not end");
    }
    let expected: Vec<u64> = seeded
        .product_ids
        .iter()
        .copied()
        .filter(|id| *id != doomed)
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(pages, 3);
}

#[tokio::test]
async fn incremental_import_sees_changes_and_deletions() {
    let (app, seeded) = seeded_sim(30, 2).await;
    let id = |k: usize| seeded.product_ids[k];
    let since = json(
        app.get("/v3/catalog/products?sort=date_modified&direction=desc&limit=1")
            .await,
    )
    .await["data"][0]["date_modified"]
        .as_str()
        .unwrap()
        .to_owned();
    let since_q = since.replace('+', "%2B");
    // `:min` is inclusive: only the newest product so far.
    let body = json(
        app.get(&format!("/v3/catalog/products?date_modified:min={since_q}"))
            .await,
    )
    .await;
    assert_eq!(ids_of(&body), [id(29)]);

    assert!(app.sim().update_product(HASH, id(3), |p| {
        p.name = "Renamed".into();
        p.price = Money::from_cents(1234);
        p.inventory_tracking = InventoryTracking::None;
    }));
    assert!(app.sim().update_product(HASH, id(8), |p| {
        p.variants_mut()[0].sku = "CHANGED-SKU".into();
    }));
    assert!(app.sim().delete_product(HASH, id(10)));
    assert!(!app.sim().delete_product(HASH, id(10)));
    assert!(!app.sim().update_product(HASH, 999_999, |_| {}));

    let updated = app.sim().product(HASH, id(3)).unwrap().date_modified();
    let after = updated
        .checked_sub(jiff::SignedDuration::from_secs(1))
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let body = json(
        app.get(&format!(
            "/v3/catalog/products?date_modified:min={after}&include=variants"
        ))
        .await,
    )
    .await;
    assert_eq!(ids_of(&body), [id(3), id(8)]);
    assert_eq!(body["data"][0]["name"], "Renamed");
    assert_eq!(body["data"][0]["price"], 12.34);
    assert_eq!(body["data"][0]["inventory_tracking"], "none");
    assert_eq!(body["data"][0]["inventory_level"], 0);
    assert_eq!(body["data"][1]["variants"][0]["sku"], "CHANGED-SKU");
    // `:max` (inclusive) at the old high-water mark excludes the changed ones.
    let before = json(
        app.get(&format!(
            "/v3/catalog/products?date_modified:max={since_q}&limit=250"
        ))
        .await,
    )
    .await;
    assert_eq!(total(&before), 27);

    let all = json(app.get("/v3/catalog/products?limit=250").await).await;
    assert_eq!(total(&all), 29);
    assert!(!ids_of(&all).contains(&id(10)));
    let r = app.get(&format!("/v3/catalog/products/{}", id(10))).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let v = json(
        app.get(&format!("/v3/catalog/variants?product_id:in={}", id(10)))
            .await,
    )
    .await;
    assert_eq!(total(&v), 0);
}

#[tokio::test]
async fn product_and_variant_tracking_read_the_default_location() {
    let (app, seeded) = seeded_sim(20, 3).await;
    let id = |k: usize| seeded.product_ids[k];
    let get = |path: String| {
        let app = &app;
        async move { json(app.get(&path).await).await }
    };
    // Position 0: variant tracking; the product shows the sum of its variants.
    let p = get(format!("/v3/catalog/products/{}?include=variants", id(0))).await["data"].clone();
    assert_eq!(p["inventory_tracking"], "variant");
    let levels: Vec<i64> = p["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["inventory_level"].as_i64().unwrap())
        .collect();
    assert_eq!(
        p["inventory_level"].as_i64().unwrap(),
        levels.iter().sum::<i64>()
    );

    let first_variant = p["variants"][0]["id"].as_u64().unwrap();
    let r = app
        .put(
            "/v3/inventory/adjustments/absolute",
            &json!({"items": [{"location_id": 1, "variant_id": first_variant, "quantity": 1000}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let p2 = get(format!("/v3/catalog/products/{}", id(0))).await;
    assert_eq!(
        p2["data"]["inventory_level"].as_i64().unwrap(),
        1000 + levels[1..].iter().sum::<i64>()
    );

    // Position 9: product tracking on a product with options; variants read 0 and the
    // Inventory API's product_id item sets the product level.
    let r = app
        .put(
            "/v3/inventory/adjustments/absolute",
            &json!({"items": [{"location_id": 1, "product_id": id(9), "quantity": 42}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let p = get(format!("/v3/catalog/products/{}?include=variants", id(9))).await["data"].clone();
    assert_eq!(p["inventory_tracking"], "product");
    assert_eq!(p["inventory_level"], 42);
    assert!(
        p["variants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["inventory_level"] == 0)
    );

    // Position 3: simple, product tracking; its base variant shows the product's level.
    let p = get(format!("/v3/catalog/products/{}?include=variants", id(3))).await["data"].clone();
    assert_eq!(p["inventory_tracking"], "product");
    assert_eq!(p["variants"][0]["inventory_level"], p["inventory_level"]);
    // Position 1: tracking none.
    let p = get(format!("/v3/catalog/products/{}", id(1))).await["data"].clone();
    assert_eq!(
        (
            p["inventory_tracking"].as_str(),
            p["inventory_level"].as_i64()
        ),
        (Some("none"), Some(0))
    );
}

#[tokio::test]
async fn variant_and_brand_lists_filter() {
    let (app, seeded) = seeded_sim(100, 3).await;
    let get = |path: String| {
        let app = &app;
        async move { json(app.get(&path).await).await }
    };
    let p0 = app.sim().product(HASH, seeded.product_ids[0]).unwrap();
    let v = &p0.variants()[1];
    let body = get(format!("/v3/catalog/variants?id={}", v.id())).await;
    assert_eq!(ids_of(&body), [v.id()]);
    assert_eq!(body["data"][0]["sku"], v.sku.as_str());
    let body = get(format!("/v3/catalog/variants?upc={}", v.upc)).await;
    assert_eq!(ids_of(&body), [v.id()]);
    assert_eq!(body["data"][0]["upc"].as_str().unwrap().len(), 12);
    assert_eq!(
        body["data"][0]["option_values"].as_array().unwrap().len(),
        2
    );
    // Variant 85's first SKU repeats product 84's first variant: both come back.
    let dup = seeded.duplicate_sku_variant_ids[0];
    let p85 = app.sim().product(HASH, seeded.product_ids[85]).unwrap();
    assert_eq!(p85.variants()[0].id(), dup);
    let body = get(format!(
        "/v3/catalog/variants?sku={}",
        p85.variants()[0].sku
    ))
    .await;
    assert_eq!(total(&body), 2);
    let blank = seeded.blank_sku_variant_ids[0];
    let body = get(format!("/v3/catalog/variants?id={blank}")).await;
    assert_eq!(body["data"][0]["sku"], "");

    let brands = get("/v3/catalog/brands?limit=250".into()).await;
    assert_eq!(ids_of(&brands), seeded.brand_ids);
    assert_eq!(brands["data"][0]["name"], "Acme");
    let body = get("/v3/catalog/brands?name=Northwind".into()).await;
    assert_eq!(ids_of(&body), [seeded.brand_ids[1]]);
    let body = get(format!(
        "/v3/catalog/brands?limit=5&page=2&id:in={}",
        seeded
            .brand_ids
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    ))
    .await;
    assert_eq!(ids_of(&body), seeded.brand_ids[5..10]);
    let r = app.get("/v3/catalog/brands?id=x").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn seeding_is_deterministic_and_realistic() {
    let a = seeded_sim(200, 5).await;
    let b = seeded_sim(200, 5).await;
    assert_eq!(a.1, b.1);
    let strip = |mut body: Value| {
        for p in body["data"].as_array_mut().unwrap() {
            let p = p.as_object_mut().unwrap();
            p.remove("date_created");
            p.remove("date_modified");
        }
        body
    };
    let path = "/v3/catalog/products?include=variants&limit=250";
    assert_eq!(
        strip(json(a.0.get(path).await).await),
        strip(json(b.0.get(path).await).await)
    );

    let (app, seeded) = a;
    assert_eq!(seeded.brand_ids.len(), 20);
    assert_eq!(seeded.simple_product_ids.len(), 20);
    assert_eq!(seeded.many_variant_product_ids.len(), 4);
    assert_eq!(seeded.duplicate_sku_product_ids.len(), 2);
    assert_eq!(seeded.blank_sku_product_ids.len(), 2);
    assert_eq!(seeded.duplicate_sku_variant_ids.len(), 2);
    assert_eq!(seeded.blank_sku_variant_ids.len(), 2);
    let p = app.sim().product(HASH, seeded.product_ids[0]).unwrap();
    assert_eq!(p.sku, "ACME-TSHIRT-0111");
    assert_eq!(p.name, "Acme Classic T-Shirt 0111");
    assert_eq!(p.variants()[2].sku, "ACME-TSHIRT-0111-RED-M");
    assert!(
        p.variants()[0].id() > 100_000,
        "variant ids stay clear of product ids"
    );

    let trackings: std::collections::BTreeSet<String> = json(app.get(path).await).await["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["inventory_tracking"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(trackings.len(), 3, "{trackings:?}");
}

#[tokio::test]
async fn catalog_routes_have_stats_keys_and_need_the_products_scope() {
    let (app, seeded) = seeded_sim(5, 2).await;
    let id = seeded.product_ids[0];
    app.get("/v3/catalog/products").await;
    app.get(&format!("/v3/catalog/products/{id}")).await;
    app.get(&format!("/v3/catalog/products/{id}/variants"))
        .await;
    app.get("/v3/catalog/variants").await;
    app.get("/v3/catalog/brands").await;
    let stats = app.sim().request_stats();
    for key in [
        "GET /v3/catalog/products",
        "GET /v3/catalog/products/{id}",
        "GET /v3/catalog/products/{id}/variants",
        "GET /v3/catalog/variants",
        "GET /v3/catalog/brands",
    ] {
        assert_eq!(stats.count(key), 1, "{key}: {stats:?}");
    }
    let ro = app.token("ro", &["store_v2_products_read_only"]);
    let orders_only = app.token("orders", &["store_v2_orders"]);
    for path in ["/v3/catalog/variants", "/v3/catalog/brands"] {
        assert_eq!(app.get_as(path, &ro).await.status(), StatusCode::OK);
        assert_eq!(
            app.get_as(path, &orders_only).await.status(),
            StatusCode::FORBIDDEN
        );
    }
}
