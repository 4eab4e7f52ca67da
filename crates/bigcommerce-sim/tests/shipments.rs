//! Order shipments as wharf's "Shipments out" uses them: partial then full shipments
//! moving the order to Partially Shipped then Shipped, BigCommerce's validation, 204s
//! and counts, PUT/DELETE, webhooks, and the applied-but-response-lost and
//! applied-but-response-held faults.

#[path = "helpers/mod.rs"]
mod helpers;

use std::time::Duration;

use bigcommerce_sim::{Faults, LineKind, Money, ShopperAddress, ShopperLine, ShopperOrder};
use helpers::{FULL, HASH, TestSim, json, spawn_sim};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Two lines (quantities 2 and 1) to one address plus a digital line; returns
/// (order id, address id, [line ids]).
async fn order(app: &TestSim) -> (u64, u64, Vec<u64>) {
    let id = app.sim().place_order(
        HASH,
        ShopperOrder::new(vec![
            ShopperLine::custom("Mug", "MUG", Money::from_cents(900), 2),
            ShopperLine::custom("Cap", "CAP", Money::from_cents(1500), 1),
            ShopperLine::custom("Manual", "PDF", Money::from_cents(100), 1).kind(LineKind::Digital),
        ]),
    );
    let lines = json(app.get(&format!("/v2/orders/{id}/products")).await).await;
    let addresses = json(
        app.get(&format!("/v2/orders/{id}/shipping_addresses"))
            .await,
    )
    .await;
    let line_ids = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_u64().unwrap())
        .collect();
    (id, addresses[0]["id"].as_u64().unwrap(), line_ids)
}

async fn post(app: &TestSim, order_id: u64, body: &Value) -> reqwest::Response {
    let url = app.url(&format!("/v2/orders/{order_id}/shipments"));
    app.call(Method::POST, &url, Some(FULL), Some(body)).await
}

async fn v2_error(r: reqwest::Response, status: u16) -> String {
    assert_eq!(r.status().as_u16(), status);
    let body = json(r).await;
    let errors = body.as_array().expect("v2 errors are arrays");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["status"], status);
    errors[0]["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn partial_then_full_shipments_move_the_order_to_3_then_2() {
    let app = helpers::spawn_sim_with(bigcommerce_sim::SimConfig {
        allow_insecure_webhook_destinations: true,
        ..bigcommerce_sim::SimConfig::default()
    })
    .await;
    // Nobody listens on port 9: deliveries fail, but they are recorded.
    for scope in ["store/shipment/*", "store/order/*"] {
        let hook = json!({"scope": scope, "destination": "http://127.0.0.1:9/hooks"});
        let r = app
            .call(Method::POST, &app.url("/v3/hooks"), Some(FULL), Some(&hook))
            .await;
        assert_eq!(r.status(), 200);
    }
    let (id, address, lines) = order(&app).await;
    let before = json(app.get(&format!("/v2/orders/{id}")).await).await;

    let r = post(
        &app,
        id,
        &json!({
            "order_address_id": address,
            "tracking_number": "1Z999AA10123456784",
            "shipping_provider": "ups",
            "shipping_method": "Ground",
            "comments": "first box",
            "items": [{"order_product_id": lines[0], "quantity": 1}],
        }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let first = json(r).await;
    assert_eq!(first["order_id"], id);
    assert_eq!(first["order_address_id"], address);
    assert_eq!(
        first["items"],
        json!([{"order_product_id": lines[0], "product_id": 0, "quantity": 1}])
    );
    assert_eq!(first["shipping_provider_display_name"], "UPS");
    assert!(first["date_created"].as_str().unwrap().ends_with("+0000"));

    let o = json(app.get(&format!("/v2/orders/{id}")).await).await;
    assert_eq!(o["status_id"], 3);
    assert_eq!(o["status"], "Partially Shipped");
    assert_eq!(o["items_shipped"], 1);
    assert_eq!(o["date_shipped"], "");
    assert_ne!(o["date_modified"], before["date_modified"]);
    let products = json(app.get(&format!("/v2/orders/{id}/products")).await).await;
    assert_eq!(products[0]["quantity_shipped"], 1);
    let c = json(app.get(&format!("/v2/orders/{id}/consignments")).await).await;
    assert_eq!(c["shipping"][0]["items_shipped"], 1);

    // Over-shipping the rest of line 0 is refused and changes nothing.
    let r = post(
        &app,
        id,
        &json!({"order_address_id": address, "items": [{"order_product_id": lines[0], "quantity": 2}]}),
    )
    .await;
    assert_eq!(v2_error(r, 400).await, "The field 'quantity' is invalid.");
    // Listing a line twice cannot sneak past the check either.
    let twice = json!({"order_address_id": address, "items": [
        {"order_product_id": lines[0], "quantity": 1}, {"order_product_id": lines[0], "quantity": 1}]});
    assert_eq!(
        v2_error(post(&app, id, &twice).await, 400).await,
        "The field 'quantity' is invalid."
    );
    assert_eq!(app.sim().shipments(HASH, id).len(), 1);

    let r = post(
        &app,
        id,
        &json!({"order_address_id": address, "items": [
            {"order_product_id": lines[0], "quantity": 1},
            {"order_product_id": lines[1], "quantity": 1}]}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let o = json(app.get(&format!("/v2/orders/{id}")).await).await;
    assert_eq!(o["status_id"], 2, "the digital line does not hold it back");
    assert_eq!(o["items_shipped"], 3);
    assert!(o["date_shipped"].as_str().unwrap().ends_with("+0000"));

    let listed = json(app.get(&format!("/v2/orders/{id}/shipments")).await).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0], first);
    let count = json(app.get(&format!("/v2/orders/{id}/shipments/count")).await).await;
    assert_eq!(count, json!({"count": 2}));
    let shipments = app.sim().shipments(HASH, id);
    assert_eq!(shipments[0].tracking_number, "1Z999AA10123456784");
    assert_eq!(shipments[1].items.len(), 2);

    // Webhooks: a shipment/created per shipment, and the order's status changes 11→3→2.
    let start = std::time::Instant::now();
    loop {
        let deliveries = app.sim().deliveries(HASH);
        let created: Vec<&Value> = deliveries
            .iter()
            .filter(|d| d.scope == "store/shipment/created")
            .map(|d| &d.payload["data"])
            .collect();
        let status: Vec<&Value> = deliveries
            .iter()
            .filter(|d| d.scope == "store/order/statusUpdated")
            .map(|d| &d.payload["data"]["status"])
            .collect();
        if created.len() >= 2 && status.len() >= 3 {
            assert_eq!(
                *created[0],
                json!({"type": "shipment", "id": shipments[0].id, "orderId": id})
            );
            assert_eq!(status[1]["new_status_id"], 3);
            assert_eq!(status[2]["previous_status_id"], 3);
            assert_eq!(status[2]["new_status_id"], 2);
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{deliveries:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn wrong_addresses_lines_and_bodies_are_refused() {
    let app = spawn_sim().await;
    let mut two = ShopperOrder::new(vec![
        ShopperLine::custom("A", "A", Money::from_cents(100), 1),
        ShopperLine::custom("B", "B", Money::from_cents(100), 1).to(1),
        ShopperLine::custom("E", "E", Money::from_cents(100), 1).kind(LineKind::Digital),
    ]);
    two.addresses = vec![ShopperAddress::sample(1), ShopperAddress::sample(2)];
    let id = app.sim().place_order(HASH, two);
    let lines = json(app.get(&format!("/v2/orders/{id}/products")).await).await;
    let line = |i: usize| lines[i]["id"].as_u64().unwrap();
    let (a0, a1) = (
        lines[0]["order_address_id"].as_u64().unwrap(),
        lines[1]["order_address_id"].as_u64().unwrap(),
    );
    let item = |l: u64| json!([{"order_product_id": l, "quantity": 1}]);
    for (body, message) in [
        (
            json!({"order_address_id": a1, "items": item(line(0))}),
            "The field 'order_product_id' is invalid.",
        ),
        (
            json!({"order_address_id": a0, "items": item(line(2))}),
            "The field 'order_product_id' is invalid.",
        ),
        (
            json!({"order_address_id": a0, "items": item(999_999)}),
            "The field 'order_product_id' is invalid.",
        ),
        (
            json!({"order_address_id": 999_999, "items": item(line(0))}),
            "The field 'order_address_id' is invalid.",
        ),
        (
            json!({"items": item(line(0))}),
            "The required field 'order_address_id' was not supplied.",
        ),
        (
            json!({"order_address_id": a0}),
            "The required field 'items' was not supplied.",
        ),
        (
            json!({"order_address_id": a0, "items": []}),
            "The field 'items' is invalid.",
        ),
        (
            json!({"order_address_id": a0, "items": [{"order_product_id": line(0), "quantity": -1}]}),
            "The field 'quantity' is invalid.",
        ),
        (
            json!({"order_address_id": a0, "items": item(line(0)), "tracking_number": "X".repeat(51)}),
            "The field 'tracking_number' is invalid.",
        ),
    ] {
        assert_eq!(
            v2_error(post(&app, id, &body).await, 400).await,
            message,
            "{body}"
        );
    }
    let o = json(app.get(&format!("/v2/orders/{id}")).await).await;
    assert_eq!(o["status_id"], 11);
    assert_eq!(o["items_shipped"], 0);
    assert!(app.sim().shipments(HASH, id).is_empty());

    // The right address for each line works, and each address may get its own shipment.
    let r = post(
        &app,
        id,
        &json!({"order_address_id": a1, "items": item(line(1)), "tracking_number": "X".repeat(50)}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let o = json(app.get(&format!("/v2/orders/{id}")).await).await;
    assert_eq!(o["status_id"], 3);
    // 404 before validation.
    let r = post(&app, 999, &json!({})).await;
    assert_eq!(
        v2_error(r, 404).await,
        "The requested resource was not found."
    );
}

#[tokio::test]
async fn no_shipments_is_204_and_unknown_ones_are_404() {
    let app = spawn_sim().await;
    let (id, _, _) = order(&app).await;
    let r = app.get(&format!("/v2/orders/{id}/shipments")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(r.bytes().await.unwrap().is_empty());
    let count = json(app.get(&format!("/v2/orders/{id}/shipments/count")).await).await;
    assert_eq!(count, json!({"count": 0}));
    for path in [
        format!("/v2/orders/{id}/shipments/1"),
        format!("/v2/orders/{id}/shipments/x"),
        "/v2/orders/999/shipments".to_owned(),
        "/v2/orders/999/shipments/count".to_owned(),
    ] {
        assert_eq!(
            app.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let r = app
        .call(
            Method::DELETE,
            &app.url(&format!("/v2/orders/{id}/shipments/1")),
            Some(FULL),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Writes need the modify scope; reads pass with read-only.
    let ro = app.token("ro", &["store_v2_orders_read_only"]);
    let r = app
        .call(
            Method::POST,
            &app.url(&format!("/v2/orders/{id}/shipments")),
            Some(&ro),
            Some(&json!({})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.get_as(&format!("/v2/orders/{id}/shipments"), &ro).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn put_changes_tracking_and_delete_gives_quantities_back_but_keeps_shipped() {
    let app = spawn_sim().await;
    let (id, address, lines) = order(&app).await;
    let all = json!({"order_address_id": address, "items": [
        {"order_product_id": lines[0], "quantity": 2},
        {"order_product_id": lines[1], "quantity": 1}]});
    let created = json(post(&app, id, &all).await).await;
    let sid = created["id"].as_u64().unwrap();
    let path = format!("/v2/orders/{id}/shipments/{sid}");

    let r = app
        .put(
            &path,
            &json!({"tracking_number": "TRK-2", "tracking_carrier": "dhl"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let updated = json(r).await;
    assert_eq!(updated["tracking_number"], "TRK-2");
    assert_eq!(
        updated["generated_tracking_link"],
        "https://track.aftership.com/dhl/TRK-2"
    );
    assert_eq!(updated["items"], created["items"]);
    assert_eq!(json(app.get(&path).await).await, updated);
    let r = app.put(&path, &json!({"items": []})).await;
    assert!(v2_error(r, 400).await.contains("'items' cannot be written"));
    let r = app.put(&path, &json!({"order_address_id": 999})).await;
    assert_eq!(
        v2_error(r, 400).await,
        "The field 'order_address_id' is invalid."
    );
    let r = app
        .put(&format!("/v2/orders/{id}/shipments/999"), &json!({}))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let o = json(app.get(&format!("/v2/orders/{id}")).await).await;
    assert_eq!(o["status_id"], 2);
    let r = app
        .call(Method::DELETE, &app.url(&path), Some(FULL), None)
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path).await.status(), StatusCode::NOT_FOUND);
    let after = json(app.get(&format!("/v2/orders/{id}")).await).await;
    assert_eq!(after["status_id"], 2, "deleting does not revert Shipped");
    assert_eq!(after["date_shipped"], o["date_shipped"]);
    assert_eq!(after["items_shipped"], 0);
    // The items can be shipped again; the status follows the new shipment.
    let r = post(
        &app,
        id,
        &json!({"order_address_id": address, "items": [{"order_product_id": lines[1], "quantity": 1}]}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        json(app.get(&format!("/v2/orders/{id}")).await).await["status_id"],
        3
    );
    let r = app
        .call(
            Method::DELETE,
            &app.url(&format!("/v2/orders/{id}/shipments")),
            Some(FULL),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(app.sim().shipments(HASH, id).is_empty());
    assert_eq!(
        json(app.get(&format!("/v2/orders/{id}")).await).await["items_shipped"],
        0
    );
}

#[tokio::test]
async fn a_dropped_response_still_applies_the_shipment() {
    let app = spawn_sim().await;
    let (id, address, lines) = order(&app).await;
    app.sim().set_faults(Faults {
        drop_response_after_write_rate: 1.0,
        ..Faults::default()
    });
    let body = json!({"order_address_id": address, "items": [{"order_product_id": lines[0], "quantity": 1}]});
    let r = post(&app, id, &body).await;
    let message = v2_error(r, 504).await;
    assert!(message.contains("applied"), "{message}");
    // Reads and refused writes are not affected.
    assert_eq!(
        app.get(&format!("/v2/orders/{id}")).await.status(),
        StatusCode::OK
    );
    let over = json!({"order_address_id": address, "items": [{"order_product_id": lines[0], "quantity": 5}]});
    assert_eq!(
        post(&app, id, &over).await.status(),
        StatusCode::BAD_REQUEST
    );
    app.sim().set_faults(Faults::default());
    // It happened: a client that re-reads before retrying sees it.
    let shipments = app.sim().shipments(HASH, id);
    assert_eq!(shipments.len(), 1);
    assert_eq!(shipments[0].items[0].quantity, 1);
    let listed = json(app.get(&format!("/v2/orders/{id}/shipments")).await).await;
    assert_eq!(listed[0]["id"], shipments[0].id);
    let o = json(app.get(&format!("/v2/orders/{id}")).await).await;
    assert_eq!(o["status_id"], 3);
    assert_eq!(o["items_shipped"], 1);

    // Over HTTP, and deterministic: the same rate and requests drop the same responses.
    let mut runs = Vec::new();
    for _ in 0..2 {
        let r = app
            .control(
                Method::PUT,
                "/__sim/faults",
                Some(&json!({"drop_response_after_write_rate": 0.5})),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(json(r).await["drop_response_after_write_rate"], 0.5);
        let (id, address, lines) = order(&app).await;
        let mut statuses = Vec::new();
        for _ in 0..2 {
            let one = json!({"order_address_id": address, "items": [{"order_product_id": lines[0], "quantity": 1}]});
            statuses.push(post(&app, id, &one).await.status().as_u16());
        }
        assert_eq!(app.sim().shipments(HASH, id).len(), 2, "{statuses:?}");
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    let r = app
        .control(
            Method::PUT,
            "/__sim/faults",
            Some(&json!({"drop_response_after_write_rate": 1.5})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_held_response_is_applied_before_it_is_sent() {
    let app = spawn_sim().await;
    let (id, address, lines) = order(&app).await;
    let hold = Duration::from_secs(2);
    app.sim().set_faults(Faults {
        hold_response_after_write: hold,
        ..Faults::default()
    });
    let body = json!({"order_address_id": address, "items": [{"order_product_id": lines[0], "quantity": 1}]});
    // Spawned so the test can look at the simulator while the POST waits for its answer.
    let request = app
        .client
        .post(app.url(&format!("/v2/orders/{id}/shipments")))
        .header("Accept", "application/json")
        .header("X-Auth-Token", FULL)
        .json(&body);
    let started = std::time::Instant::now();
    let mut pending = tokio::spawn(async move { request.send().await.expect("answers") });

    let mut waited = Duration::ZERO;
    while app.sim().shipments(HASH, id).is_empty() {
        assert!(
            waited < hold,
            "the shipment was not applied while the response was held"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    // Applied, and visible to other requests, yet the POST has no answer: the window in
    // which a client that dies loses the response of a write that happened.
    assert!(!pending.is_finished());
    assert!(
        tokio::time::timeout(Duration::from_millis(100), &mut pending)
            .await
            .is_err(),
        "the response was not held"
    );
    let listed = json(app.get(&format!("/v2/orders/{id}/shipments")).await).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(
        app.sim().request_stats().held_now,
        1,
        "the stats show it held"
    );

    let r = pending.await.expect("POST task");
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(app.sim().request_stats().held_now, 0);
    assert!(started.elapsed() >= hold, "{:?}", started.elapsed());
    assert_eq!(json(r).await["id"], app.sim().shipments(HASH, id)[0].id);

    // Refused POSTs and reads are not held; it is settable over HTTP too.
    let over = json!({"order_address_id": address, "items": [{"order_product_id": lines[0], "quantity": 5}]});
    let started = std::time::Instant::now();
    assert_eq!(
        post(&app, id, &over).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert!(started.elapsed() < hold);
    let r = app
        .control(
            Method::PUT,
            "/__sim/faults",
            Some(&json!({"hold_response_after_write_ms": 0})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await["hold_response_after_write_ms"], 0);
    let started = std::time::Instant::now();
    let one = json!({"order_address_id": address, "items": [{"order_product_id": lines[1], "quantity": 1}]});
    assert_eq!(post(&app, id, &one).await.status(), StatusCode::CREATED);
    assert!(started.elapsed() < hold);
}
