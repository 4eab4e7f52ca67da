//! wharf against answers the real BigCommerce (or its spec's own examples) may give: pages that
//! repeat or never end, orders without consignments, answers about another object, odd catalog
//! data. Each read ends, with an error that says why where it cannot finish; nothing wrong is
//! stored.

use std::time::Duration;
use wharf::app::jobs::Job;

use bigcommerce_sim::{Faults, Misbehaviour, ShopperLine, ShopperOrder};
use serde_json::{Value, json};
use wharf::db::jobs::{self, JobStatus, NewJob};
use wharf::jobs::{Worker, WorkerConfig};

use crate::helpers::{
    STORE_HASH, TestApp, spawn_app, spawn_app_with_webhooks, spawn_app_without_workers,
};

fn misbehaving(misbehaviour: Misbehaviour) -> Faults {
    Faults {
        misbehaviour,
        ..Faults::default()
    }
}

/// Runs the job to its end in this test, the way a worker would, and returns its error.
async fn run_job_to_failure(app: &TestApp, job: NewJob) -> String {
    let id = jobs::enqueue_now(&app.app.db, &job)
        .await
        .unwrap()
        .expect("queued");
    let worker = Worker::new(
        app.app.db.clone(),
        wharf::startup::job_handlers(&app.app),
        WorkerConfig::default(),
    );
    // Bounded: a read that never ends fails the test here instead of hanging it.
    tokio::time::timeout(Duration::from_secs(60), worker.run_due_jobs())
        .await
        .expect("the job ended")
        .unwrap();
    let job = jobs::get(&app.app.db, id).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Failed, "{job:?}");
    job.last_error.expect("a failed job says why")
}

#[tokio::test]
async fn an_import_whose_variant_pages_repeat_fails_saying_why_instead_of_paging_for_ever() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    app.seed_catalog(250, 2);
    // Products with more than one variant come without them (over 250 to read in one batch),
    // and the variants' batch read answers its first page whatever page is asked.
    app.sim.simulator.set_inline_variant_cap(Some(1));
    app.sim.simulator.set_faults(misbehaving(Misbehaviour {
        repeat_list_pages: true,
        ..Misbehaviour::default()
    }));

    let run = app.start_import(store_id, "full").await;
    let run = app.wait_for_import(run["id"].as_i64().unwrap()).await;

    assert_eq!(run["status"], "failed", "{run:#}");
    let error = run["last_error"].as_str().unwrap();
    assert!(
        error.contains("GET v3/catalog/variants") && error.contains("could not be read to the end"),
        "{error}"
    );
    let stats = app.sim.simulator.request_stats();
    assert!(
        stats.count("GET /v3/catalog/variants") <= 4,
        "stopped at the first repeat: {stats:?}"
    );
}

#[tokio::test]
async fn a_drift_check_ignores_a_next_link_past_the_last_page() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    app.seed_catalog(20, 2);
    app.import_all(store_id).await;
    app.sim.simulator.set_faults(misbehaving(Misbehaviour {
        next_link_past_end: true,
        ..Misbehaviour::default()
    }));
    app.sim.simulator.reset_stats();

    let report = tokio::time::timeout(Duration::from_secs(30), app.app.check_drift(store_id))
        .await
        .expect("the check ends")
        .expect("the check succeeds");

    assert_eq!(report.requests, 1);
    assert_eq!(
        app.sim
            .simulator
            .request_stats()
            .count("GET /v3/inventory/items"),
        1
    );
}

#[tokio::test]
async fn a_drift_check_whose_pages_repeat_fails_on_activity() {
    let app = spawn_app_without_workers().await;
    let store_id = app.connected_store().await;
    app.seed_catalog(150, 2);
    let worker = Worker::new(
        app.app.db.clone(),
        wharf::startup::job_handlers(&app.app),
        WorkerConfig::default(),
    );
    app.start_import(store_id, "full").await;
    while worker.run_due_jobs().await.unwrap() > 0 {}
    app.sim.simulator.set_faults(misbehaving(Misbehaviour {
        repeat_list_pages: true,
        next_link_past_end: true,
        ..Misbehaviour::default()
    }));

    let drift = NewJob::new(
        wharf::app::jobs::DriftCheck::KIND,
        &json!({ "store_id": store_id }),
    );
    let error = run_job_to_failure(&app, drift).await;

    assert!(
        error.contains("GET v3/inventory/items") && error.contains("page 2"),
        "{error}"
    );
    let cookie = app.session_cookie().await;
    let activity = app
        .get_page("/activity?status=failed", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        activity.contains("could not be read to the end"),
        "the operator sees why"
    );
}

#[tokio::test]
async fn webhook_registration_reads_the_hook_list_once_however_it_is_paged() {
    let app = spawn_app_with_webhooks().await;
    app.sim.simulator.set_faults(misbehaving(Misbehaviour {
        repeat_list_pages: true,
        next_link_past_end: true,
        ..Misbehaviour::default()
    }));

    // Connect queues the registration, which lists the hooks before it creates any.
    app.connected_store().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while app.sim.simulator.request_stats().count("POST /v3/hooks") < 4 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "hooks were not registered: {:?}",
            app.sim.simulator.request_stats()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    let stats = app.sim.simulator.request_stats();
    assert_eq!(stats.count("GET /v3/hooks"), 1, "{stats:?}");
}

/// The order poll asks each page as the first page of a moved `min_date_modified` filter, so
/// a server that answers every page number with its first page still yields each order once.
/// (A walk that gets nothing new whatever it asks ends with an error: the walk's unit tests.)
#[tokio::test]
async fn an_order_poll_reads_every_order_once_from_a_server_that_repeats_its_pages() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    app.sim.simulator.seed_orders(STORE_HASH, 300);
    app.sim.simulator.set_faults(misbehaving(Misbehaviour {
        repeat_list_pages: true,
        ..Misbehaviour::default()
    }));

    let response = tokio::time::timeout(
        Duration::from_secs(60),
        app.api_post(&format!("/stores/{store_id}/orders/sync"), &json!({})),
    )
    .await
    .expect("the sync ends");

    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders")
        .fetch_one(app.app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 300, "every order, once");
    let stats = app.sim.simulator.request_stats();
    assert!(stats.count("GET /v2/orders") <= 3, "{stats:?}");
}

#[tokio::test]
async fn an_order_without_consignments_keeps_its_ship_to_and_ships() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(10, 1);
    app.import_all(store_id).await;
    let vendor: Value = app
        .api_post("/vendors", &json!({ "name": "Alpha Supply" }))
        .await
        .json()
        .await
        .unwrap();
    app.api_post(
        &format!("/stores/{store_id}/assignments"),
        &json!({ "rule": "default", "vendor": "Alpha Supply" }),
    )
    .await;
    let product = app
        .sim
        .simulator
        .product(STORE_HASH, seeded.product_ids[0])
        .unwrap();
    let variant = &product.variants()[0];
    app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(
            product.id(),
            Some(variant.id()),
            2,
        )]),
    );
    app.sim.simulator.set_faults(misbehaving(Misbehaviour {
        omit_consignments: true,
        ..Misbehaviour::default()
    }));

    let synced = app
        .api_post(&format!("/stores/{store_id}/orders/sync"), &json!({}))
        .await;
    assert_eq!(synced.status(), 200);
    let orders: Vec<Value> = app.api_get("/orders").await.json().await.unwrap();
    let detail: Value = app
        .api_get(&format!("/orders/{}", orders[0]["id"]))
        .await
        .json()
        .await
        .unwrap();
    let purchase_order = &detail["purchase_orders"][0];
    assert_eq!(
        purchase_order["addresses"].as_array().unwrap().len(),
        1,
        "{detail:#}"
    );
    assert_eq!(purchase_order["vendor_id"], vendor["id"]);

    let shipment = app
        .http
        .post(format!(
            "{}/vendor-api/v1/purchase-orders/{}/shipments",
            app.address, purchase_order["id"]
        ))
        .bearer_auth(vendor["api_token_once"].as_str().unwrap())
        .json(&json!({
            "tracking_number": "1Z999AA10123456784",
            "carrier": "UPS",
            "lines": [{ "sku": variant.sku, "quantity": 2 }]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(shipment.status(), 201, "{}", shipment.text().await.unwrap());
}

#[tokio::test]
async fn a_re_read_answered_about_another_order_stores_nothing() {
    let app = spawn_app_without_workers().await;
    let store_id = app.connected_store().await;
    let ids = app.sim.simulator.seed_orders(STORE_HASH, 2);
    app.sim.simulator.set_faults(misbehaving(Misbehaviour {
        answer_other_object: true,
        ..Misbehaviour::default()
    }));

    let fetch = NewJob::new(
        wharf::app::jobs::OrderFetch::KIND,
        &json!({ "store_id": store_id, "order_id": ids[0] }),
    );
    let error = run_job_to_failure(&app, fetch).await;

    assert!(
        error.contains(&format!("instead of order {}", ids[0])),
        "{error}"
    );
    let stored: Vec<Value> = app.api_get("/orders").await.json().await.unwrap();
    assert!(stored.is_empty(), "{stored:#?}");
}

#[tokio::test]
async fn odd_catalog_data_is_reported_per_product_and_the_rest_imports() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(30, 2);
    app.sim.simulator.set_faults(misbehaving(Misbehaviour {
        odd_catalog_data: true,
        ..Misbehaviour::default()
    }));

    let run = app.import_all(store_id).await;

    assert_eq!(
        run["counts"]["products_seen"].as_u64().unwrap() as usize,
        seeded.product_ids.len() - 1,
        "all but the unreadable product: {run:#}"
    );
    let issues = run["issues"].as_array().unwrap();
    let kinds: Vec<&str> = issues.iter().filter_map(|i| i["kind"].as_str()).collect();
    for kind in [
        "unreadable_product",
        "foreign_variant",
        "inventory_out_of_range",
        "negative_price",
        "invalid_barcode",
    ] {
        assert!(kinds.contains(&kind), "{kind} reported: {issues:#?}");
    }
    let first = seeded.product_ids[0] as i64;
    let second = seeded.product_ids[1] as i64;
    for issue in issues
        .iter()
        .filter(|i| i["kind"] != "blank_sku" && !i["kind"].as_str().unwrap().starts_with("dup"))
    {
        let product = issue["product_external_id"].as_i64().unwrap();
        assert!(product == first || product == second, "{issue:#}");
        assert!(
            !issue["product_name"].as_str().unwrap().is_empty(),
            "the product is named: {issue:#}"
        );
    }
    assert!(
        issues.iter().any(|i| i["kind"] == "unreadable_product"
            && i["message"]
                .as_str()
                .unwrap()
                .starts_with("Product could not be read (price")),
        "{issues:#?}"
    );
}

#[tokio::test]
async fn every_request_says_it_sends_json_and_asks_for_gzip() {
    let app = spawn_app().await;
    app.sim.simulator.reset_stats();
    let store_id = app.connected_store().await;
    app.seed_catalog(30, 2);
    app.sim.simulator.seed_orders(STORE_HASH, 5);

    app.import_all(store_id).await;
    let synced = app
        .api_post(&format!("/stores/{store_id}/orders/sync"), &json!({}))
        .await;
    assert_eq!(synced.status(), 200);

    let stats = app.sim.simulator.request_stats();
    assert!(stats.total > 5, "{stats:?}");
    assert_eq!(stats.without_content_type, 0, "{stats:?}");
    assert_eq!(stats.without_gzip, 0, "{stats:?}");
}
