//! Purchase orders out as orders in a vendor's own BigCommerce store: the order's fields, exactly
//! once through dropped responses and a killed worker, lines the vendor's store cannot take,
//! Send again, and cancellation.

use std::time::Duration;

use bigcommerce::OrderQuery;
use bigcommerce_sim::{Availability, CatalogSeed, Faults, InventoryTracking};
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::helpers::{STORE_HASH, TestApp, spawn_app};
use crate::shipments::{Shop, detail, purchase_order, shop};

pub(crate) const VENDOR_HASH: &str = "vendorstore1";
/// The merchant's variant (by index) the vendor's store does not have.
pub(crate) const MISSING: usize = 2;

/// The merchant's shop, with Alpha Supply's own store connected: the same catalog (so every
/// SKU matches) under the vendor's own ids.
pub(crate) struct VendorShop {
    pub shop: Shop,
    pub vendor_store_id: i64,
    pub vendor_token: String,
    /// The vendor store's product ids.
    pub vendor_products: Vec<u64>,
}

pub(crate) async fn vendor_shop(app: &TestApp) -> VendorShop {
    let shop = shop(app).await;
    app.sim
        .simulator
        .add_store(bigcommerce_sim::StoreSpec::sample(VENDOR_HASH));
    let seeded = app.sim.simulator.seed_catalog(
        VENDOR_HASH,
        CatalogSeed {
            products: 10,
            variants_per_product: 1,
        },
    );
    // The vendor does not carry the merchant's third item.
    let vendor_products = seeded.product_ids.clone();
    // The vendor sells from its own warehouse without counting in BigCommerce: nothing on a
    // purchase order is refused for stock unless a test says so.
    for &product in &vendor_products {
        app.sim.simulator.update_product(VENDOR_HASH, product, |p| {
            p.inventory_tracking = InventoryTracking::None;
        });
    }
    let (missing, _, _) = vendor_variant_of(app, &vendor_products, &shop.variants[MISSING].2);
    assert!(app.sim.simulator.delete_product(VENDOR_HASH, missing));
    let vendor_token = app.token_on(VENDOR_HASH, wharf::demo::WHARF_SCOPES);
    let vendors: Vec<Value> = app.api_get("/vendors").await.json().await.unwrap();
    let vendor_id = vendors
        .iter()
        .find(|v| v["name"] == "Alpha Supply")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let vendor_store_id =
        crate::vendor_store_helpers::connect_vendor_store(app, vendor_id, VENDOR_HASH).await;
    VendorShop {
        shop,
        vendor_store_id,
        vendor_token,
        vendor_products,
    }
}

/// A client on the vendor's store, as the vendor's own apps would use it.
pub(crate) fn vendor_client(app: &TestApp, token: &str) -> bigcommerce::StoreClient {
    let mut config = bigcommerce::ClientConfig::new("vendor-tests");
    config.api_base = app.sim.base_url.parse().unwrap();
    bigcommerce::BigCommerce::new(config)
        .unwrap()
        .store(VENDOR_HASH, SecretString::from(token.to_owned()))
}

/// The vendor store's orders carrying `reference`.
pub(crate) async fn vendor_orders_with(
    app: &TestApp,
    token: &str,
    reference: &str,
) -> Vec<bigcommerce::Order> {
    let query = OrderQuery {
        external_order_id: Some(reference.to_owned()),
        ..OrderQuery::default()
    };
    vendor_client(app, token).orders_page(&query).await.unwrap()
}

/// Waits until the purchase order's vendor order is in one of `states`.
pub(crate) async fn wait_for_vendor_order(app: &TestApp, po_id: i64, states: &[&str]) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let response = app
            .api_get(&format!("/purchase-orders/{po_id}/vendor-order"))
            .await;
        if response.status() == 200 {
            let body: Value = response.json().await.unwrap();
            if states.contains(&body["state"].as_str().unwrap_or("")) {
                return body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "vendor order never reached {states:?}: {body:#}"
            );
        } else {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no vendor order for purchase order {po_id}"
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_routed_purchase_order_becomes_one_order_in_the_vendors_store() {
    let app = spawn_app().await;
    let vs = vendor_shop(&app).await;
    let (external, order_id) = vs.shop.order(&app, &[(0, 2, 0), (1, 1, 0)]).await;
    let po = purchase_order(&app, order_id).await;
    let po_id = po["id"].as_i64().unwrap();
    let view = wait_for_vendor_order(&app, po_id, &["created"]).await;
    let reference = format!("PO-{external}-{po_id}");
    assert_eq!(view["reference"], reference.as_str());
    assert_eq!(view["state_label"], "In the vendor's store");

    let found = vendor_orders_with(&app, &vs.vendor_token, &reference).await;
    assert_eq!(found.len(), 1, "exactly one vendor order");
    let order = &found[0];
    assert_eq!(view["vendor_order_number"].as_u64(), Some(order.id));
    // Awaiting Fulfillment unless the vendor's settings say otherwise.
    assert_eq!(order.status_id, 11);
    let products = vendor_client(&app, &vs.vendor_token)
        .all_order_products(order.id)
        .await
        .unwrap();
    let mut quantities: Vec<(Option<String>, u32)> = products
        .iter()
        .map(|p| (p.sku.clone(), p.quantity))
        .collect();
    quantities.sort();
    let mut expected = vec![
        (Some(vs.shop.variants[0].2.clone()), 2),
        (Some(vs.shop.variants[1].2.clone()), 1),
    ];
    expected.sort();
    assert_eq!(quantities, expected, "the lines as the vendor's products");
    // The end customer is the shipping address; the merchant is billed; no customer contact.
    let customer = crate::shipments::client(&app)
        .order_shipping_addresses(external)
        .await
        .unwrap();
    let addresses = vendor_client(&app, &vs.vendor_token)
        .order_shipping_addresses(order.id)
        .await
        .unwrap();
    assert_eq!(addresses.len(), 1);
    assert_eq!(addresses[0].street_1, customer[0].street_1);
    assert_eq!(addresses[0].zip, customer[0].zip);
    assert_eq!(addresses[0].email, "", "customer e-mail is off by default");
    assert_eq!(
        order.billing_address.as_ref().map(|b| b.company.as_str()),
        Some("Main store")
    );
    // The order page shows it.
    let cookie = app.session_cookie().await;
    let page = app
        .get_page(
            &format!("/stores/{}/orders/{external}", vs.shop.store_id),
            &cookie,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&reference), "{page}");
    assert!(page.contains(&format!("order {}", order.id)), "{page}");
}

#[tokio::test]
async fn a_dropped_answer_leaves_exactly_one_vendor_order() {
    let app = spawn_app().await;
    let vs = vendor_shop(&app).await;
    app.sim.simulator.set_faults(Faults {
        drop_response_after_write_rate: 1.0,
        ..Faults::default()
    });
    let (external, order_id) = vs.shop.order(&app, &[(0, 1, 0)]).await;
    let po_id = purchase_order(&app, order_id).await["id"].as_i64().unwrap();
    let reference = format!("PO-{external}-{po_id}");
    // Applied, answered 504: the next attempt finds it instead of sending again.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while vendor_orders_with(&app, &vs.vendor_token, &reference)
        .await
        .is_empty()
    {
        assert!(tokio::time::Instant::now() < deadline, "never sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.sim.simulator.set_faults(Faults::default());
    wait_for_vendor_order(&app, po_id, &["created"]).await;
    assert_eq!(
        vendor_orders_with(&app, &vs.vendor_token, &reference)
            .await
            .len(),
        1
    );
    assert_eq!(
        app.sim.simulator.request_stats().count("POST /v2/orders"),
        1,
        "sent once, found after"
    );
}

#[tokio::test]
async fn a_line_the_vendor_does_not_have_is_left_out_and_the_rest_sent() {
    let app = spawn_app().await;
    let vs = vendor_shop(&app).await;
    let (_, order_id) = vs.shop.order(&app, &[(0, 1, 0), (MISSING, 1, 0)]).await;
    let po_id = purchase_order(&app, order_id).await["id"].as_i64().unwrap();
    let view = wait_for_vendor_order(&app, po_id, &["created"]).await;
    let message = view["message"].as_str().unwrap();
    assert!(message.contains(&vs.shop.variants[MISSING].2), "{message}");
    let order =
        &vendor_orders_with(&app, &vs.vendor_token, view["reference"].as_str().unwrap()).await[0];
    let products = vendor_client(&app, &vs.vendor_token)
        .all_order_products(order.id)
        .await
        .unwrap();
    assert_eq!(products.len(), 1, "only the line the vendor has");
    // Send again is refused while the vendor's order exists.
    let response = app
        .api_post(
            &format!("/purchase-orders/{po_id}/vendor-order/send-again"),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    assert!(body.to_string().contains("never sent twice"), "{body}");
}

#[tokio::test]
async fn an_order_the_vendor_refuses_fails_and_send_again_creates_it_once() {
    let app = spawn_app().await;
    let vs = vendor_shop(&app).await;
    // The vendor stopped selling the product: its store refuses the only line (422).
    let (vendor_product, _, _) =
        vendor_variant_of(&app, &vs.vendor_products, &vs.shop.variants[0].2);
    app.sim
        .simulator
        .update_product(VENDOR_HASH, vendor_product, |p| {
            p.availability = Availability::Disabled
        });
    let (external, order_id) = vs.shop.order(&app, &[(0, 1, 0)]).await;
    let po_id = purchase_order(&app, order_id).await["id"].as_i64().unwrap();
    let view = wait_for_vendor_order(&app, po_id, &["failed"]).await;
    assert_eq!(view["may_send_again"], true);
    assert!(!view["message"].as_str().unwrap().is_empty(), "{view:#}");
    let reference = view["reference"].as_str().unwrap().to_owned();
    assert!(
        vendor_orders_with(&app, &vs.vendor_token, &reference)
            .await
            .is_empty()
    );

    // The order page shows why, with Send again.
    let cookie = app.session_cookie().await;
    let page = app
        .get_page(
            &format!("/stores/{}/orders/{external}", vs.shop.store_id),
            &cookie,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Not sent: the vendor"), "{page}");
    assert!(
        page.contains(&format!("/purchase-orders/{po_id}/vendor-order/send-again")),
        "{page}"
    );

    // The operator fixed it with the vendor; Send again (here from the CLI) creates it, once.
    app.sim
        .simulator
        .update_product(VENDOR_HASH, vendor_product, |p| {
            p.availability = Availability::Available
        });
    let sent = crate::cli::wharf(&app, &["orders", "send-again", &po_id.to_string()]).await;
    assert!(sent.status.success(), "{sent:?}");
    assert!(
        String::from_utf8_lossy(&sent.stdout).contains(&reference),
        "{sent:?}"
    );
    wait_for_vendor_order(&app, po_id, &["created"]).await;
    assert_eq!(
        vendor_orders_with(&app, &vs.vendor_token, &reference)
            .await
            .len(),
        1
    );
    let again = app
        .api_post(
            &format!("/purchase-orders/{po_id}/vendor-order/send-again"),
            &json!({}),
        )
        .await;
    assert_eq!(again.status(), 409, "never while one exists");
    let refused = crate::cli::wharf(&app, &["orders", "send-again", &po_id.to_string()]).await;
    assert!(!refused.status.success(), "{refused:?}");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("never sent twice"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_cancelled_order_cancels_the_vendors_order() {
    let app = spawn_app().await;
    let vs = vendor_shop(&app).await;
    let (external, order_id) = vs.shop.order(&app, &[(0, 1, 0)]).await;
    let po_id = purchase_order(&app, order_id).await["id"].as_i64().unwrap();
    let view = wait_for_vendor_order(&app, po_id, &["created"]).await;
    let vendor_order = view["vendor_order_number"].as_u64().unwrap();
    assert!(app.sim.simulator.set_order_status(STORE_HASH, external, 5));
    app.app.poll_orders(vs.shop.store_id).await.unwrap();
    wait_for_vendor_order(&app, po_id, &["cancelled"]).await;
    let order = vendor_client(&app, &vs.vendor_token)
        .order(vendor_order, false)
        .await
        .unwrap();
    assert_eq!(order.status_id, 5, "Cancelled in the vendor's store");
    let detail = detail(&app, order_id).await;
    assert!(
        detail
            .to_string()
            .contains("cancelled in the vendor's store"),
        "{detail:#}"
    );
}

/// The vendor store's (product id, variant id, sku) of a merchant SKU.
pub(crate) fn vendor_variant_of(app: &TestApp, products: &[u64], sku: &str) -> (u64, u64, String) {
    products
        .iter()
        .filter_map(|&id| app.sim.simulator.product(VENDOR_HASH, id))
        .flat_map(|p| {
            let id = p.id();
            p.variants()
                .iter()
                .map(|v| (id, v.id(), v.sku.clone()))
                .collect::<Vec<_>>()
        })
        .find(|(_, _, s)| s == sku)
        .unwrap_or_else(|| panic!("no vendor variant with SKU {sku}"))
}

/// Workers killed (SIGKILL) while their create is applied in the vendor's store but not yet
/// answered: the next process looks the order up before sending, and every purchase order ends
/// with exactly one vendor order.
#[tokio::test]
async fn killed_workers_never_duplicate_a_vendor_order() {
    let app = crate::helpers::spawn_app_without_workers().await;
    let vs = vendor_shop(&app).await;
    // Every POST is applied at once and answered only 10 s later: plenty of time to kill.
    app.sim.simulator.set_faults(Faults {
        hold_response_after_write: Duration::from_secs(10),
        ..Faults::default()
    });
    let mut references = Vec::new();
    for i in 0..5 {
        let (external, order_id) = vs.shop.order(&app, &[(i % 2, 1, 0)]).await;
        let po_id = purchase_order(&app, order_id).await["id"].as_i64().unwrap();
        references.push((po_id, format!("PO-{external}-{po_id}")));
    }
    let env = [
        ("WHARF_JOB_CONCURRENCY", "10"),
        ("WHARF_ORDER_POLL_SECS", "3600"),
    ];
    let mut killed_mid_request = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let mut worker = crate::helpers::spawn_wharf_process(&app, &env);
    // Wait until the vendor's store holds every order while wharf still awaits the answers.
    loop {
        let mut created = 0;
        for (_, reference) in &references {
            created += vendor_orders_with(&app, &vs.vendor_token, reference)
                .await
                .len();
        }
        if created == references.len() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the creates never landed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    worker.kill().expect("SIGKILL");
    worker.wait().unwrap();
    for (po_id, _) in &references {
        let view: Value = app
            .api_get(&format!("/purchase-orders/{po_id}/vendor-order"))
            .await
            .json()
            .await
            .unwrap();
        if view["state"] == "sending" {
            killed_mid_request += 1;
        }
    }
    assert!(killed_mid_request > 0, "no create was killed mid-request");
    // A last process finishes without interference.
    app.sim.simulator.set_faults(Faults::default());
    let mut last = crate::helpers::spawn_wharf_process(&app, &env);
    for (po_id, _) in &references {
        wait_for_vendor_order(&app, *po_id, &["created"]).await;
    }
    last.kill().unwrap();
    last.wait().unwrap();
    for (_, reference) in &references {
        assert_eq!(
            vendor_orders_with(&app, &vs.vendor_token, reference)
                .await
                .len(),
            1,
            "{reference}: exactly one vendor order"
        );
    }
    eprintln!("{killed_mid_request} vendor orders killed mid-request, no duplicate");
}

/// The vendor's options: another status, and the customer's e-mail and phone with the order
/// (so the vendor store's customer e-mails reach the customer too).
#[tokio::test]
async fn the_vendors_options_set_the_status_and_the_customer_contact() {
    let app = spawn_app().await;
    let vs = vendor_shop(&app).await;
    let vendors: Vec<Value> = app.api_get("/vendors").await.json().await.unwrap();
    let alpha = vendors
        .iter()
        .find(|v| v["name"] == "Alpha Supply")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let settings = wharf::domain::vendor_store::VendorStoreSettings {
        order_status_id: 9,
        include_customer_contact: true,
        send_customer_emails: true,
        ..Default::default()
    };
    let mut conn = app.app.db.pool().acquire().await.unwrap();
    wharf::db::vendor_store_settings::save(&mut conn, alpha, &settings)
        .await
        .unwrap();
    drop(conn);
    let (external, order_id) = vs.shop.order(&app, &[(0, 1, 0)]).await;
    let po_id = purchase_order(&app, order_id).await["id"].as_i64().unwrap();
    let view = wait_for_vendor_order(&app, po_id, &["created"]).await;
    let client = vendor_client(&app, &vs.vendor_token);
    let number = view["vendor_order_number"].as_u64().unwrap();
    let order = client.order(number, false).await.unwrap();
    assert_eq!(order.status_id, 9, "Awaiting Shipment, as the vendor chose");
    let customer = crate::shipments::client(&app)
        .order_shipping_addresses(external)
        .await
        .unwrap();
    let shipping = client.order_shipping_addresses(number).await.unwrap();
    let email = detail(&app, order_id).await["order"]["customer_email"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!email.is_empty());
    assert_eq!(shipping[0].email, email);
    assert_eq!(shipping[0].phone, customer[0].phone);
    assert_eq!(
        order.billing_address.as_ref().map(|b| b.email.as_str()),
        Some(email.as_str()),
        "the vendor store's customer e-mails go to the customer"
    );
}
