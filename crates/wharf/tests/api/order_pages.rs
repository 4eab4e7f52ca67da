//! Orders are stored a page at a time (one transaction, a few statements per page): what a
//! page can hold besides new orders. Orders already stored mixed with new ones, the same order
//! twice, and an order that can't be read.

use bigcommerce_sim::{Faults, Misbehaviour, SeededCatalog, ShopperLine, ShopperOrder};
use serde_json::{Value, json};

use crate::helpers::{STORE_HASH, TestApp, spawn_app};
use crate::orders::{add_vendor, assign, store_with_catalog, variant};

/// A store whose every line routes to one vendor, with `n` one-line orders placed.
async fn store_with_orders(app: &TestApp, n: usize) -> (i64, SeededCatalog, Vec<u64>) {
    let (store_id, seeded) = store_with_catalog(app).await;
    add_vendor(app, "Alpha Supply").await;
    assign(
        app,
        store_id,
        json!({ "rule": "default", "vendor": "Alpha Supply" }),
    )
    .await;
    let placed = place_orders(app, &seeded, 0..n);
    (store_id, seeded, placed)
}

/// One one-line order of each of these catalog products.
fn place_orders(
    app: &TestApp,
    seeded: &SeededCatalog,
    products: std::ops::Range<usize>,
) -> Vec<u64> {
    products
        .map(|i| {
            let (product, variant_id, _) = variant(app, seeded, i);
            app.sim.simulator.place_order(
                STORE_HASH,
                ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant_id), 1)]),
            )
        })
        .collect()
}

async fn sync(app: &TestApp, store_id: i64) -> reqwest::Response {
    app.api_post(&format!("/stores/{store_id}/orders/sync"), &json!({}))
        .await
}

/// Every stored order with its detail (purchase orders, timeline), by BigCommerce id.
async fn stored_orders(app: &TestApp) -> Vec<(u64, Value)> {
    let listed: Vec<Value> = app.api_get("/orders").await.json().await.unwrap();
    let mut details = Vec::new();
    for order in listed {
        let detail: Value = app
            .api_get(&format!("/orders/{}", order["id"]))
            .await
            .json()
            .await
            .unwrap();
        details.push((order["external_id"].as_u64().unwrap(), detail));
    }
    details.sort_by_key(|(id, _)| *id);
    details
}

fn timeline_kinds(detail: &Value) -> Vec<String> {
    detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn misbehaving(misbehaviour: Misbehaviour) -> Faults {
    Faults {
        misbehaviour,
        ..Faults::default()
    }
}

#[tokio::test]
async fn a_page_of_new_and_known_orders_stores_the_new_and_updates_the_known() {
    let app = spawn_app().await;
    let (store_id, seeded, placed) = store_with_orders(&app, 3).await;
    assert_eq!(sync(&app, store_id).await.status(), 200);
    let before = stored_orders(&app).await;
    assert_eq!(before.len(), 3);

    // One page: the first order cancelled, the other two read again unchanged (the poll
    // re-reads a window behind its cursor), two new orders.
    app.sim.simulator.set_order_status(STORE_HASH, placed[0], 5);
    let more = place_orders(&app, &seeded, 3..5);
    let report: Value = sync(&app, store_id).await.json().await.unwrap();
    assert_eq!(report["pages"], 1, "{report}");

    let after = stored_orders(&app).await;
    assert_eq!(after.len(), 5, "each order stored once");
    let (cancelled_id, cancelled) = &after[0];
    assert_eq!(*cancelled_id, placed[0]);
    assert_eq!(cancelled["order"]["routing_state"], "cancelled");
    assert_eq!(cancelled["purchase_orders"].as_array().unwrap().len(), 1);
    assert_eq!(cancelled["purchase_orders"][0]["status"], "cancelled");
    assert_eq!(
        timeline_kinds(cancelled),
        ["received", "routed", "status", "cancelled"]
    );
    for ((id, unchanged), (id_before, was)) in after[1..3].iter().zip(&before[1..3]) {
        assert_eq!(id, id_before);
        assert_eq!(
            unchanged["timeline"], was["timeline"],
            "read again, unchanged"
        );
        assert_eq!(unchanged["purchase_orders"], was["purchase_orders"]);
    }
    for (id, new) in &after[3..] {
        assert!(more.contains(id));
        assert_eq!(new["order"]["routing_state"], "routed");
        assert_eq!(new["purchase_orders"].as_array().unwrap().len(), 1);
        assert_eq!(
            new["purchase_orders"][0]["lines"].as_array().unwrap().len(),
            1
        );
        assert_eq!(timeline_kinds(new), ["received", "routed"]);
    }
}

#[tokio::test]
async fn an_order_twice_in_one_page_is_stored_once() {
    let app = spawn_app().await;
    let (store_id, _, placed) = store_with_orders(&app, 3).await;
    app.sim.simulator.set_faults(misbehaving(Misbehaviour {
        repeat_an_order: true,
        ..Misbehaviour::default()
    }));

    let report = sync(&app, store_id).await;
    assert_eq!(report.status(), 200);
    let report: Value = report.json().await.unwrap();
    assert_eq!(report["orders"], 4, "the page held 4 rows: {report}");

    let stored = stored_orders(&app).await;
    let ids: Vec<u64> = stored.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, placed);
    for (_, detail) in &stored {
        assert_eq!(detail["purchase_orders"].as_array().unwrap().len(), 1);
        assert_eq!(
            detail["purchase_orders"][0]["lines"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(detail["order"]["routing_state"], "routed");
        // The second read found the first stored: nothing new to say.
        assert_eq!(timeline_kinds(detail), ["received", "routed"]);
    }
}

#[tokio::test]
async fn a_page_with_an_unreadable_order_stores_none_of_it_until_it_reads() {
    let app = spawn_app().await;
    let (store_id, _, placed) = store_with_orders(&app, 3).await;
    app.sim.simulator.set_faults(misbehaving(Misbehaviour {
        unreadable_order: true,
        ..Misbehaviour::default()
    }));

    let failed = sync(&app, store_id).await;
    assert!(!failed.status().is_success(), "{}", failed.status());
    assert!(
        stored_orders(&app).await.is_empty(),
        "nothing of the page is stored, its cursor not moved"
    );

    app.sim.simulator.set_faults(Faults::default());
    assert_eq!(sync(&app, store_id).await.status(), 200);
    let stored = stored_orders(&app).await;
    let ids: Vec<u64> = stored.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, placed);
    for (_, detail) in &stored {
        assert_eq!(detail["purchase_orders"].as_array().unwrap().len(), 1);
        assert_eq!(timeline_kinds(detail), ["received", "routed"]);
    }
}
