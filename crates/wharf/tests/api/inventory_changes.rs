//! A push works out only what changed since the last one: each change marks the SKUs whose
//! levels it may move, in its own transaction, and the push reads only the items they name.
//! These tests push as the job does (`App::push_inventory`, marks taken), and check that each
//! kind of change is marked — and that an unmarked one really is left for a full push, so the
//! tests can tell a marked change from a push that reads everything. No workers run, so no
//! job marks anything behind a test's back.

use bigcommerce_sim::{ShopperLine, ShopperOrder};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, STORE_HASH, TestApp, spawn_app_without_workers};
use crate::inventory::{level, put_stock, stocked_store};

/// A push as the job runs it: the marks since the last push, nothing more.
async fn push_changes(app: &TestApp, store_id: i64) -> u64 {
    let report = app.app.push_inventory(store_id, false).await.unwrap();
    assert!(!report.busy);
    report.pushed as u64
}

#[tokio::test]
async fn a_push_reads_only_the_skus_a_change_marked() {
    let app = spawn_app_without_workers().await;
    let shop = stocked_store(&app).await;
    let (a, b) = (&shop.by_variant[0], &shop.by_variant[1]);
    put_stock(
        &app,
        &shop.token,
        json!([{ "sku": a.2, "quantity": 9 }, { "sku": b.2, "quantity": 5 }]),
    )
    .await;
    assert_eq!(push_changes(&app, shop.store_id).await, 2);
    assert_eq!((level(&app, a.1), level(&app, b.1)), (Some(9), Some(5)));

    // B's row changes behind wharf's back (no mark); then the vendor reports A.
    sqlx::query("UPDATE vendor_stock SET quantity = 7 WHERE sku = $1")
        .bind(&b.2)
        .execute(app.app.db.pool())
        .await
        .unwrap();
    put_stock(&app, &shop.token, json!([{ "sku": a.2, "quantity": 4 }])).await;
    assert_eq!(
        push_changes(&app, shop.store_id).await,
        1,
        "only A was marked"
    );
    assert_eq!((level(&app, a.1), level(&app, b.1)), (Some(4), Some(5)));

    // Nothing marked since: nothing to work out, and the claimed marks are gone.
    assert_eq!(push_changes(&app, shop.store_id).await, 0);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inventory_changes")
        .fetch_one(app.app.db.pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
    assert_eq!(level(&app, b.1), Some(5));

    // The operator's push works every level out.
    let response = app
        .api_post(
            &format!("/stores/{}/inventory/push", shop.store_id),
            &json!({ "full": false }),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(level(&app, b.1), Some(7));
}

#[tokio::test]
async fn sales_shipments_reports_and_staleness_each_mark_what_they_move() {
    let app = spawn_app_without_workers().await;
    let shop = stocked_store(&app).await;
    let (a, b, c) = (
        &shop.by_variant[0],
        &shop.by_variant[1],
        &shop.by_variant[2],
    );
    put_stock(
        &app,
        &shop.token,
        json!([{ "sku": a.2, "quantity": 9 }, { "sku": b.2, "quantity": 5 },
               { "sku": c.2, "quantity": 6 }]),
    )
    .await;
    push_changes(&app, shop.store_id).await;

    // A sale of 2 of A: allocated at once.
    app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(a.0, Some(a.1), 2)]),
    );
    app.app.poll_orders(shop.store_id).await.unwrap();
    assert_eq!(push_changes(&app, shop.store_id).await, 1);
    assert_eq!(level(&app, a.1), Some(7));

    // The vendor ships it: still allocated until its next report says what is left.
    let pos: Value = app
        .http
        .get(format!("{}/vendor-api/v1/purchase-orders", app.address))
        .bearer_auth(&shop.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let po = &pos[0];
    let shipped = app
        .http
        .post(format!(
            "{}/vendor-api/v1/purchase-orders/{}/shipments",
            app.address, po["id"]
        ))
        .bearer_auth(&shop.token)
        .json(&json!({ "tracking_number": "1Z999", "carrier": "UPS",
                        "lines": [{ "line_id": po["lines"][0]["order_line_id"], "quantity": 2 }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(shipped.status(), 201, "{}", shipped.text().await.unwrap());
    push_changes(&app, shop.store_id).await;
    assert_eq!(level(&app, a.1), Some(7));

    // Its next report names only B, yet it settles A's shipment: A counts its 9 again.
    put_stock(&app, &shop.token, json!([{ "sku": b.2, "quantity": 5 }])).await;
    push_changes(&app, shop.store_id).await;
    assert_eq!(level(&app, a.1), Some(9), "the report settled A's shipment");

    // Reports older than an hour go stale; two hours pass.
    let terms = app
        .http
        .put(format!(
            "{}/api/v1/vendors/{}/stock-terms",
            app.address, shop.vendor_id
        ))
        .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
        .json(&json!({ "stale_after_secs": 3600 }))
        .send()
        .await
        .unwrap();
    assert_eq!(terms.status(), 204);
    push_changes(&app, shop.store_id).await;
    sqlx::query("UPDATE vendors SET stock_reported_at = stock_reported_at - 7200000")
        .execute(app.app.db.pool())
        .await
        .unwrap();
    let now = wharf::db::now_ms();
    assert!(
        !app.app
            .push_where_stock_turned_stale(now - 60_000, now)
            .await
            .unwrap(),
        "it went stale an hour ago, not in the last minute"
    );
    assert!(app.app.push_where_stock_turned_stale(0, now).await.unwrap());
    push_changes(&app, shop.store_id).await;
    assert_eq!((level(&app, b.1), level(&app, c.1)), (Some(0), Some(0)));

    // A report of B alone makes the vendor fresh: C, in no report or order since, counts
    // again too.
    put_stock(&app, &shop.token, json!([{ "sku": b.2, "quantity": 5 }])).await;
    push_changes(&app, shop.store_id).await;
    assert_eq!((level(&app, b.1), level(&app, c.1)), (Some(5), Some(6)));
}

/// The marks waiting for each store's next push, counted by store.
async fn marks_in(app: &TestApp, store_id: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM inventory_changes WHERE store_id = $1")
        .bind(store_id)
        .fetch_one(app.app.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_report_marks_only_the_stores_whose_rules_route_to_the_vendor() {
    let app = spawn_app_without_workers().await;
    let shop = stocked_store(&app).await;
    let other = app
        .add_store(&app.another_store_input("Other shop", "othershop1"))
        .await;
    let other_id = other["id"].as_i64().unwrap();
    assert_eq!(
        app.connect(other_id).await["connection"]["status"],
        "connected"
    );
    push_changes(&app, shop.store_id).await;
    push_changes(&app, other_id).await;
    assert_eq!(
        (
            marks_in(&app, shop.store_id).await,
            marks_in(&app, other_id).await
        ),
        (0, 0)
    );

    // The other store's rules never name the vendor: its stock cannot count there.
    let a = &shop.by_variant[0];
    put_stock(&app, &shop.token, json!([{ "sku": a.2, "quantity": 3 }])).await;
    assert_eq!(marks_in(&app, shop.store_id).await, 1);
    assert_eq!(marks_in(&app, other_id).await, 0, "nothing to push there");

    // Once its default routes to the vendor, the store is republished whole, and the
    // vendor's next report marks it too.
    let assigned = app
        .api_post(
            &format!("/stores/{other_id}/assignments"),
            &json!({ "rule": "default", "vendor": "Alpha Supply" }),
        )
        .await;
    assert!(assigned.status().is_success(), "{}", assigned.status());
    push_changes(&app, other_id).await;
    put_stock(&app, &shop.token, json!([{ "sku": a.2, "quantity": 2 }])).await;
    assert_eq!(marks_in(&app, other_id).await, 1);
}
