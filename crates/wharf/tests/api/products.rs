//! Importing the store's catalog: every product and variant, resumable, incremental, with
//! SKU problems reported and vanished products archived.

use std::collections::HashSet;
use wharf::app::jobs::Job;

use bigcommerce_sim::{Faults, InventoryTracking};
use serde_json::Value;
use sqlx::Row;

use crate::helpers::{STORE_HASH, TestApp, spawn_app};

async fn all_variants(app: &TestApp, store_id: i64) -> Vec<Value> {
    let body: Value = app
        .api_get(&format!(
            "/products?store_id={store_id}&per_page=500&page=1"
        ))
        .await
        .json()
        .await
        .unwrap();
    let total = body["total"].as_i64().unwrap();
    let mut variants: Vec<Value> = body["variants"].as_array().unwrap().clone();
    let mut page = 2;
    while (variants.len() as i64) < total {
        let body: Value = app
            .api_get(&format!(
                "/products?store_id={store_id}&per_page=500&page={page}"
            ))
            .await
            .json()
            .await
            .unwrap();
        variants.extend(body["variants"].as_array().unwrap().iter().cloned());
        page += 1;
    }
    variants
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.app.db.pool())
        .await
        .unwrap()
        .get::<i64, _>(0)
}

#[tokio::test]
async fn a_full_import_keeps_every_product_and_variant_with_their_fields() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(300, 3);
    app.sim.simulator.reset_stats();

    let run = app.import_all(store_id).await;
    assert_eq!(run["counts"]["products_seen"], 300);
    assert_eq!(run["counts"]["products_created"], 300);
    assert_eq!(run["counts"]["variants_seen"], seeded.variant_count);
    assert_eq!(run["counts"]["pages_done"], 2);
    assert_eq!(run["percent"], 100);

    // Two product pages and one brand page: variants came inline.
    let stats = app.sim.simulator.request_stats();
    assert_eq!(stats.count("GET /v3/catalog/products"), 2, "{stats:?}");
    assert_eq!(stats.count("GET /v3/catalog/brands"), 1, "{stats:?}");
    assert_eq!(stats.total, 3, "{stats:?}");

    let variants = all_variants(&app, store_id).await;
    assert_eq!(variants.len(), seeded.variant_count);
    let distinct: HashSet<i64> = variants
        .iter()
        .map(|v| v["variant_external_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        distinct.len(),
        seeded.variant_count,
        "no variant stored twice"
    );

    // One product, field by field, against the simulator's own record.
    let product_id = seeded.product_ids[10];
    let product = app.sim.simulator.product(STORE_HASH, product_id).unwrap();
    let stored: Vec<&Value> = variants
        .iter()
        .filter(|v| v["product_external_id"].as_u64() == Some(product_id))
        .collect();
    assert_eq!(stored.len(), product.variants().len());
    let first = stored[0];
    assert_eq!(first["product_name"], product.name.as_str());
    assert_eq!(
        first["product_sku"].as_str(),
        Some(product.sku.as_str()).filter(|s| !s.is_empty())
    );
    assert!(
        first["brand_name"].as_str().is_some_and(|b| !b.is_empty()),
        "brand resolved from its id: {first}"
    );
    let tracking = match product.inventory_tracking {
        InventoryTracking::None => "none",
        InventoryTracking::Product => "product",
        InventoryTracking::Variant => "variant",
    };
    assert_eq!(first["inventory_tracking"], tracking);
    assert_eq!(first["is_visible"], product.is_visible);
    let variant = &product.variants()[0];
    assert_eq!(first["variant_external_id"].as_u64(), Some(variant.id()));
    assert_eq!(
        first["variant_sku"].as_str(),
        Some(variant.sku.as_str()).filter(|s| !s.is_empty())
    );
    assert!(
        first["price"].as_str().is_some(),
        "a price, the variant's or the product's: {first}"
    );
    assert_eq!(
        first["vendor"],
        Value::Null,
        "vendors are assigned with routing"
    );
    let date_modified: Option<i64> =
        sqlx::query("SELECT date_modified FROM products ORDER BY id LIMIT 1 OFFSET 10")
            .fetch_one(app.app.db.pool())
            .await
            .unwrap()
            .get(0);
    assert!(date_modified.is_some());
}

#[tokio::test]
async fn variants_that_do_not_come_inline_are_read_separately() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(120, 2);
    assert!(!seeded.many_variant_product_ids.is_empty());
    // A store that will not inline large variant sets: those products arrive without `variants`.
    app.sim.simulator.set_inline_variant_cap(Some(10));
    app.sim.simulator.reset_stats();

    let run = app.import_all(store_id).await;
    assert_eq!(run["counts"]["variants_seen"], seeded.variant_count);
    assert_eq!(
        all_variants(&app, store_id).await.len(),
        seeded.variant_count
    );
    let stats = app.sim.simulator.request_stats();
    // All the missing variants in as few requests as the page size allows, not one per product.
    let extra_variants = seeded.many_variant_product_ids.len() * 60;
    assert!(
        stats.count("GET /v3/catalog/variants") as usize <= extra_variants.div_ceil(250) + 1,
        "{stats:?}"
    );
}

#[tokio::test]
async fn a_second_import_updates_adds_and_archives_but_never_deletes() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(60, 2);
    app.import_all(store_id).await;

    let renamed = seeded.product_ids[3];
    let vanished = seeded.product_ids[7];
    assert!(
        app.sim
            .simulator
            .update_product(STORE_HASH, renamed, |p| p.name =
                "Renamed by the merchant".into())
    );
    assert!(app.sim.simulator.delete_product(STORE_HASH, vanished));
    let added = app.seed_catalog(5, 1);

    let run = app.import_all(store_id).await;
    assert_eq!(run["counts"]["products_updated"], 1, "{run:#}");
    assert_eq!(run["counts"]["products_created"], 5, "{run:#}");
    assert_eq!(run["counts"]["products_archived"], 1, "{run:#}");
    assert_eq!(run["counts"]["products_seen"], 60 - 1 + 5);

    let variants = all_variants(&app, store_id).await;
    assert!(
        variants
            .iter()
            .any(|v| v["product_name"] == "Renamed by the merchant")
    );
    assert!(
        !variants
            .iter()
            .any(|v| v["product_external_id"].as_u64() == Some(vanished)),
        "archived: not listed"
    );
    assert!(
        variants
            .iter()
            .any(|v| v["product_external_id"].as_u64() == Some(added.product_ids[0]))
    );
    // The vanished product is still stored, archived, with its variants.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM products").await, 65);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM products WHERE archived_at IS NOT NULL"
        )
        .await,
        1
    );
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM variants WHERE archived_at IS NOT NULL"
        )
        .await
            >= 1
    );

    // Nothing changed since: a third import writes nothing.
    let run = app.import_all(store_id).await;
    assert_eq!(run["counts"]["products_updated"], 0);
    assert_eq!(run["counts"]["variants_updated"], 0);
    assert_eq!(run["counts"]["products_created"], 0);
}

#[tokio::test]
async fn an_incremental_import_reads_only_what_changed_since_the_last_run() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(300, 2);
    app.import_all(store_id).await;

    for &id in &seeded.product_ids[100..103] {
        app.sim
            .simulator
            .update_product(STORE_HASH, id, |p| p.is_visible = !p.is_visible);
    }
    app.sim.simulator.reset_stats();
    let run = app.start_import(store_id, "incremental").await;
    assert!(
        run["modified_since_ms"].as_i64().is_some(),
        "an incremental run has a cursor: {run:#}"
    );
    let run = app.wait_for_import(run["id"].as_i64().unwrap()).await;
    assert_eq!(run["status"], "completed");
    assert_eq!(run["counts"]["products_seen"], 3, "{run:#}");
    assert_eq!(run["counts"]["products_updated"], 3);
    assert_eq!(
        run["counts"]["products_archived"], 0,
        "an incremental run archives nothing"
    );
    assert_eq!(
        app.sim
            .simulator
            .request_stats()
            .count("GET /v3/catalog/products"),
        1
    );
}

#[tokio::test]
async fn duplicate_and_blank_skus_are_reported_per_product_and_are_not_fatal() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(200, 2);
    assert!(
        !seeded.duplicate_sku_variant_ids.is_empty() && !seeded.blank_sku_variant_ids.is_empty()
    );

    let run = app.import_all(store_id).await;
    assert_eq!(
        run["counts"]["products_seen"], 200,
        "problem products are imported too"
    );
    let issues = run["issues"].as_array().unwrap();
    assert_eq!(run["issue_count"].as_u64().unwrap() as usize, issues.len());
    let reported = |kind: &str| -> HashSet<u64> {
        issues
            .iter()
            .filter(|i| i["kind"] == kind)
            .filter_map(|i| {
                i["variant_external_id"]
                    .as_u64()
                    .or(i["product_external_id"].as_u64())
            })
            .collect()
    };
    for id in &seeded.duplicate_sku_variant_ids {
        assert!(
            reported("duplicate_sku").contains(id),
            "duplicate SKU of variant {id} reported: {issues:#?}"
        );
    }
    for id in &seeded.blank_sku_variant_ids {
        assert!(
            reported("blank_sku").contains(id),
            "blank SKU of variant {id} reported"
        );
    }
    for id in &seeded.duplicate_sku_product_ids {
        assert!(
            reported("duplicate_product_sku").contains(id),
            "duplicate product SKU of {id} reported"
        );
    }
    for issue in issues {
        assert!(
            issue["product_name"]
                .as_str()
                .is_some_and(|n| !n.is_empty())
        );
        assert!(issue["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn server_errors_mid_import_are_retried_without_duplicates() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(750, 1);
    app.sim.simulator.set_faults(Faults {
        error_rate: 0.4,
        ..Faults::default()
    });

    let run = app.import_all(store_id).await;
    app.sim.simulator.set_faults(Faults::default());
    assert_eq!(run["counts"]["products_seen"], 750, "{run:#}");
    assert_eq!(run["counts"]["pages_done"], 3);
    assert!(
        app.sim
            .simulator
            .request_stats()
            .by_status
            .get(&500)
            .copied()
            .unwrap_or(0)
            > 0,
        "faults were injected"
    );
    assert_eq!(
        all_variants(&app, store_id).await.len(),
        seeded.variant_count
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM products").await, 750);
}

#[tokio::test]
async fn a_small_quota_slows_the_import_down_instead_of_storming_429s() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    app.seed_catalog(1000, 1);
    app.sim
        .simulator
        .set_quota(3, std::time::Duration::from_millis(400));

    let run = app.import_all(store_id).await;
    assert_eq!(run["counts"]["products_seen"], 1000);
    let stats = app.sim.simulator.request_stats();
    let throttled = stats.by_status.get(&429).copied().unwrap_or(0);
    assert!(
        throttled <= 2,
        "the client paced itself by the headers: {throttled} 429s in {stats:?}"
    );
}

#[tokio::test]
async fn a_second_click_joins_the_running_import() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    app.seed_catalog(500, 1);
    app.sim.simulator.set_faults(Faults {
        latency: std::time::Duration::from_millis(100),
        ..Faults::default()
    });
    let first = app.start_import(store_id, "full").await;
    let second = app.start_import(store_id, "full").await;
    assert_eq!(first["id"], second["id"]);
    app.wait_for_import(first["id"].as_i64().unwrap()).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM catalog_imports").await, 1);
}

#[tokio::test]
async fn the_products_page_lists_and_searches_by_sku_and_name() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(30, 2);
    app.import_all(store_id).await;
    let product = app
        .sim
        .simulator
        .product(STORE_HASH, seeded.product_ids[4])
        .unwrap();
    let sku = product.variants()[0].sku.clone();

    let cookie = app.session_cookie().await;
    let html = app
        .get_page("/products", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&product.name),
        "the list shows imported products"
    );
    assert!(
        html.contains("Vendor"),
        "the vendor column is there for routing"
    );

    let by_sku = app
        .get_page(&format!("/products?q={}", sku.to_lowercase()), &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        by_sku.contains(&sku) && by_sku.contains("id=\"result-count\">1 variant matching"),
        "{sku}"
    );
    let by_name: Value = app
        .api_get(&format!(
            "/products?q={}",
            url::form_urlencoded::byte_serialize(product.name.as_bytes()).collect::<String>()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        by_name["total"].as_u64(),
        Some(product.variants().len() as u64)
    );
}

#[tokio::test]
async fn an_unknown_import_mode_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let response = app
        .api_post(
            &format!("/stores/{store_id}/imports"),
            &serde_json::json!({"mode": "everything"}),
        )
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "mode");
}

#[tokio::test]
async fn an_import_killed_mid_run_resumes_after_restart_without_duplicates() {
    // No in-process worker: only the child processes run the import.
    let app = crate::helpers::spawn_app_without_workers().await;
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(2000, 1);
    app.sim.simulator.set_faults(Faults {
        latency: std::time::Duration::from_millis(150),
        ..Faults::default()
    });
    let run = app.start_import(store_id, "full").await;
    let import_id = run["id"].as_i64().unwrap();

    let mut first = crate::helpers::spawn_wharf_process(&app, &[]);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    let pages_before_kill = loop {
        let run = app.app.import_view(import_id).await.unwrap();
        if run.run.counts.pages_done >= 2 {
            break run.run.counts.pages_done;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the first process never stored two pages"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    first.kill().expect("SIGKILL");
    first.wait().unwrap();
    let after_kill = app.app.import_view(import_id).await.unwrap();
    assert_eq!(after_kill.run.status.as_str(), "running", "killed mid-run");
    assert!(
        after_kill.run.counts.pages_done < 8,
        "killed before the end ({pages_before_kill} pages)"
    );
    let stored_at_kill = count(&app, "SELECT COUNT(*) FROM products").await;
    assert_eq!(
        stored_at_kill, after_kill.run.counts.products_seen,
        "pages and checkpoint commit together"
    );

    let mut second = crate::helpers::spawn_wharf_process(&app, &[]);
    let run = app.wait_for_import(import_id).await;
    second.kill().unwrap();
    second.wait().unwrap();

    assert_eq!(run["status"], "completed", "{run:#}");
    assert_eq!(
        run["counts"]["products_seen"], 2000,
        "every product counted exactly once: {run:#}"
    );
    assert_eq!(run["counts"]["products_created"], 2000);
    assert_eq!(run["counts"]["pages_done"], 8);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM products").await, 2000);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM variants").await as usize,
        seeded.variant_count
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(DISTINCT external_id) FROM bindings WHERE kind = 'product'"
        )
        .await,
        count(&app, "SELECT COUNT(*) FROM bindings WHERE kind = 'product'").await
    );
    // The resumed run read on from its checkpoint instead of starting over.
    let product_pages = app
        .sim
        .simulator
        .request_stats()
        .count("GET /v3/catalog/products");
    assert!(
        product_pages <= 8 + 2,
        "{product_pages} product pages for 8 pages of data"
    );
}

#[tokio::test]
async fn two_runners_of_the_same_import_store_each_page_once() {
    // What a rescued lease can cause: the old runner still working while a new one starts.
    let app = crate::helpers::spawn_app_without_workers().await;
    let store_id = app.connected_store().await;
    app.seed_catalog(1500, 1);
    app.sim.simulator.set_faults(Faults {
        latency: std::time::Duration::from_millis(30),
        ..Faults::default()
    });
    let run = app.start_import(store_id, "full").await;
    let job = |attempt| wharf::db::jobs::ClaimedJob {
        id: 1,
        kind: wharf::app::jobs::CatalogImport::KIND.to_owned(),
        payload: serde_json::json!({ "import_id": run["id"] }),
        store_id: Some(store_id),
        attempt,
        max_attempts: 20,
        locked_until_ms: 0,
        run_at_ms: 0,
        lease: wharf::db::jobs::JobLease {
            job_id: 1,
            worker_id: "test".into(),
            duration: std::time::Duration::from_secs(60),
        },
    };
    let (first, second) = tokio::join!(
        wharf::app::jobs::run_claimed(&app.app, job(1)),
        wharf::app::jobs::run_claimed(&app.app, job(2))
    );
    assert_eq!(first, wharf::jobs::JobOutcome::Done);
    assert_eq!(second, wharf::jobs::JobOutcome::Done);

    let run = app.wait_for_import(run["id"].as_i64().unwrap()).await;
    assert_eq!(run["status"], "completed");
    assert_eq!(run["counts"]["pages_done"], 6, "{run:#}");
    assert_eq!(run["counts"]["products_seen"], 1500, "{run:#}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM products").await, 1500);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM catalog_import_issues").await,
        run["issue_count"].as_i64().unwrap()
    );
}
