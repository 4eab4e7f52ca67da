//! Inventory out: vendor stock (API, CSV, feeds) published to BigCommerce by the formula, only
//! what changed, items BigCommerce refuses flagged, drift found and repaired.

use std::time::Duration;

use bigcommerce_sim::{InventoryTracking, ShopperLine, ShopperOrder};
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_PASSWORD, ADMIN_USER, STORE_HASH, TestApp, spawn_app, spawn_app_without_workers,
};

/// A store whose catalog is imported, with vendor Alpha (default vendor) and its token.
pub(crate) struct Stocked {
    pub store_id: i64,
    pub vendor_id: i64,
    pub token: String,
    /// (BigCommerce product id, variant id, SKU) of variant-tracked products' first variants.
    pub by_variant: Vec<(u64, u64, String)>,
    /// (BigCommerce product id, SKU) of simple products tracked by product.
    pub by_product: Vec<(u64, String)>,
}

pub(crate) async fn stocked_store(app: &TestApp) -> Stocked {
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(40, 2);
    let run = app.start_import(store_id, "full").await;
    // Run here too, for apps without a background worker; with one, they share the queue.
    let worker = wharf::jobs::Worker::new(
        app.app.db.clone(),
        wharf::startup::job_handlers(&app.app),
        wharf::jobs::WorkerConfig::default(),
    );
    while worker.run_due_jobs().await.unwrap() > 0 {}
    let run = app.wait_for_import(run["id"].as_i64().unwrap()).await;
    assert_eq!(run["status"], "completed", "{run:#}");
    let response = app
        .api_post("/vendors", &json!({ "name": "Alpha Supply" }))
        .await;
    let vendor: Value = response.json().await.unwrap();
    app.api_post(
        &format!("/stores/{store_id}/assignments"),
        &json!({ "rule": "default", "vendor": "Alpha Supply" }),
    )
    .await;
    let mut by_variant = Vec::new();
    let mut by_product = Vec::new();
    for id in seeded.product_ids {
        let product = app.sim.simulator.product(STORE_HASH, id).unwrap();
        let variants = product.variants();
        match product.inventory_tracking {
            InventoryTracking::Variant if variants.len() > 1 => {
                by_variant.push((id, variants[0].id(), variants[0].sku.clone()))
            }
            InventoryTracking::Product if variants.len() == 1 && !product.sku.is_empty() => {
                by_product.push((id, product.sku.clone()))
            }
            _ => {}
        }
    }
    assert!(by_variant.len() >= 4 && !by_product.is_empty());
    Stocked {
        store_id,
        vendor_id: vendor["id"].as_i64().unwrap(),
        token: vendor["api_token_once"].as_str().unwrap().to_owned(),
        by_variant,
        by_product,
    }
}

pub(crate) async fn put_stock(app: &TestApp, token: &str, items: Value) -> reqwest::Response {
    app.http
        .put(format!("{}/vendor-api/v1/stock", app.address))
        .bearer_auth(token)
        .json(&json!({ "items": items }))
        .send()
        .await
        .unwrap()
}

/// The operator's push, once no other push of the store runs: with workers, a change's own
/// push starts at once and may hold the store when the operator's comes (which then says
/// "busy" and sends nothing); once it ends, the operator's push sends whatever it left.
pub(crate) async fn push(app: &TestApp, store_id: i64, full: bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let response = app
            .api_post(
                &format!("/stores/{store_id}/inventory/push"),
                &json!({ "full": full }),
            )
            .await;
        assert_eq!(response.status(), 200);
        let report: Value = response.json().await.unwrap();
        if report["busy"] != true {
            return report;
        }
        assert!(tokio::time::Instant::now() < deadline, "always busy");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) fn level(app: &TestApp, variant_id: u64) -> Option<i64> {
    app.sim.simulator.variant_level(STORE_HASH, 1, variant_id)
}

#[tokio::test]
async fn vendor_stock_minus_what_is_sold_reaches_bigcommerce_and_only_changes_are_pushed() {
    // It counts what the operator's pushes send: no change's own push may run first.
    let app = spawn_app_without_workers().await;
    let shop = stocked_store(&app).await;
    let (a, b, c) = (
        &shop.by_variant[0],
        &shop.by_variant[1],
        &shop.by_variant[2],
    );
    let (simple_id, simple_sku) = &shop.by_product[0];
    let response = put_stock(
        &app,
        &shop.token,
        json!([
            { "sku": a.2, "quantity": 10 },
            { "sku": b.2, "quantity": 0 },
            { "sku": c.2, "quantity": 5, "warehouse": "east" },
            { "sku": simple_sku, "quantity": 7 },
            { "sku": "NOT-IN-THE-STORE", "quantity": 3 },
        ]),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["applied"], 5);

    let report = push(&app, shop.store_id, false).await;
    assert_eq!(report["pushed"], 4, "{report}");
    assert!(report["requests"].as_u64().unwrap() <= 1, "{report}");
    assert_eq!(level(&app, a.1), Some(10));
    assert_eq!(level(&app, b.1), Some(0));
    assert_eq!(level(&app, c.1), Some(5));
    assert_eq!(
        app.sim.simulator.product_level(STORE_HASH, 1, *simple_id),
        Some(7),
        "a product-tracked item is set by product id"
    );

    // Nothing changed: nothing is sent.
    app.sim.simulator.reset_stats();
    let report = push(&app, shop.store_id, false).await;
    assert_eq!(
        (report["pushed"].as_u64(), report["requests"].as_u64()),
        (Some(0), Some(0))
    );

    // A sale of 2 is allocated until the vendor ships it and reports again.
    app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(a.0, Some(a.1), 2)]),
    );
    app.app.poll_orders(shop.store_id).await.unwrap();
    let report = push(&app, shop.store_id, false).await;
    assert_eq!(report["pushed"], 1, "{report}");
    assert_eq!(level(&app, a.1), Some(8));
    assert_eq!(app.sim.simulator.oversold_units(STORE_HASH), 0);

    // The vendor's buffer holds units back.
    let response = app
        .http
        .put(format!(
            "{}/api/v1/vendors/{}/stock-terms",
            app.address, shop.vendor_id
        ))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .json(&json!({ "buffer": 3 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    push(&app, shop.store_id, false).await;
    assert_eq!(level(&app, a.1), Some(5), "10 − 2 sold − 3 buffer");
    assert_eq!(level(&app, c.1), Some(2));

    let unmatched: Vec<String> = app
        .http
        .get(format!("{}/vendor-api/v1/stock/unmatched", app.address))
        .bearer_auth(&shop.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unmatched, ["NOT-IN-THE-STORE"]);
}

#[tokio::test]
async fn bad_stock_is_refused_naming_each_item_and_nothing_is_applied() {
    // It counts what the operator's pushes send: no change's own push may run first.
    let app = spawn_app_without_workers().await;
    let shop = stocked_store(&app).await;
    let sku = &shop.by_variant[0].2;
    let response = put_stock(
        &app,
        &shop.token,
        json!([{ "sku": sku, "quantity": 4 }, { "sku": "", "quantity": 1 }, { "sku": "X", "quantity": -2 }]),
    )
    .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let message = body["fields"][0]["message"].as_str().unwrap();
    assert!(message.contains("item 2: sku is required"), "{message}");
    assert!(
        message.contains("item 3 (SKU X): quantity must be 0 or more"),
        "{message}"
    );
    let report = push(&app, shop.store_id, false).await;
    assert_eq!(
        report["pushed"], 0,
        "nothing of the refused call was applied"
    );
}

#[tokio::test]
async fn a_stale_vendor_publishes_zero() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let a = &shop.by_variant[0];
    put_stock(&app, &shop.token, json!([{ "sku": a.2, "quantity": 9 }])).await;
    push(&app, shop.store_id, false).await;
    assert_eq!(level(&app, a.1), Some(9));
    app.http
        .put(format!(
            "{}/api/v1/vendors/{}/stock-terms",
            app.address, shop.vendor_id
        ))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .json(&json!({ "stale_after_secs": 3600 }))
        .send()
        .await
        .unwrap();
    // The vendor's last report, two hours ago.
    sqlx::query("UPDATE vendors SET stock_reported_at = stock_reported_at - 7200000")
        .execute(app.app.db.pool())
        .await
        .unwrap();
    push(&app, shop.store_id, false).await;
    assert_eq!(level(&app, a.1), Some(0), "nobody vouches for stale stock");
}

#[tokio::test]
async fn an_item_bigcommerce_refuses_is_flagged_and_the_rest_of_the_batch_lands() {
    // It counts what the operator's pushes send: no change's own push may run first.
    let app = spawn_app_without_workers().await;
    let shop = stocked_store(&app).await;
    let (a, b) = (&shop.by_variant[0], &shop.by_variant[1]);
    // Someone switches product A to product-level tracking after wharf imported it.
    app.sim.simulator.update_product(STORE_HASH, a.0, |p| {
        p.inventory_tracking = InventoryTracking::Product;
    });
    put_stock(
        &app,
        &shop.token,
        json!([{ "sku": a.2, "quantity": 4 }, { "sku": b.2, "quantity": 6 }]),
    )
    .await;
    let report = push(&app, shop.store_id, false).await;
    assert_eq!(
        (report["pushed"].as_u64(), report["refused"].as_u64()),
        (Some(1), Some(1)),
        "{report}"
    );
    assert_eq!(level(&app, b.1), Some(6));
    let view: Value = app
        .api_get(&format!("/stores/{}/inventory", shop.store_id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["refused"][0]["sku"], a.2.as_str(), "{view:#}");
    assert!(
        view["refused"][0]["error"]
            .as_str()
            .unwrap()
            .contains("tracked by product"),
        "{view:#}"
    );
}

#[tokio::test]
async fn the_drift_check_finds_a_hand_edit_and_the_push_repairs_it() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let a = &shop.by_variant[0];
    put_stock(&app, &shop.token, json!([{ "sku": a.2, "quantity": 12 }])).await;
    push(&app, shop.store_id, false).await;
    app.sim.simulator.set_variant_level(STORE_HASH, 1, a.1, 40);

    let response = app
        .api_post(
            &format!("/stores/{}/inventory/drift-check", shop.store_id),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["differences"], 1, "{report}");
    let view: Value = app
        .api_get(&format!("/stores/{}/inventory", shop.store_id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["drift"][0]["expected"], 12);
    assert_eq!(view["drift"][0]["found"], 40);
    // The check queued a push; the worker repairs the level.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while level(&app, a.1) != Some(12) {
        assert!(tokio::time::Instant::now() < deadline, "never repaired");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_vendor_update_reaches_bigcommerce_by_itself_within_seconds() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let a = &shop.by_variant[0];
    put_stock(&app, &shop.token, json!([{ "sku": a.2, "quantity": 3 }])).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while level(&app, a.1) != Some(3) {
        assert!(tokio::time::Instant::now() < deadline, "the push never ran");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn stock_files_apply_valid_rows_match_skus_loosely_and_refuse_mostly_invalid_files() {
    // It counts what the operator's pushes send: no change's own push may run first.
    let app = spawn_app_without_workers().await;
    let shop = stocked_store(&app).await;
    let (a, b) = (&shop.by_variant[0], &shop.by_variant[1]);
    app.http
        .put(format!(
            "{}/api/v1/vendors/{}/stock-terms",
            app.address, shop.vendor_id
        ))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .json(&json!({ "case_insensitive": true, "strip_prefix": "ACME-" }))
        .send()
        .await
        .unwrap();
    let csv = format!(
        "Vendor SKU;Qty\nACME-{};11\n{};abc\nacme-{};2\n",
        a.2.to_lowercase(),
        b.2,
        b.2
    );
    let response = app
        .http
        .post(format!(
            "{}/api/v1/vendors/{}/stock/csv",
            app.address, shop.vendor_id
        ))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["applied"], 2, "{report}");
    assert_eq!(report["errors"][0]["line"], 3, "{report}");
    push(&app, shop.store_id, false).await;
    assert_eq!(level(&app, a.1), Some(11));
    assert_eq!(level(&app, b.1), Some(2));

    // A file that is mostly broken changes nothing.
    let mut broken = format!("sku,quantity\n{},1\n", a.2);
    for n in 0..10 {
        broken.push_str(&format!("{},{n} units\n", b.2));
    }
    let response = app
        .http
        .post(format!("{}/vendor-api/v1/stock/csv", app.address))
        .bearer_auth(&shop.token)
        .header("content-type", "text/csv")
        .body(broken)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nothing was applied"),
        "{body}"
    );
    push(&app, shop.store_id, false).await;
    assert_eq!(level(&app, a.1), Some(11));

    // The same from the command line.
    let file = app.dir.path().join("stock.csv");
    std::fs::write(&file, format!("sku,quantity\nACME-{},4\n", a.2)).unwrap();
    let output = crate::cli::wharf(
        &app,
        &[
            "inventory",
            "import",
            file.to_str().unwrap(),
            "--vendor",
            "Alpha Supply",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let output = crate::cli::wharf(&app, &["inventory", "push", &shop.store_id.to_string()]).await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("1 level(s) pushed"),
        "{output:?}"
    );
    assert_eq!(level(&app, a.1), Some(4));
}

#[tokio::test]
async fn a_stock_feed_is_fetched_and_a_broken_one_changes_nothing() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let a = &shop.by_variant[0];
    let body = std::sync::Arc::new(std::sync::Mutex::new(format!("sku,quantity\n{},21\n", a.2)));
    let served = body.clone();
    let feed_server = axum::Router::new().route(
        "/feed.csv",
        axum::routing::get(move || {
            let served = served.clone();
            async move { served.lock().unwrap().clone() }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/feed.csv?token=secret-feed-token",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, feed_server).await });

    let response = app
        .api_post(
            &format!("/vendors/{}/feeds", shop.vendor_id),
            &json!({ "url": url, "interval_secs": 3600 }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let feed: Value = response.json().await.unwrap();
    assert!(!feed.to_string().contains("secret-feed-token"), "{feed}");
    let response = app
        .api_post(&format!("/feeds/{}/run", feed["id"]), &json!({}))
        .await;
    assert_eq!(response.status(), 200);
    push(&app, shop.store_id, false).await;
    assert_eq!(level(&app, a.1), Some(21));

    *body.lock().unwrap() = "this is not,a stock file\n1,2\n".into();
    let response = app
        .api_post(&format!("/feeds/{}/run", feed["id"]), &json!({}))
        .await;
    assert_eq!(response.status(), 422);
    let feeds: Value = app
        .api_get(&format!("/vendors/{}/feeds", shop.vendor_id))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        feeds[0]["last_error"].as_str().unwrap().contains("sku"),
        "{feeds}"
    );
    assert!(feeds[0]["last_fresh_at_ms"].is_number(), "{feeds}");
    push(&app, shop.store_id, false).await;
    assert_eq!(level(&app, a.1), Some(21), "the last good stock stands");

    // The command line lists feeds, and without WHARF_FEED_ALLOW_PRIVATE refuses this one both
    // when adding it and when fetching it.
    let listed = crate::cli::wharf(&app, &["inventory", "feeds"]).await;
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("/feed.csv"),
        "{listed:?}"
    );
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("secret-feed-token"));
    let added = crate::cli::wharf(
        &app,
        &[
            "inventory",
            "feed-add",
            &url,
            "--vendor",
            "Alpha Supply",
            "--sku-column",
            "sku",
        ],
    )
    .await;
    assert_eq!(added.status.code(), Some(2), "{added:?}");
    assert!(
        String::from_utf8_lossy(&added.stderr).contains("public internet addresses"),
        "{added:?}"
    );
    let run = crate::cli::wharf(&app, &["inventory", "feed-run", &feed["id"].to_string()]).await;
    assert_eq!(run.status.code(), Some(2), "{run:?}");

    // Feeds may not reach private addresses unless the operator allows it.
    let mut settings = app.settings.clone();
    settings.server.feed_allow_private = false;
    let strict = wharf::app::App::open(&settings).await.unwrap();
    let refused = strict
        .add_feed(
            shop.vendor_id,
            &wharf::app::inventory::FeedInput {
                url: "http://169.254.169.254/latest/meta-data".into(),
                ..Default::default()
            },
        )
        .await;
    assert!(refused.is_err(), "{refused:?}");
}
