//! A vendor's stock counts only where it ships, one vendor's junk costs nobody else, and no
//! input path takes a quantity BigCommerce cannot hold.

use std::time::Duration;

use serde_json::{Value, json};

use crate::cli::wharf;
use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, STORE_HASH, TestApp, spawn_app};
use crate::inventory::{Stocked, stocked_store};

pub(crate) async fn put_stock(app: &TestApp, token: &str, items: Value) -> reqwest::Response {
    app.http
        .put(format!("{}/vendor-api/v1/stock", app.address))
        .bearer_auth(token)
        .json(&json!({ "items": items }))
        .send()
        .await
        .unwrap()
}

/// The operator's push of what changed; see [`crate::inventory::push`].
pub(crate) async fn push(app: &TestApp, store_id: i64) -> Value {
    crate::inventory::push(app, store_id, false).await
}

pub(crate) fn level(app: &TestApp, variant_id: u64) -> Option<i64> {
    app.sim.simulator.variant_level(STORE_HASH, 1, variant_id)
}

/// Adds a vendor through the API: (id, token).
pub(crate) async fn add_vendor(app: &TestApp, name: &str) -> (i64, String) {
    let response = app.api_post("/vendors", &json!({ "name": name })).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    (
        body["id"].as_i64().unwrap(),
        body["api_token_once"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn another_vendors_stock_for_an_item_routed_to_alpha_is_kept_but_never_published() {
    let app = spawn_app().await;
    let shop: Stocked = stocked_store(&app).await;
    let (_, variant_id, sku) = shop.by_variant[0].clone();
    // Alpha (the store's default vendor) has 1.
    assert_eq!(
        put_stock(&app, &shop.token, json!([{ "sku": sku, "quantity": 1 }]))
            .await
            .status(),
        200
    );
    push(&app, shop.store_id).await;
    assert_eq!(level(&app, variant_id), Some(1));

    // Beta reports 1,000 of the same SKU: orders for it still go to Alpha.
    let (_, beta_token) = add_vendor(&app, "Beta Goods").await;
    let response = put_stock(&app, &beta_token, json!([{ "sku": sku, "quantity": 1000 }])).await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["applied"], 1, "the row is kept: {report}");
    let not_routed = report["not_routed"].as_array().unwrap();
    assert_eq!(not_routed.len(), 1, "{report}");
    assert_eq!(not_routed[0]["sku"], sku.as_str());
    let message = not_routed[0]["message"].as_str().unwrap();
    assert!(
        message.contains("not routed to you") && message.contains(&sku),
        "{message}"
    );

    push(&app, shop.store_id).await;
    assert_eq!(
        level(&app, variant_id),
        Some(1),
        "BigCommerce keeps Alpha's level: no oversell"
    );

    // The operator sees it on the Inventory page.
    let cookie = app.session_cookie().await;
    let page = app
        .get_page("/inventory", &cookie)
        .await
        .text()
        .await
        .unwrap();
    let beta = &page[page.find("Beta Goods</h3>").expect("Beta's section")..];
    let not_routed_list = &beta[beta.find("class=\"not-routed\"").expect("listed")..];
    assert!(not_routed_list[..not_routed_list.find("</ul>").unwrap()].contains(&sku));

    // Routing the SKU to Beta makes its stored stock count, and Alpha's not.
    let response = app
        .api_post(
            &format!("/stores/{}/assignments", shop.store_id),
            &json!({ "rule": "sku", "sku": sku, "vendor": "Beta Goods" }),
        )
        .await;
    assert_eq!(response.status(), 200);
    push(&app, shop.store_id).await;
    assert_eq!(level(&app, variant_id), Some(1000));
}

#[tokio::test]
async fn a_csv_upload_reports_rows_routed_to_another_vendor_by_sku() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let (_, _, sku) = shop.by_variant[1].clone();
    let (_, beta_token) = add_vendor(&app, "Beta Goods").await;
    let response = app
        .http
        .post(format!("{}/vendor-api/v1/stock/csv", app.address))
        .bearer_auth(&beta_token)
        .header("content-type", "text/csv")
        .body(format!("sku,quantity\n{sku},5\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["not_routed"][0]["sku"], sku.as_str(), "{report}");
    assert!(
        report["not_routed"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not routed to you")
    );
}

async fn unmatched(app: &TestApp, vendor_id: i64) -> Vec<String> {
    app.api_get(&format!("/vendors/{vendor_id}/stock/unmatched"))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn unmatched_skus_are_capped_per_vendor_and_the_oldest_go_first() {
    let test = spawn_app().await;
    let shop = stocked_store(&test).await;
    let (_, variant_id, sku) = shop.by_variant[0].clone();
    let mut app = test.app.clone();
    app.unmatched_skus_per_vendor = 3;
    let first = app
        .import_stock_csv(
            shop.vendor_id,
            &format!("sku,quantity\nOLD-JUNK-1,1\nOLD-JUNK-2,1\n{sku},4\n"),
            None,
        )
        .await
        .unwrap();
    assert!(first.unmatched_capped.is_none(), "2 of 3: the cap holds");
    // The next report is later (ages are in milliseconds).
    tokio::time::sleep(Duration::from_millis(5)).await;
    let second = app
        .import_stock_csv(
            shop.vendor_id,
            "sku,quantity\nNEW-JUNK-1,1\nNEW-JUNK-2,1\nNEW-JUNK-3,1\n",
            None,
        )
        .await
        .unwrap();
    let capped = second.unmatched_capped.expect("the cap bit");
    assert_eq!((capped.cap, capped.dropped), (3, 2));
    assert!(capped.message.contains("at most 3"), "{}", capped.message);
    assert_eq!(
        unmatched(&test, shop.vendor_id).await,
        ["NEW-JUNK-1", "NEW-JUNK-2", "NEW-JUNK-3"],
        "the oldest went"
    );
    push(&test, shop.store_id).await;
    assert_eq!(
        level(&test, variant_id),
        Some(4),
        "matched rows are never dropped"
    );
}

#[tokio::test]
async fn the_operator_clears_a_vendors_unmatched_skus_from_the_api_the_cli_and_the_page() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let (_, variant_id, sku) = shop.by_variant[0].clone();
    let items = json!([
        { "sku": sku, "quantity": 6 },
        { "sku": "JUNK-1", "quantity": 1 },
        { "sku": "JUNK-2", "quantity": 1 },
    ]);
    put_stock(&app, &shop.token, items.clone()).await;
    assert_eq!(unmatched(&app, shop.vendor_id).await.len(), 2);

    let response = app
        .http
        .delete(format!(
            "{}/api/v1/vendors/{}/unmatched-skus",
            app.address, shop.vendor_id
        ))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["cleared"], 2);
    assert!(unmatched(&app, shop.vendor_id).await.is_empty());
    push(&app, shop.store_id).await;
    assert_eq!(level(&app, variant_id), Some(6), "matched stock stays");

    put_stock(&app, &shop.token, items.clone()).await;
    let cleared = wharf(&app, &["vendor", "clear-unmatched", "Alpha Supply"]).await;
    let out = String::from_utf8_lossy(&cleared.stdout).into_owned();
    assert!(cleared.status.success(), "{out}");
    assert!(out.contains("2 stock row(s)"), "{out}");
    assert!(unmatched(&app, shop.vendor_id).await.is_empty());

    // And the Inventory page's button.
    put_stock(&app, &shop.token, items).await;
    let cookie = app.session_cookie().await;
    let csrf = app.form_token(&cookie).await;
    let page = app
        .http
        .post(format!(
            "{}/inventory/vendors/{}/unmatched/clear",
            app.address, shop.vendor_id
        ))
        .header("cookie", &cookie)
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("2 unmatched stock row(s) cleared")
    );
    assert!(unmatched(&app, shop.vendor_id).await.is_empty());
}

#[tokio::test]
async fn a_push_reads_only_rows_that_name_a_store_sku() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let (_, _, a) = shop.by_variant[0].clone();
    let (_, _, b) = shop.by_variant[1].clone();
    let mut items = vec![
        json!({ "sku": a, "quantity": 2 }),
        json!({ "sku": b.to_lowercase(), "quantity": 3 }),
    ];
    items.extend((0..500).map(|i| json!({ "sku": format!("JUNK-{i}"), "quantity": 1 })));
    assert_eq!(
        put_stock(&app, &shop.token, Value::Array(items))
            .await
            .status(),
        200
    );
    let rows = wharf::db::inventory::matched_stock_rows(&app.app.db, shop.store_id)
        .await
        .unwrap();
    let mut skus: Vec<String> = rows.into_iter().map(|r| r.sku).collect();
    skus.sort();
    let mut expected = vec![a.clone(), b.to_lowercase()];
    expected.sort();
    assert_eq!(
        skus, expected,
        "the junk stays in the database; a case variant passes to exact matching"
    );
}

async fn refused_quantity(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let field = &body["fields"][0];
    assert_eq!(field["field"], "items", "{body}");
    field["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn quantities_beyond_what_bigcommerce_holds_are_refused_on_every_path() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let (_, _, sku) = shop.by_variant[0].clone();
    let huge = json!([{ "sku": sku, "quantity": 1_000_000_000_000_i64 }]);

    let message = refused_quantity(put_stock(&app, &shop.token, huge.clone()).await).await;
    assert!(
        message.contains("quantity must be at most 2147483647"),
        "{message}"
    );
    let operator = app
        .http
        .put(format!(
            "{}/api/v1/vendors/{}/stock",
            app.address, shop.vendor_id
        ))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .json(&json!({ "items": huge }))
        .send()
        .await
        .unwrap();
    assert!(refused_quantity(operator).await.contains("quantity"));
    // 1e12 is a JSON number too.
    let float = put_stock(&app, &shop.token, json!([{ "sku": sku, "quantity": 1e12 }])).await;
    assert_eq!(float.status(), 422);
    let body: Value = float.json().await.unwrap();
    assert!(body.to_string().contains("quantity"), "{body}");

    let file = app
        .http
        .post(format!("{}/vendor-api/v1/stock/csv", app.address))
        .bearer_auth(&shop.token)
        .header("content-type", "text/csv")
        .body(format!("sku,quantity\n{sku},3\n{sku}-X,2147483648\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    let report: Value = file.json().await.unwrap();
    assert_eq!(report["errors"][0]["line"], 3, "{report}");
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("quantity"),
        "{report}"
    );
    assert_eq!(
        wharf::db::inventory::unmatched_count(&app.app.db, shop.vendor_id)
            .await
            .unwrap(),
        0,
        "nothing of the refused calls or row was stored"
    );
}

#[tokio::test]
async fn a_feed_row_beyond_what_bigcommerce_holds_is_refused_naming_its_quantity() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let (_, variant_id, sku) = shop.by_variant[0].clone();
    let (_, _, other) = shop.by_variant[1].clone();
    let file = format!("sku,quantity\n{sku},3\n{other},2147483648\n");
    let feed_server = axum::Router::new().route(
        "/feed.csv",
        axum::routing::get(move || {
            let file = file.clone();
            async move { file }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/feed.csv", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, feed_server).await });
    let response = app
        .api_post(
            &format!("/vendors/{}/feeds", shop.vendor_id),
            &json!({ "url": url, "interval_secs": 3600 }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let feed: Value = response.json().await.unwrap();
    let response = app
        .api_post(&format!("/feeds/{}/run", feed["id"]), &json!({}))
        .await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["applied"], 1, "{report}");
    assert_eq!(report["errors"][0]["line"], 3, "{report}");
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("quantity"),
        "{report}"
    );
    push(&app, shop.store_id).await;
    assert_eq!(level(&app, variant_id), Some(3));
}

/// More reports at once than the database pool has connections (8 on SQLite, 16 on
/// PostgreSQL): each holds one for its transaction, so none may wait for a second inside it.
/// The fleet benchmark found 16 reports doing so, every one waiting on the others until the
/// pool's timeout, and answering 500.
#[tokio::test]
async fn more_stock_reports_at_once_than_the_pool_has_connections_all_succeed() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let reports = (0..40).map(|n| {
        let (_, _, sku) = &shop.by_variant[n % shop.by_variant.len()];
        put_stock(&app, &shop.token, json!([{ "sku": sku, "quantity": n }]))
    });
    let answers = tokio::time::timeout(Duration::from_secs(20), futures::future::join_all(reports))
        .await
        .expect("40 stock reports answered within 20 s");
    for answer in answers {
        assert_eq!(answer.status(), 200);
    }
}
