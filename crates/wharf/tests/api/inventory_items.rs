//! The per-SKU inventory view through the API: each vendor report of an item with whether it
//! counts and why not, the level wharf publishes beside BigCommerce's, the filters and the
//! bounds; and a stock feed edited, run and deleted.

use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, STORE_HASH, TestApp, spawn_app};
use crate::inventory::stocked_store;
use crate::vendor_stock::{add_vendor, push, put_stock};

async fn items(app: &TestApp, store_id: i64, query: &str) -> Value {
    let response = app
        .api_get(&format!("/stores/{store_id}/inventory/items?{query}"))
        .await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

/// The one item with exactly this SKU.
async fn item(app: &TestApp, store_id: i64, sku: &str) -> Value {
    let page = items(app, store_id, &format!("q={}&limit=100", encoded(sku))).await;
    let found: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["sku"] == sku)
        .collect();
    assert_eq!(found.len(), 1, "{page:#}");
    found[0].clone()
}

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The item's reports by vendor name: (counts, why not).
fn reports(item: &Value) -> Vec<(String, bool, Option<String>)> {
    item["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["vendor"].as_str().unwrap().to_owned(),
                r["counts"].as_bool().unwrap(),
                r["why_not"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

async fn put_terms(app: &TestApp, vendor_id: i64, terms: Value) {
    let response = app
        .http
        .put(format!(
            "{}/api/v1/vendors/{vendor_id}/stock-terms",
            app.address
        ))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .json(&terms)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn the_item_view_says_why_each_vendors_stock_counts_or_not() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let (a, b, c, d) = (
        &shop.by_variant[0],
        &shop.by_variant[1],
        &shop.by_variant[2],
        &shop.by_variant[3],
    );
    let (beta, beta_token) = add_vendor(&app, "Beta Goods").await;
    let (gamma, gamma_token) = add_vendor(&app, "Gamma Gone").await;
    let (delta, delta_token) = add_vendor(&app, "Delta Late").await;

    // A's orders go to Alpha (the default): Beta's report of A is not Alpha's goods.
    put_stock(&app, &shop.token, json!([{ "sku": a.2, "quantity": 10 }])).await;
    put_stock(&app, &beta_token, json!([{ "sku": a.2, "quantity": 4 }])).await;
    // Gamma ships B, then is deactivated.
    let rule = json!({ "rule": "sku", "sku": b.2, "vendor": "Gamma Gone" });
    let response = app
        .api_post(&format!("/stores/{}/assignments", shop.store_id), &rule)
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    put_stock(&app, &gamma_token, json!([{ "sku": b.2, "quantity": 7 }])).await;
    let response = app
        .api_post(&format!("/vendors/{gamma}/deactivate"), &json!({}))
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    // Delta ships D, and its last report is older than its terms accept.
    let rule = json!({ "rule": "sku", "sku": d.2, "vendor": "Delta Late" });
    app.api_post(&format!("/stores/{}/assignments", shop.store_id), &rule)
        .await;
    put_stock(&app, &delta_token, json!([{ "sku": d.2, "quantity": 8 }])).await;
    put_terms(&app, delta, json!({ "stale_after_secs": 3600 })).await;
    sqlx::query("UPDATE vendors SET stock_reported_at = stock_reported_at - 7200000 WHERE id = $1")
        .bind(delta)
        .execute(app.app.db.pool())
        .await
        .unwrap();
    // C's SKU now names two variants of its product: which one a report means is a guess.
    app.sim.simulator.update_product(STORE_HASH, c.0, |p| {
        let sku = p.variants()[0].sku.clone();
        p.variants_mut()[1].sku = sku;
    });
    app.import_all(shop.store_id).await;
    put_stock(&app, &shop.token, json!([{ "sku": c.2, "quantity": 5 }])).await;
    // Alpha holds 2 of A back.
    put_terms(&app, shop.vendor_id, json!({ "buffer": 2 })).await;
    push(&app, shop.store_id).await;

    let item_a = item(&app, shop.store_id, &a.2).await;
    let mut a_reports = reports(&item_a);
    a_reports.sort();
    assert_eq!(a_reports[0].0, "Alpha Supply");
    assert!(a_reports[0].1 && a_reports[0].2.is_none(), "{item_a:#}");
    assert_eq!(a_reports[1].0, "Beta Goods");
    assert!(!a_reports[1].1, "{item_a:#}");
    assert!(
        a_reports[1]
            .2
            .as_deref()
            .unwrap()
            .starts_with("not routed to this vendor"),
        "{item_a:#}"
    );
    assert_eq!(
        item_a["levels"][0]["publishes"], 8,
        "10 − 2 buffer: {item_a:#}"
    );
    assert_eq!(item_a["levels"][0]["confirmed"], 8, "{item_a:#}");
    assert_eq!(item_a["held_back"], 2);
    assert_eq!(item_a["differs"], false);
    assert!(
        item_a["explanation"]
            .as_str()
            .unwrap()
            .starts_with("wharf publishes 8: 10 reported and counted − 0 allocated"),
        "{item_a:#}"
    );

    let item_b = item(&app, shop.store_id, &b.2).await;
    assert_eq!(
        reports(&item_b),
        [(
            "Gamma Gone".to_owned(),
            false,
            Some("vendor deactivated".to_owned())
        )]
    );

    let item_d = item(&app, shop.store_id, &d.2).await;
    let d_reports = reports(&item_d);
    assert_eq!(d_reports.len(), 1, "{item_d:#}");
    assert!(
        d_reports[0]
            .2
            .as_deref()
            .unwrap()
            .starts_with("stale report"),
        "{item_d:#}"
    );
    assert_eq!(item_d["reports"][0]["stale"], true);
    assert_eq!(item_d["levels"][0]["publishes"], 0, "{item_d:#}");

    let page = items(
        &app,
        shop.store_id,
        &format!("q={}&limit=100", encoded(&c.2)),
    )
    .await;
    let twins: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["sku"] == c.2.as_str())
        .collect();
    assert_eq!(twins.len(), 2, "{page:#}");
    for twin in twins {
        assert_eq!(
            reports(twin),
            [(
                "Alpha Supply".to_owned(),
                false,
                Some("SKU ambiguous: it names more than one item of the store".to_owned())
            )]
        );
    }

    // By vendor: Beta reported A, and a variant of a product whose stock is tracked as a whole.
    let (rows, _) = app
        .app
        .search_products(
            Some(shop.store_id),
            "",
            wharf::app::products::VendorFilter::Any,
            1000,
            0,
        )
        .await
        .unwrap();
    let tracked_whole = rows
        .iter()
        .find(|r| {
            r.inventory_tracking == "product"
                && r.variant_sku.is_some()
                && r.variant_sku != r.product_sku
        })
        .expect("a product tracked as a whole with variants");
    put_stock(
        &app,
        &beta_token,
        json!([{ "sku": tracked_whole.variant_sku, "quantity": 2 }]),
    )
    .await;
    let page = items(&app, shop.store_id, &format!("vendor_id={beta}")).await;
    let found: Vec<(String, i64)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_owned(),
                i["id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{page:#}");
    assert_eq!(page["items"][0]["sku"], a.2.as_str());
    assert_eq!(
        found[1],
        ("product".to_owned(), tracked_whole.product_id),
        "{page:#}"
    );
}

/// Every item, page by page: (kind, id) in the order the pages give them.
async fn walk(app: &TestApp, store_id: i64, limit: usize) -> Vec<(String, i64)> {
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let page = items(app, store_id, &format!("limit={limit}&after={after}")).await;
        let page_items = page["items"].as_array().unwrap();
        assert!(page_items.len() <= limit);
        for i in page_items {
            seen.push((i["kind"].to_string(), i["id"].as_i64().unwrap()));
        }
        match page["next_after"].as_str() {
            Some(next) => after = next.to_owned(),
            None => return seen,
        }
    }
}

#[tokio::test]
async fn the_item_view_is_searched_filtered_by_difference_and_paged_within_bounds() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let (a, b) = (&shop.by_variant[0], &shop.by_variant[1]);
    put_stock(
        &app,
        &shop.token,
        json!([{ "sku": a.2, "quantity": 3 }, { "sku": b.2, "quantity": 6 }]),
    )
    .await;
    // Someone switches B's product to product-level tracking after wharf imported it:
    // BigCommerce refuses B's level, and it stays different from what wharf publishes.
    app.sim.simulator.update_product(STORE_HASH, b.0, |p| {
        p.inventory_tracking = bigcommerce_sim::InventoryTracking::Product;
    });
    push(&app, shop.store_id).await;

    let differing = items(&app, shop.store_id, "differs=true").await;
    let skus: Vec<&str> = differing["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, [b.2.as_str()], "{differing:#}");
    assert!(
        differing["items"][0]["levels"][0]["refused"].is_string(),
        "{differing:#}"
    );

    // By name: the product's name finds its variants.
    let name = app.sim.simulator.product(STORE_HASH, a.0).unwrap().name;
    let by_name = items(
        &app,
        shop.store_id,
        &format!("q={}", encoded(&name.to_uppercase())),
    )
    .await;
    assert!(
        by_name["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["sku"] == a.2.as_str()),
        "{by_name:#}"
    );
    let nothing = items(&app, shop.store_id, "q=no-such-thing-anywhere").await;
    assert_eq!(nothing["items"], json!([]));

    // Pages of two and pages of a hundred walk the same items in the same order, once each.
    let by_two = walk(&app, shop.store_id, 2).await;
    let by_hundred = walk(&app, shop.store_id, 100).await;
    assert_eq!(by_two, by_hundred);
    let mut unique = by_two.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), by_two.len(), "no item twice");
    assert!(by_two.len() > 100, "{}", by_two.len());

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("after=somewhere", "after"),
    ] {
        let response = app
            .api_get(&format!(
                "/stores/{}/inventory/items?{query}",
                shop.store_id
            ))
            .await;
        assert_eq!(response.status(), 422, "{query}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["fields"][0]["field"], field, "{body}");
    }
    let response = app.api_get("/stores/999/inventory/items").await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_feed_is_edited_run_and_deleted_through_the_api_and_the_cli() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let a = &shop.by_variant[0];
    let feed_server = axum::Router::new()
        .route(
            "/first.csv",
            axum::routing::get({
                let sku = a.2.clone();
                move || async move { format!("sku,quantity\n{sku},11\n") }
            }),
        )
        .route(
            "/second.csv",
            axum::routing::get({
                let sku = a.2.clone();
                move || async move { format!("sku,quantity\n{sku},13\n") }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, feed_server).await });
    let response = app
        .api_post(
            &format!("/vendors/{}/feeds", shop.vendor_id),
            &json!({ "url": format!("{base}/first.csv"), "interval_secs": 3600 }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let feed: Value = response.json().await.unwrap();
    let id = feed["id"].as_i64().unwrap();

    let edit = |body: Value| {
        app.http
            .put(format!("{}/api/v1/feeds/{id}", app.address))
            .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
            .json(&body)
            .send()
    };
    let response = edit(json!({ "url": format!("{base}/second.csv"), "interval_secs": 600 }))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let edited: Value = response.json().await.unwrap();
    assert_eq!(edited["interval_secs"], 600);
    assert!(
        edited["url_shown"]
            .as_str()
            .unwrap()
            .ends_with("/second.csv"),
        "{edited}"
    );
    // A bad interval is named, and nothing changes.
    let response = edit(json!({ "interval_secs": 5 })).await.unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "interval_secs", "{body}");

    let response = app.api_post(&format!("/feeds/{id}/run"), &json!({})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["applied"], 1);
    push(&app, shop.store_id).await;
    assert_eq!(
        app.sim.simulator.variant_level(STORE_HASH, 1, a.1),
        Some(13),
        "the edited URL was fetched"
    );

    // The command line edits and removes it too.
    let edited = crate::cli::wharf(
        &app,
        &[
            "inventory",
            "feed-edit",
            &id.to_string(),
            "--every-minutes",
            "30",
        ],
    )
    .await;
    assert!(edited.status.success(), "{edited:?}");
    let feeds: Value = app
        .api_get(&format!("/vendors/{}/feeds", shop.vendor_id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(feeds[0]["interval_secs"], 1800, "{feeds}");
    let removed = crate::cli::wharf(&app, &["inventory", "feed-remove", &id.to_string()]).await;
    assert!(removed.status.success(), "{removed:?}");
    let feeds: Value = app
        .api_get(&format!("/vendors/{}/feeds", shop.vendor_id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(feeds, json!([]));
    let response = app
        .http
        .delete(format!("{}/api/v1/feeds/{id}", app.address))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "gone already");
}
