//! Shipments out: recording (vendor API, operator API, CSV), the exactly-once push to
//! BigCommerce (dropped responses, killed workers), read-back, shipments made in BigCommerce,
//! refusals with Retry, and cancellations.

use std::time::Duration;
use wharf::app::jobs::Job;

use bigcommerce::{NewShipment, NewShipmentItem, StoreClient};
use bigcommerce_sim::{Faults, ShopperAddress, ShopperLine, ShopperOrder};
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::helpers::{STORE_HASH, TestApp, spawn_app, spawn_app_with_webhooks};

/// A store with an imported catalog, vendor Alpha Supply shipping everything (the store's
/// default), and Beta Goods with no lines.
pub(crate) struct Shop {
    pub store_id: i64,
    pub alpha_token: String,
    pub beta_token: String,
    /// (product id, variant id, sku) of the first products.
    pub variants: Vec<(u64, u64, String)>,
}

pub(crate) async fn shop(app: &TestApp) -> Shop {
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(10, 1);
    let import = app.start_import(store_id, "full").await;
    // Apps without a background worker run the import here.
    run_jobs(app).await;
    app.wait_for_import(import["id"].as_i64().unwrap()).await;
    let alpha_token = add_vendor(app, "Alpha Supply").await;
    let beta_token = add_vendor(app, "Beta Goods").await;
    let response = app
        .api_post(
            &format!("/stores/{store_id}/assignments"),
            &json!({ "rule": "default", "vendor": "Alpha Supply" }),
        )
        .await;
    assert_eq!(response.status(), 200);
    let variants = seeded
        .product_ids
        .iter()
        .map(|&id| {
            let product = app.sim.simulator.product(STORE_HASH, id).unwrap();
            let variant = &product.variants()[0];
            (product.id(), variant.id(), variant.sku.clone())
        })
        .collect();
    Shop {
        store_id,
        alpha_token,
        beta_token,
        variants,
    }
}

async fn add_vendor(app: &TestApp, name: &str) -> String {
    let response = app.api_post("/vendors", &json!({ "name": name })).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["api_token_once"].as_str().unwrap().to_owned()
}

impl Shop {
    /// Places an order (lines: variant index, quantity, address index) and reads it into wharf.
    /// Returns (BigCommerce order id, wharf order id).
    pub(crate) async fn order(&self, app: &TestApp, lines: &[(usize, u32, usize)]) -> (u64, i64) {
        let addresses = lines.iter().map(|l| l.2).max().unwrap_or(0) + 1;
        let mut order = ShopperOrder::new(
            lines
                .iter()
                .map(|&(v, quantity, to)| {
                    let (product, variant, _) = &self.variants[v];
                    ShopperLine::catalog(*product, Some(*variant), quantity).to(to)
                })
                .collect(),
        );
        order.addresses = (0..addresses as u64).map(ShopperAddress::sample).collect();
        let external = app.sim.simulator.place_order(STORE_HASH, order);
        app.app.poll_orders(self.store_id).await.expect("poll");
        let local = wharf_order_id(app, external).await;
        (external, local)
    }
}

async fn wharf_order_id(app: &TestApp, external: u64) -> i64 {
    let orders: Vec<Value> = app
        .api_get(&format!("/orders?q={external}"))
        .await
        .json()
        .await
        .unwrap();
    orders
        .iter()
        .find(|o| o["external_id"].as_u64() == Some(external))
        .unwrap_or_else(|| panic!("order {external} is not in wharf"))["id"]
        .as_i64()
        .unwrap()
}

pub(crate) async fn detail(app: &TestApp, order_id: i64) -> Value {
    app.api_get(&format!("/orders/{order_id}"))
        .await
        .json()
        .await
        .unwrap()
}

fn vendor_post(app: &TestApp, token: &str, path: &str) -> reqwest::RequestBuilder {
    app.http
        .post(format!("{}/vendor-api/v1{path}", app.address))
        .bearer_auth(token)
}

/// The only purchase order of the order, with its lines.
pub(crate) async fn purchase_order(app: &TestApp, order_id: i64) -> Value {
    let detail = detail(app, order_id).await;
    let pos = detail["purchase_orders"].as_array().unwrap();
    assert_eq!(pos.len(), 1, "{detail:#}");
    pos[0].clone()
}

pub(crate) fn client(app: &TestApp) -> StoreClient {
    let config = bigcommerce::ClientConfig::new("wharf-tests");
    let mut config = config;
    config.api_base = app.sim.base_url.parse().unwrap();
    bigcommerce::BigCommerce::new(config)
        .unwrap()
        .store(STORE_HASH, SecretString::from(app.access_token.clone()))
}

/// Waits until the shipment's state is one of `states`.
pub(crate) async fn wait_for_shipment(app: &TestApp, shipment_id: i64, states: &[&str]) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let shipment: Value = app
            .api_get(&format!("/shipments/{shipment_id}"))
            .await
            .json()
            .await
            .unwrap();
        if states.contains(&shipment["state"].as_str().unwrap_or("")) {
            return shipment;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "shipment never reached {states:?}: {shipment:#}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) async fn ship(app: &TestApp, token: &str, po_id: i64, body: Value) -> reqwest::Response {
    vendor_post(app, token, &format!("/purchase-orders/{po_id}/shipments"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn partial_then_full_vendor_shipments_reach_bigcommerce_once_each_and_wharf_reads_back() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (external, order_id) = shop.order(&app, &[(0, 2, 0), (1, 1, 0)]).await;
    let po = purchase_order(&app, order_id).await;
    let (line_a, line_b) = (&po["lines"][0], &po["lines"][1]);

    let response = ship(
        &app,
        &shop.alpha_token,
        po["id"].as_i64().unwrap(),
        json!({
            "tracking_number": "1Z999AA10123456784",
            "carrier": "ups ground",
            "lines": [{ "line_id": line_a["order_line_id"], "quantity": 1 }],
        }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let first: Value = response.json().await.unwrap();
    assert_eq!(first["carrier"], "UPS");
    assert!(first["carrier_known"].as_bool().unwrap());
    let first = wait_for_shipment(&app, first["id"].as_i64().unwrap(), &["pushed"]).await;

    let in_bigcommerce = app.sim.simulator.shipments(STORE_HASH, external);
    assert_eq!(in_bigcommerce.len(), 1);
    let created = &in_bigcommerce[0];
    assert_eq!(created.tracking_number, "1Z999AA10123456784");
    assert_eq!(
        (
            created.shipping_provider.as_str(),
            created.tracking_carrier.as_str()
        ),
        ("ups", "ups")
    );
    assert_eq!(created.items.len(), 1);
    assert_eq!(created.items[0].quantity, 1);
    assert_eq!(
        first["bigcommerce_shipment_ids"],
        json!([created.id]),
        "bound to the shipment it created"
    );

    // Read back: BigCommerce's status and quantities are wharf's.
    let order = client(&app).order(external, false).await.unwrap();
    assert_eq!((order.status_id, order.items_shipped), (3, 1));
    let seen = detail(&app, order_id).await;
    assert_eq!(seen["order"]["status_label"], "Partially Shipped");
    let po = &seen["purchase_orders"][0];
    assert_eq!(po["lines"][0]["quantity_shipped"], 1);
    assert_eq!(po["lines"][0]["quantity_shipped_in_bigcommerce"], 1);
    assert_eq!(po["lines"][1]["quantity_shipped"], 0);

    // The rest, by SKU, with an unknown carrier and its own tracking link.
    let response = ship(
        &app,
        &shop.alpha_token,
        po["id"].as_i64().unwrap(),
        json!({
            "tracking_number": "BOB-42",
            "carrier": "Bob's Courier",
            "tracking_url": "https://bobs.example/track/BOB-42",
            "lines": [
                { "sku": line_a["sku"], "quantity": 1 },
                { "line_id": line_b["order_line_id"], "quantity": 1 },
            ],
        }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let second: Value = response.json().await.unwrap();
    assert_eq!(
        second["carrier_known"], false,
        "an unknown carrier is flagged"
    );
    wait_for_shipment(&app, second["id"].as_i64().unwrap(), &["pushed"]).await;
    let in_bigcommerce = app.sim.simulator.shipments(STORE_HASH, external);
    assert_eq!(in_bigcommerce.len(), 2);
    assert_eq!(
        in_bigcommerce[1].tracking_link,
        "https://bobs.example/track/BOB-42"
    );
    assert_eq!(in_bigcommerce[1].shipping_method, "Bob's Courier");
    assert_eq!(in_bigcommerce[1].tracking_carrier, "");

    let order = client(&app).order(external, false).await.unwrap();
    assert_eq!((order.status_id, order.items_shipped), (2, 3));
    let seen = detail(&app, order_id).await;
    assert_eq!(seen["order"]["status_label"], "Shipped");
    assert!(
        seen["purchase_orders"][0]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["quantity_shipped"] == l["quantity"]
                && l["quantity_shipped_in_bigcommerce"] == l["quantity"]),
        "{seen:#}"
    );

    // Nothing left to ship.
    let response = ship(
        &app,
        &shop.alpha_token,
        po["id"].as_i64().unwrap(),
        json!({ "tracking_number": "X1", "carrier": "UPS", "lines": [{ "line_id": line_b["order_line_id"], "quantity": 1 }] }),
    )
    .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already fully shipped"),
        "{body}"
    );
    // Exactly one POST per shipment, and no webhook echo cost a request.
    let stats = app.sim.simulator.request_stats();
    assert_eq!(stats.count("POST /v2/orders/{id}/shipments"), 2);
}

#[tokio::test]
async fn a_shipment_to_two_addresses_becomes_one_bigcommerce_shipment_per_address() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (external, order_id) = shop.order(&app, &[(0, 1, 0), (1, 2, 1), (2, 1, 1)]).await;
    let po = purchase_order(&app, order_id).await;
    let lines: Vec<Value> = po["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!({ "line_id": l["order_line_id"], "quantity": l["quantity"] }))
        .collect();
    let response = ship(
        &app,
        &shop.alpha_token,
        po["id"].as_i64().unwrap(),
        json!({ "tracking_number": "DHL123", "carrier": "DHL Express", "lines": lines }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let shipment: Value = response.json().await.unwrap();
    let shipment = wait_for_shipment(&app, shipment["id"].as_i64().unwrap(), &["pushed"]).await;
    assert_eq!(
        shipment["bigcommerce_shipment_ids"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let addresses = client(&app)
        .order_shipping_addresses(external)
        .await
        .unwrap();
    let in_bigcommerce = app.sim.simulator.shipments(STORE_HASH, external);
    assert_eq!(in_bigcommerce.len(), 2);
    for (shipment, address) in in_bigcommerce.iter().zip(&addresses) {
        assert_eq!(shipment.order_address_id, address.id);
        assert_eq!(shipment.tracking_carrier, "dhl");
    }
    assert_eq!(in_bigcommerce[0].items.len(), 1);
    assert_eq!(in_bigcommerce[1].items.len(), 2);
    let order = client(&app).order(external, false).await.unwrap();
    assert_eq!((order.status_id, order.items_shipped), (2, 4));
    assert_eq!(
        detail(&app, order_id).await["order"]["status_label"],
        "Shipped"
    );
}

#[tokio::test]
async fn bad_shipments_are_refused_naming_each_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (external, order_id) = shop.order(&app, &[(0, 2, 0)]).await;
    let po = purchase_order(&app, order_id).await;
    let po_id = po["id"].as_i64().unwrap();
    let line = po["lines"][0]["order_line_id"].as_i64().unwrap();

    let response = ship(
        &app,
        &shop.alpha_token,
        po_id,
        json!({
            "tracking_number": "X".repeat(51),
            "carrier": "",
            "tracking_url": "javascript:alert(1)",
            "lines": [{ "line_id": line, "quantity": 3 }, { "line_id": 999999, "quantity": 1 }],
        }),
    )
    .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["tracking_number", "carrier", "tracking_url", "lines"]
    );
    let lines = body["fields"][3]["message"].as_str().unwrap();
    assert!(lines.contains("more than the 2 still unshipped"), "{lines}");
    assert!(lines.contains("line id 999999"), "{lines}");

    let response = ship(&app, &shop.alpha_token, po_id, json!({ "tracking_number": "T", "carrier": "UPS", "lines": [{ "line_id": line, "quantity": 0 }] })).await;
    assert_eq!(response.status(), 422);

    // Another vendor's purchase order does not exist, as far as Beta is concerned.
    let response = ship(&app, &shop.beta_token, po_id, json!({ "tracking_number": "T", "carrier": "UPS", "lines": [{ "line_id": line, "quantity": 1 }] })).await;
    assert_eq!(response.status(), 404);

    assert!(
        detail(&app, order_id).await["shipments"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(app.sim.simulator.shipments(STORE_HASH, external).is_empty());
}

#[tokio::test]
async fn a_cancelled_purchase_order_refuses_shipments_and_one_recorded_before_the_cancellation_is_held()
 {
    let app = crate::helpers::spawn_app_without_workers().await;
    let shop = shop(&app).await;
    let (external, order_id) = shop.order(&app, &[(0, 1, 0)]).await;
    let po = purchase_order(&app, order_id).await;
    let po_id = po["id"].as_i64().unwrap();
    let line = po["lines"][0]["order_line_id"].as_i64().unwrap();
    let body = json!({ "tracking_number": "EARLY1", "carrier": "FedEx", "lines": [{ "line_id": line, "quantity": 1 }] });

    // Recorded while the order was open; the order is cancelled before the push runs.
    let response = ship(&app, &shop.alpha_token, po_id, body.clone()).await;
    assert_eq!(response.status(), 201);
    let early: Value = response.json().await.unwrap();
    app.sim.simulator.set_order_status(STORE_HASH, external, 5);
    app.app.poll_orders(shop.store_id).await.unwrap();
    run_jobs(&app).await;
    let early = app
        .api_get(&format!("/shipments/{}", early["id"]))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(early["state"], "held", "{early:#}");
    assert_eq!(early["shipped_after_cancellation"], true);
    assert!(app.sim.simulator.shipments(STORE_HASH, external).is_empty());
    let timeline = detail(&app, order_id).await["timeline"].to_string();
    assert!(
        timeline.contains("arrived after the order was cancelled"),
        "{timeline}"
    );

    // New shipments are refused with a clear error.
    let response = ship(&app, &shop.alpha_token, po_id, body).await;
    assert_eq!(response.status(), 409);
    let refusal: Value = response.json().await.unwrap();
    assert!(
        refusal["error"].as_str().unwrap().contains("is cancelled"),
        "{refusal}"
    );

    // The operator may still push the held one on purpose.
    let response = app
        .api_post(&format!("/shipments/{}/retry", early["id"]), &json!({}))
        .await;
    assert_eq!(response.status(), 200);
    run_jobs(&app).await;
    assert_eq!(app.sim.simulator.shipments(STORE_HASH, external).len(), 1);
}

/// Runs due jobs until none is left (for apps without a background worker).
async fn run_jobs(app: &TestApp) {
    let worker = wharf::jobs::Worker::new(
        app.app.db.clone(),
        wharf::startup::job_handlers(&app.app),
        wharf::jobs::WorkerConfig::default(),
    );
    while worker.run_due_jobs().await.unwrap() > 0 {}
}

#[tokio::test]
async fn a_line_shipped_by_hand_in_bigcommerce_is_reported_not_shipped_twice() {
    let app = crate::helpers::spawn_app_without_workers().await;
    let shop = shop(&app).await;
    let (external, order_id) = shop.order(&app, &[(0, 2, 0), (1, 1, 0)]).await;
    let po = purchase_order(&app, order_id).await;
    let lines: Vec<Value> = po["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!({ "line_id": l["order_line_id"], "quantity": l["quantity"] }))
        .collect();
    let response = ship(
        &app,
        &shop.alpha_token,
        po["id"].as_i64().unwrap(),
        json!({ "tracking_number": "VENDOR1", "carrier": "USPS", "lines": lines }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let shipment: Value = response.json().await.unwrap();

    // Before wharf pushes, a person ships one of line A's two units in the control panel.
    let bc = client(&app);
    let products = bc.all_order_products(external).await.unwrap();
    let address = bc.order_shipping_addresses(external).await.unwrap()[0].id;
    bc.create_shipment(
        external,
        &NewShipment {
            order_address_id: address,
            items: vec![NewShipmentItem {
                order_product_id: products[0].id,
                quantity: 1,
            }],
            tracking_number: "BYHAND".into(),
            shipping_provider: String::new(),
            tracking_carrier: String::new(),
            tracking_link: None,
            shipping_method: None,
            comments: None,
        },
    )
    .await
    .unwrap();

    run_jobs(&app).await;
    let shipment = app
        .api_get(&format!("/shipments/{}", shipment["id"]))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(shipment["state"], "pushed", "{shipment:#}");
    assert_eq!(shipment["lines"][0]["already_shipped"], 1, "{shipment:#}");
    let in_bigcommerce = app.sim.simulator.shipments(STORE_HASH, external);
    assert_eq!(in_bigcommerce.len(), 2);
    let ours = &in_bigcommerce[1];
    assert_eq!(ours.tracking_number, "VENDOR1");
    assert_eq!(
        ours.items.iter().map(|i| i.quantity).sum::<u32>(),
        2,
        "one unit of A (the other was shipped by hand) and B"
    );
    let order = bc.order(external, false).await.unwrap();
    assert_eq!((order.status_id, order.items_shipped), (2, 3));

    let seen = detail(&app, order_id).await;
    let timeline = seen["timeline"].to_string();
    assert!(
        timeline.contains("was already shipped in BigCommerce"),
        "{timeline}"
    );
    // The hand-made shipment is imported too, so wharf knows everything that shipped.
    let shipments = seen["shipments"].as_array().unwrap();
    assert_eq!(shipments.len(), 2, "{seen:#}");
    let imported = shipments
        .iter()
        .find(|s| s["source"] == "bigcommerce")
        .unwrap();
    assert_eq!(imported["tracking_number"], "BYHAND");
    assert_eq!(imported["state"], "imported");
    assert!(
        seen["purchase_orders"][0]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["quantity_shipped"] == l["quantity"]),
        "{seen:#}"
    );
}

#[tokio::test]
async fn a_worker_whose_push_job_was_taken_over_sends_nothing() {
    use wharf::db::jobs;
    let app = crate::helpers::spawn_app_without_workers().await;
    let shop = shop(&app).await;
    let (external, order_id) = shop.order(&app, &[(0, 1, 0)]).await;
    let po = purchase_order(&app, order_id).await;
    let line = &po["lines"][0];
    let body = json!({
        "tracking_number": "FENCED1",
        "carrier": "UPS",
        "lines": [{ "line_id": line["order_line_id"], "quantity": 1 }],
    });
    let response = ship(&app, &shop.alpha_token, po["id"].as_i64().unwrap(), body).await;
    assert_eq!(response.status(), 201);
    let shipment: Value = response.json().await.unwrap();

    // Worker A claims the push and is presumed dead (its lease runs out); B takes the job over.
    let db = &app.app.db;
    let lease = Duration::from_millis(1);
    let presumed_dead = jobs::claim(db, "A", 10, lease, 100).await.unwrap();
    let push_of_a = presumed_dead
        .into_iter()
        .find(|j| j.kind == wharf::app::jobs::ShipmentPush::KIND)
        .expect("the shipment's push is queued");
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert!(jobs::rescue_expired(db).await.unwrap() >= 1);
    let taken_over = jobs::claim(db, "B", 10, Duration::from_secs(60), 100)
        .await
        .unwrap();
    let push_of_b = taken_over
        .into_iter()
        .find(|j| j.id == push_of_a.id)
        .unwrap();

    // A wakes up and runs its copy: it must leave the create to B.
    let outcome = wharf::app::jobs::run_claimed(&app.app, push_of_a).await;
    assert!(
        matches!(&outcome, wharf::jobs::JobOutcome::Retry { error } if error.contains("taken over")),
        "{outcome:?}"
    );
    assert!(app.sim.simulator.shipments(STORE_HASH, external).is_empty());

    assert_eq!(
        wharf::app::jobs::run_claimed(&app.app, push_of_b).await,
        wharf::jobs::JobOutcome::Done
    );
    let in_bigcommerce = app.sim.simulator.shipments(STORE_HASH, external);
    assert_eq!(in_bigcommerce.len(), 1);
    assert_eq!(in_bigcommerce[0].tracking_number, "FENCED1");
    let shipment = wait_for_shipment(&app, shipment["id"].as_i64().unwrap(), &["pushed"]).await;
    assert_eq!(
        shipment["bigcommerce_shipment_ids"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_part_found_in_bigcommerce_meanwhile_stays_created_whatever_a_late_push_concludes() {
    use wharf::db::shipments::{
        created_parts, mark_created, mark_sending, set_already_shipped, settle_unsent_part,
    };
    use wharf::domain::shipment::PartState;
    let app = crate::helpers::spawn_app_without_workers().await;
    let shop = shop(&app).await;
    let (_, order_id) = shop.order(&app, &[(0, 1, 0)]).await;
    let po = purchase_order(&app, order_id).await;
    let line = &po["lines"][0];
    let body = json!({
        "tracking_number": "LATE1",
        "carrier": "UPS",
        "lines": [{ "line_id": line["order_line_id"], "quantity": 1 }],
    });
    let response = ship(&app, &shop.alpha_token, po["id"].as_i64().unwrap(), body).await;
    assert_eq!(response.status(), 201);
    let shipment: Value = response.json().await.unwrap();
    let part_id = count(
        &app,
        &format!(
            "SELECT id FROM shipment_parts WHERE shipment_id = {}",
            shipment["id"]
        ),
    )
    .await;

    let shipment_line_id = count(
        &app,
        &format!(
            "SELECT id FROM shipment_lines WHERE shipment_id = {}",
            shipment["id"]
        ),
    )
    .await;

    // A push sent the part; its answer was lost; the shipment import found and bound it.
    let mut conn = app.app.db.pool().acquire().await.unwrap();
    assert!(mark_sending(&mut conn, part_id).await.unwrap());
    assert!(
        set_already_shipped(&mut conn, part_id, shipment_line_id, 0)
            .await
            .unwrap(),
        "while the part is unsent, what BigCommerce shipped already is held back"
    );
    let before_binding = wharf::db::bindings::latest_id(&mut conn).await.unwrap();
    assert!(
        mark_created(&mut conn, shop.store_id, part_id, 777_001)
            .await
            .unwrap()
    );
    // An import that read BigCommerce's list before the binding cannot count the part's
    // absence from it as a deletion; one that read it after can.
    assert!(
        created_parts(&mut conn, order_id, before_binding)
            .await
            .unwrap()
            .is_empty()
    );
    let after_binding = wharf::db::bindings::latest_id(&mut conn).await.unwrap();
    let bound = created_parts(&mut conn, order_id, after_binding)
        .await
        .unwrap();
    assert_eq!(
        bound,
        vec![(part_id, shipment["id"].as_i64().unwrap(), 777_001)]
    );
    // The push, still working from what it read before, concludes the part needs nothing
    // more (what it ships is shipped already), or tries to send it again: neither may undo it.
    // BigCommerce's shipped count now includes the part itself, so none of it is held back
    // either (held back, its unit would count as never shipped and be shipped again).
    assert!(
        !set_already_shipped(&mut conn, part_id, shipment_line_id, 1)
            .await
            .unwrap()
    );
    for late in [PartState::Skipped, PartState::Failed, PartState::Pending] {
        assert!(
            !settle_unsent_part(&mut conn, part_id, late, None)
                .await
                .unwrap()
        );
    }
    assert!(!mark_sending(&mut conn, part_id).await.unwrap());
    drop(conn);
    let state = count(
        &app,
        &format!("SELECT COUNT(*) FROM shipment_parts WHERE id = {part_id} AND state = 'created'"),
    )
    .await;
    assert_eq!(state, 1, "the part stays created");
    let held_back = count(
        &app,
        &format!("SELECT already_shipped FROM shipment_lines WHERE id = {shipment_line_id}"),
    )
    .await;
    assert_eq!(held_back, 0, "nothing of a created part is held back");
}

#[tokio::test]
async fn a_bigcommerce_refusal_is_shown_with_its_message_and_retry_pushes_it() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (external, order_id) = shop.order(&app, &[(0, 1, 0)]).await;
    let po = purchase_order(&app, order_id).await;
    app.sim.simulator.set_faults(Faults {
        refuse_write_rate: 1.0,
        ..Faults::default()
    });
    let response = ship(
        &app,
        &shop.alpha_token,
        po["id"].as_i64().unwrap(),
        json!({ "tracking_number": "R1", "carrier": "Royal Mail", "lines": [{ "line_id": po["lines"][0]["order_line_id"], "quantity": 1 }] }),
    )
    .await;
    let shipment: Value = response.json().await.unwrap();
    let id = shipment["id"].as_i64().unwrap();
    let failed = wait_for_shipment(&app, id, &["failed"]).await;
    let error = failed["error"].as_str().unwrap();
    assert!(
        error.contains("The field 'quantity' is invalid"),
        "{failed:#}"
    );
    // Not only the title: the request and every field BigCommerce named.
    assert!(
        error.contains(&format!("POST v2/orders/{external}/shipments (400)")),
        "{error}"
    );
    assert!(
        error.contains("quantity: must not be more than the quantity not yet shipped"),
        "{error}"
    );
    assert!(app.sim.simulator.shipments(STORE_HASH, external).is_empty());

    // The order page shows it, with a Retry button.
    let cookie = app.session_cookie().await;
    let page = app
        .get_page(
            &format!("/stores/{}/orders/{external}", shop.store_id),
            &cookie,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("The field &#39;quantity&#39; is invalid")
            || page.contains("The field 'quantity' is invalid"),
        "{page}"
    );
    assert!(
        page.contains("quantity: must not be more than the quantity not yet shipped"),
        "the order page shows the field detail too"
    );
    assert!(page.contains(&format!("/shipments/{id}/retry")), "{page}");

    app.sim.simulator.set_faults(Faults::default());
    let response = app
        .api_post(&format!("/shipments/{id}/retry"), &json!({}))
        .await;
    assert_eq!(response.status(), 200);
    wait_for_shipment(&app, id, &["pushed"]).await;
    let in_bigcommerce = app.sim.simulator.shipments(STORE_HASH, external);
    assert_eq!(in_bigcommerce.len(), 1);
    assert_eq!(in_bigcommerce[0].shipping_provider, "royalmail");
    // Retrying a pushed shipment is refused.
    let response = app
        .api_post(&format!("/shipments/{id}/retry"), &json!({}))
        .await;
    assert_eq!(response.status(), 409);
}

/// 100 shipments whose POST is applied but whose response is lost: each is found on the next
/// attempt and bound, never sent twice.
#[tokio::test]
async fn dropped_responses_never_duplicate_a_shipment_over_100_trials() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let mut orders = Vec::new();
    for i in 0..100 {
        orders.push(app.sim.simulator.place_order(
            STORE_HASH,
            ShopperOrder::new(vec![ShopperLine::catalog(
                shop.variants[i % 10].0,
                Some(shop.variants[i % 10].1),
                1,
            )]),
        ));
    }
    app.app.poll_orders(shop.store_id).await.unwrap();
    app.sim.simulator.set_faults(Faults {
        drop_response_after_write_rate: 1.0,
        ..Faults::default()
    });
    let mut shipments = Vec::new();
    for (i, external) in orders.iter().enumerate() {
        let po = purchase_order(&app, wharf_order_id(&app, *external).await).await;
        let response = ship(
            &app,
            &shop.alpha_token,
            po["id"].as_i64().unwrap(),
            json!({ "tracking_number": format!("DROP{i}"), "carrier": "UPS", "lines": [{ "line_id": po["lines"][0]["order_line_id"], "quantity": 1 }] }),
        )
        .await;
        assert_eq!(response.status(), 201);
        shipments.push(
            response.json::<Value>().await.unwrap()["id"]
                .as_i64()
                .unwrap(),
        );
    }
    for id in &shipments {
        wait_for_shipment_long(&app, *id).await;
    }
    let stats = app.sim.simulator.request_stats();
    assert_eq!(
        stats.count("POST /v2/orders/{id}/shipments"),
        100,
        "each shipment sent exactly once"
    );
    assert_eq!(
        stats.by_status.get(&504).copied().unwrap_or(0),
        100,
        "every response was lost"
    );
    for external in orders {
        assert_eq!(
            app.sim.simulator.shipments(STORE_HASH, external).len(),
            1,
            "order {external}"
        );
    }
}

/// Waits (up to two minutes: retries back off) for a shipment to be pushed.
async fn wait_for_shipment_long(app: &TestApp, id: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let shipment: Value = app
            .api_get(&format!("/shipments/{id}"))
            .await
            .json()
            .await
            .unwrap();
        if shipment["state"] == "pushed" {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{shipment:#}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn shipments_made_in_bigcommerce_are_imported_from_webhooks_and_from_the_poll() {
    let app = spawn_app_with_webhooks().await;
    let shop = shop(&app).await;
    let (external, order_id) = shop.order(&app, &[(0, 1, 0), (1, 1, 0)]).await;
    let bc = client(&app);
    let products = bc.all_order_products(external).await.unwrap();
    let address = bc.order_shipping_addresses(external).await.unwrap()[0].id;
    let by_hand = |product: usize, tracking: &str| NewShipment {
        order_address_id: address,
        items: vec![NewShipmentItem {
            order_product_id: products[product].id,
            quantity: 1,
        }],
        tracking_number: tracking.into(),
        shipping_provider: "fedex".into(),
        tracking_carrier: String::new(),
        tracking_link: None,
        shipping_method: None,
        comments: None,
    };
    // Webhook: store/shipment/created names the order.
    bc.create_shipment(external, &by_hand(0, "HAND-1"))
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let shipments = detail(&app, order_id).await["shipments"].clone();
        if shipments.as_array().unwrap().len() == 1 {
            assert_eq!(shipments[0]["tracking_number"], "HAND-1");
            assert_eq!(shipments[0]["source"], "bigcommerce");
            assert_eq!(shipments[0]["carrier"], "fedex");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never imported via webhook"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Poll: with webhooks lost, the order's items_shipped tells wharf to look.
    app.sim
        .simulator
        .set_webhook_faults(bigcommerce_sim::WebhookFaults {
            drop_rate: 1.0,
            ..Default::default()
        });
    bc.create_shipment(external, &by_hand(1, "HAND-2"))
        .await
        .unwrap();
    app.app.poll_orders(shop.store_id).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        // The page's parts are read one after another: wait for both to show the import.
        let seen = detail(&app, order_id).await;
        let lines_shipped = seen["purchase_orders"][0]["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["quantity_shipped"] == 1);
        if seen["shipments"].as_array().unwrap().len() == 2 && lines_shipped {
            assert_eq!(seen["shipments"][1]["tracking_number"], "HAND-2");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never imported via poll"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Deleted in BigCommerce: store/shipment/deleted gives the units back in wharf too.
    app.sim
        .simulator
        .set_webhook_faults(bigcommerce_sim::WebhookFaults::default());
    let first = app.sim.simulator.shipments(STORE_HASH, external)[0].id;
    bc.delete(&format!("v2/orders/{external}/shipments/{first}"))
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let seen = detail(&app, order_id).await;
        if seen["purchase_orders"][0]["lines"][0]["quantity_shipped"] == 0 {
            assert!(
                seen["timeline"]
                    .to_string()
                    .contains("was deleted in BigCommerce"),
                "{seen:#}"
            );
            assert_eq!(
                seen["purchase_orders"][0]["lines"][1]["quantity_shipped"],
                1
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the deletion never reached wharf: {seen:#}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_tracking_csv_records_valid_rows_and_reports_bad_ones_by_line() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (first, _) = shop.order(&app, &[(0, 2, 0), (1, 1, 0)]).await;
    let (second, _) = shop.order(&app, &[(2, 1, 0)]).await;
    let (sku_a, sku_b, sku_c) = (
        &shop.variants[0].2,
        &shop.variants[1].2,
        &shop.variants[2].2,
    );
    let csv = format!(
        "order,sku,quantity,tracking_number,carrier\n\
         {first},{sku_a},2,CSV-1,UPS\n\
         {first},{sku_b},1,CSV-1,UPS\n\
         {second},{sku_c},5,CSV-2,FedEx\n\
         999999,{sku_a},1,CSV-3,UPS\n\
         {second},NOT-A-SKU,1,CSV-2,FedEx\n\
         {second},{sku_c},abc,CSV-4,FedEx\n"
    );
    let response = app
        .http
        .post(format!(
            "{}/api/v1/stores/{}/shipments/csv",
            app.address, shop.store_id
        ))
        .basic_auth(
            crate::helpers::ADMIN_USER,
            Some(crate::helpers::ADMIN_PASSWORD),
        )
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["shipments_recorded"], 1, "{report:#}");
    assert_eq!(report["lines_recorded"], 2);
    let errors: Vec<(u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let lines: Vec<u64> = errors.iter().map(|e| e.0).collect();
    assert_eq!(lines, [4, 5, 6, 7], "{errors:?}");
    assert!(
        errors[0].1.contains("more than the 1 still unshipped"),
        "{errors:?}"
    );
    assert!(errors[1].1.contains("no order 999999"), "{errors:?}");
    assert!(errors[2].1.contains("NOT-A-SKU"), "{errors:?}");
    assert!(errors[3].1.starts_with("quantity"), "{errors:?}");

    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while app.sim.simulator.shipments(STORE_HASH, first).is_empty() {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let shipped = app.sim.simulator.shipments(STORE_HASH, first);
    assert_eq!(
        shipped.len(),
        1,
        "one shipment for the rows sharing a tracking number"
    );
    assert_eq!(shipped[0].items.iter().map(|i| i.quantity).sum::<u32>(), 3);

    // A vendor uploads for its own purchase orders only, and learns nothing of the others:
    // another vendor's order reads exactly like one that does not exist.
    let response = vendor_post(
        &app,
        &shop.beta_token,
        &format!("/shipments/csv?store_id={}", shop.store_id),
    )
    .header("content-type", "text/csv")
    .body(format!(
        "order,sku,quantity,tracking_number,carrier\n{second},{sku_c},1,CSV-9,UPS\n999999,{sku_c},1,CSV-9,UPS\n"
    ))
    .send()
    .await
    .unwrap();
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["shipments_recorded"], 0);
    let message = |n: usize| report["errors"][n]["message"].as_str().unwrap().to_owned();
    assert_eq!(
        message(0).replace(&second.to_string(), "N"),
        message(1).replace("999999", "N"),
        "{report}"
    );
    let response = vendor_post(
        &app,
        &shop.alpha_token,
        &format!("/shipments/csv?store_id={}", shop.store_id),
    )
    .header("content-type", "text/csv")
    .body(format!(
        "order,sku,quantity,tracking_number,carrier\n{second},{sku_c},1,CSV-9,UPS\n"
    ))
    .send()
    .await
    .unwrap();
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["shipments_recorded"], 1, "{report}");
}

/// Workers killed (SIGKILL) while their shipment POSTs are applied but unanswered: the next
/// process looks before sending, and no shipment is ever created twice. At least 100 such
/// kills mid-request.
#[tokio::test]
async fn killed_workers_never_duplicate_a_shipment_over_100_trials() {
    let app = crate::helpers::spawn_app_without_workers().await;
    let shop = shop(&app).await;
    let mut orders = Vec::new();
    for i in 0..130 {
        orders.push(app.sim.simulator.place_order(
            STORE_HASH,
            ShopperOrder::new(vec![ShopperLine::catalog(
                shop.variants[i % 10].0,
                Some(shop.variants[i % 10].1),
                1,
            )]),
        ));
    }
    app.app.poll_orders(shop.store_id).await.unwrap();
    for (i, external) in orders.iter().enumerate() {
        let po = purchase_order(&app, wharf_order_id(&app, *external).await).await;
        let response = ship(
            &app,
            &shop.alpha_token,
            po["id"].as_i64().unwrap(),
            json!({ "tracking_number": format!("KILL{i}"), "carrier": "UPS", "lines": [{ "line_id": po["lines"][0]["order_line_id"], "quantity": 1 }] }),
        )
        .await;
        assert_eq!(response.status(), 201);
    }
    // Every POST is applied at once and answered only 10 s later: plenty of time to kill.
    app.sim.simulator.set_faults(Faults {
        hold_response_after_write: Duration::from_secs(10),
        ..Faults::default()
    });
    let env = [
        ("WHARF_JOB_CONCURRENCY", "20"),
        ("WHARF_ORDER_POLL_SECS", "3600"),
    ];
    // BigCommerce shipments seen right after a kill with no part bound to them: their POST was
    // applied and the process died before storing the answer.
    let mut killed_mid_request = std::collections::HashSet::new();
    let mut kills = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
    while killed_mid_request.len() < 100 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} kills mid-request",
            killed_mid_request.len()
        );
        let created_before = created_in_bigcommerce(&app, &orders).len();
        if created_before == orders.len() {
            break;
        }
        let mut worker = crate::helpers::spawn_wharf_process(&app, &env);
        // Wait until this process has shipments applied in BigCommerce and still unanswered.
        let wait_until = tokio::time::Instant::now() + Duration::from_secs(8);
        while created_in_bigcommerce(&app, &orders).len() < created_before + 10
            && tokio::time::Instant::now() < wait_until
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        worker.kill().expect("SIGKILL");
        worker.wait().unwrap();
        kills += 1;
        let bound = bound_shipment_ids(&app).await;
        killed_mid_request.extend(
            created_in_bigcommerce(&app, &orders)
                .into_iter()
                .filter(|id| !bound.contains(id)),
        );
    }
    let killed_mid_request = killed_mid_request.len();
    // Let a last process finish without interference.
    app.sim.simulator.set_faults(Faults::default());
    let mut last = crate::helpers::spawn_wharf_process(&app, &env);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while count(
        &app,
        "SELECT COUNT(*) FROM shipments WHERE state = 'pushed'",
    )
    .await
        < orders.len() as i64
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not all shipments pushed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    last.kill().unwrap();
    last.wait().unwrap();
    assert!(
        killed_mid_request >= 100,
        "{killed_mid_request} kills mid-request in {kills} kills"
    );
    for external in &orders {
        assert_eq!(
            app.sim.simulator.shipments(STORE_HASH, *external).len(),
            1,
            "order {external} has exactly one shipment"
        );
    }
    eprintln!(
        "{kills} processes killed, {killed_mid_request} shipments killed mid-request, no duplicate"
    );
}

/// Ids of the BigCommerce shipments of these orders.
fn created_in_bigcommerce(app: &TestApp, orders: &[u64]) -> Vec<u64> {
    orders
        .iter()
        .flat_map(|o| app.sim.simulator.shipments(STORE_HASH, *o))
        .map(|s| s.id)
        .collect()
}

async fn bound_shipment_ids(app: &TestApp) -> std::collections::HashSet<u64> {
    use sqlx::Row;
    sqlx::query("SELECT external_id FROM bindings WHERE kind = 'shipment'")
        .fetch_all(app.app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<i64, _>("external_id") as u64)
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(app.app.db.pool())
        .await
        .unwrap()
        .get::<i64, _>(0)
}

#[tokio::test]
async fn wharf_shipments_import_records_a_tracking_file_and_reports_bad_lines() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (external, order_id) = shop.order(&app, &[(0, 1, 0)]).await;
    let file = app.dir.path().join("tracking.csv");
    std::fs::write(
        &file,
        format!(
            "Order Number,SKU,Qty,Tracking,Carrier\n{external},{},1,CLI-1,usps\n{external},{},1,,usps\n",
            shop.variants[0].2, shop.variants[0].2
        ),
    )
    .unwrap();
    let output = crate::cli::wharf(
        &app,
        &[
            "shipments",
            "import",
            &shop.store_id.to_string(),
            file.to_str().unwrap(),
            "--vendor",
            "Alpha Supply",
        ],
    )
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stdout.contains("1 shipment(s) recorded from 1 row(s), 1 row(s) rejected"),
        "{stdout}"
    );
    assert!(stderr.contains("line 3: tracking_number"), "{stderr}");
    let recorded = detail(&app, order_id).await["shipments"].clone();
    assert_eq!(recorded[0]["tracking_number"], "CLI-1");
    assert_eq!(recorded[0]["source"], "csv");
}
