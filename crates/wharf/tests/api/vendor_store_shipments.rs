//! The vendor's shipments back: what the vendor ships on its order in its own store becomes
//! the vendor's shipment in wharf and reaches the merchant's store once, partial shipments
//! included; a shipment after the cancellation is kept and flagged.

use std::time::Duration;

use bigcommerce::{NewShipment, NewShipmentItem};
use serde_json::Value;

use crate::helpers::{STORE_HASH, TestApp, spawn_app};
use crate::shipments::{detail, purchase_order};
use crate::vendor_store_orders::{VendorShop, vendor_client, vendor_shop, wait_for_vendor_order};

/// The vendor ships `quantity` of its order's product `index` with its own tools.
async fn vendor_ships(
    app: &TestApp,
    vs: &VendorShop,
    vendor_order: u64,
    index: usize,
    quantity: u32,
    tracking: &str,
) {
    let client = vendor_client(app, &vs.vendor_token);
    let products = client.all_order_products(vendor_order).await.unwrap();
    let address = client.order_shipping_addresses(vendor_order).await.unwrap()[0].id;
    let shipment = NewShipment {
        order_address_id: address,
        items: vec![NewShipmentItem {
            order_product_id: products[index].id,
            quantity,
        }],
        tracking_number: tracking.to_owned(),
        shipping_provider: "ups".to_owned(),
        tracking_carrier: "ups".to_owned(),
        tracking_link: None,
        shipping_method: Some("UPS Ground".to_owned()),
        comments: None,
    };
    client
        .create_shipment(vendor_order, &shipment)
        .await
        .unwrap();
}

/// Runs the reconciling poll of the vendor's store (what its webhooks also set off) and waits
/// until the merchant's order has `count` shipments in wharf in one of `states`.
async fn wait_for_shipments(
    app: &TestApp,
    vs: &VendorShop,
    order_id: i64,
    count: usize,
    states: &[&str],
) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        app.app
            .poll_vendor_store_orders(vs.vendor_store_id)
            .await
            .unwrap();
        let detail = detail(app, order_id).await;
        let shipments: Vec<Value> = detail["shipments"].as_array().cloned().unwrap_or_default();
        let settled = shipments
            .iter()
            .filter(|s| states.contains(&s["state"].as_str().unwrap_or("")))
            .count();
        if shipments.len() >= count && settled == shipments.len() {
            return shipments;
        }
        assert!(tokio::time::Instant::now() < deadline, "{detail:#}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn partial_then_full_vendor_shipments_reach_the_merchants_store_once_each() {
    let app = spawn_app().await;
    let vs = vendor_shop(&app).await;
    let (external, order_id) = vs.shop.order(&app, &[(0, 3, 0)]).await;
    let po_id = purchase_order(&app, order_id).await["id"].as_i64().unwrap();
    let vendor_order =
        wait_for_vendor_order(&app, po_id, &["created"]).await["vendor_order_number"]
            .as_u64()
            .unwrap();

    vendor_ships(&app, &vs, vendor_order, 0, 1, "1ZPART1").await;
    let shipments = wait_for_shipments(&app, &vs, order_id, 1, &["pushed"]).await;
    assert_eq!(shipments.len(), 1);
    assert_eq!(shipments[0]["tracking_number"], "1ZPART1");
    assert_eq!(shipments[0]["source"], "vendor_store");

    vendor_ships(&app, &vs, vendor_order, 0, 2, "1ZREST2").await;
    let shipments = wait_for_shipments(&app, &vs, order_id, 2, &["pushed"]).await;
    assert_eq!(shipments.len(), 2, "{shipments:#?}");
    // Polled again: nothing is recorded twice.
    app.app
        .poll_vendor_store_orders(vs.vendor_store_id)
        .await
        .unwrap();
    let again = wait_for_shipments(&app, &vs, order_id, 2, &["pushed"]).await;
    assert_eq!(again.len(), 2);

    let mut in_merchant_store: Vec<(String, u32)> = app
        .sim
        .simulator
        .shipments(STORE_HASH, external)
        .iter()
        .map(|s| {
            (
                s.tracking_number.clone(),
                s.items.iter().map(|i| i.quantity).sum(),
            )
        })
        .collect();
    in_merchant_store.sort();
    assert_eq!(
        in_merchant_store,
        vec![("1ZPART1".to_owned(), 1), ("1ZREST2".to_owned(), 2)],
        "each vendor shipment once in the merchant's store"
    );
}

#[tokio::test]
async fn a_shipment_after_the_cancellation_comes_back_flagged() {
    let app = spawn_app().await;
    let vs = vendor_shop(&app).await;
    let (external, order_id) = vs.shop.order(&app, &[(0, 1, 0)]).await;
    let po_id = purchase_order(&app, order_id).await["id"].as_i64().unwrap();
    let vendor_order =
        wait_for_vendor_order(&app, po_id, &["created"]).await["vendor_order_number"]
            .as_u64()
            .unwrap();
    // The vendor ships before the cancellation reaches it.
    vendor_ships(&app, &vs, vendor_order, 0, 1, "1ZLATE").await;
    assert!(app.sim.simulator.set_order_status(STORE_HASH, external, 5));
    app.app.poll_orders(vs.shop.store_id).await.unwrap();
    let shipments = wait_for_shipments(&app, &vs, order_id, 1, &["held"]).await;
    assert_eq!(shipments[0]["tracking_number"], "1ZLATE");
    assert_eq!(
        shipments[0]["shipped_after_cancellation"], true,
        "{shipments:#?}"
    );
    // The vendor's order is kept (it shipped) and the operator told.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let view: Value = app
            .api_get(&format!("/purchase-orders/{po_id}/vendor-order"))
            .await
            .json()
            .await
            .unwrap();
        if view["shipped_before_cancel"] == true {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{view:#}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let order = vendor_client(&app, &vs.vendor_token)
        .order(vendor_order, false)
        .await
        .unwrap();
    assert_ne!(order.status_id, 5, "not cancelled: the vendor shipped it");
    let detail = detail(&app, order_id).await;
    assert!(
        detail.to_string().contains("after the order was cancelled")
            || detail
                .to_string()
                .contains("before the cancellation reached it"),
        "{detail:#}"
    );
    assert!(
        app.sim.simulator.shipments(STORE_HASH, external).is_empty(),
        "held, not pushed"
    );
}

/// The vendor store's webhook (store/shipment/created) brings the vendor's shipment in without
/// waiting for the reconciling poll.
#[tokio::test]
async fn the_vendor_stores_webhook_brings_its_shipment_in() {
    let app = crate::helpers::spawn_app_with_webhooks().await;
    let vs = vendor_shop(&app).await;
    let (external, order_id) = vs.shop.order(&app, &[(0, 1, 0)]).await;
    let po_id = purchase_order(&app, order_id).await["id"].as_i64().unwrap();
    let vendor_order =
        wait_for_vendor_order(&app, po_id, &["created"]).await["vendor_order_number"]
            .as_u64()
            .unwrap();
    vendor_ships(&app, &vs, vendor_order, 0, 1, "1ZHOOK").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let shipments = detail(&app, order_id).await["shipments"].clone();
        if let Some(first) = shipments.as_array().and_then(|s| s.first())
            && first["state"] == "pushed"
        {
            assert_eq!(first["tracking_number"], "1ZHOOK");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never came in by webhook"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.sim.simulator.shipments(STORE_HASH, external).len(), 1);
}
