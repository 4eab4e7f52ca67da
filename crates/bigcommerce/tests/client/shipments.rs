//! Shipments: an order's shipments read and counted, and a new one created, sent once.

use bigcommerce::{BcError, NewShipment, ShipmentItem};
use jiff::Timestamp;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::fixtures::{new_shipment, shipment_json};
use crate::helpers::spawn_api;

#[tokio::test]
async fn order_shipments_decode_and_count() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/120/shipments")))
        .and(query_param("page", "1"))
        .and(query_param("limit", "250"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([shipment_json(3)])))
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/120/shipments/count")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"count": 1})))
        .expect(1)
        .mount(&api.server)
        .await;

    let shipments = api.store.order_shipments(120).await.expect("shipments");
    let count = api.store.order_shipment_count(120).await.expect("count");

    assert_eq!(shipments.len(), 1);
    let s = &shipments[0];
    assert_eq!((s.id, s.order_id, s.order_address_id), (3, 120, 7));
    assert_eq!(s.tracking_number, "1Z999AA10123456784");
    assert_eq!(
        (
            s.shipping_method.as_str(),
            s.shipping_provider.as_str(),
            s.tracking_carrier.as_str()
        ),
        ("Ground", "ups", "")
    );
    assert_eq!(s.tracking_link, "");
    assert!(
        s.generated_tracking_link
            .ends_with("trackNums=1Z999AA10123456784")
    );
    assert_eq!(s.comments, "first box");
    assert_eq!(
        s.date_created,
        Some("2019-03-13T16:35:37Z".parse::<Timestamp>().unwrap())
    );
    assert_eq!(
        s.items,
        vec![
            ShipmentItem {
                order_product_id: 41,
                product_id: 0,
                quantity: 1
            },
            ShipmentItem {
                order_product_id: 42,
                product_id: 77,
                quantity: 2
            },
        ]
    );
    assert_eq!(count, 1);
}

#[tokio::test]
async fn no_shipments_is_204_and_an_empty_list() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/120/shipments")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&api.server)
        .await;

    let shipments = api.store.order_shipments(120).await.expect("no shipments");

    assert!(shipments.is_empty());
}

#[tokio::test]
async fn create_shipment_sends_empty_provider_and_carrier_and_omits_unset_fields() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders/120/shipments")))
        .and(body_json(json!({
            "order_address_id": 7,
            "items": [{"order_product_id": 41, "quantity": 1}],
            "tracking_number": "1Z999AA10123456784",
            "shipping_provider": "",
            "tracking_carrier": ""
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(shipment_json(3)))
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders/121/shipments")))
        .and(body_json(json!({
            "order_address_id": 7,
            "items": [{"order_product_id": 41, "quantity": 1}],
            "tracking_number": "1Z999AA10123456784",
            "shipping_provider": "",
            "tracking_carrier": "dhl",
            "tracking_link": "https://track.example.com/1Z",
            "shipping_method": "Express",
            "comments": "fragile"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json({
            let mut shipment = shipment_json(4);
            shipment["order_id"] = json!(121);
            shipment
        }))
        .expect(1)
        .mount(&api.server)
        .await;

    let created = api
        .store
        .create_shipment(120, &new_shipment())
        .await
        .expect("created");
    let with_everything = api
        .store
        .create_shipment(
            121,
            &NewShipment {
                tracking_carrier: "dhl".into(),
                tracking_link: Some("https://track.example.com/1Z".into()),
                shipping_method: Some("Express".into()),
                comments: Some("fragile".into()),
                ..new_shipment()
            },
        )
        .await
        .expect("created");

    assert_eq!((created.id, created.order_id), (3, 120));
    assert_eq!(created.items.len(), 2);
    assert_eq!(with_everything.id, 4);
}

#[tokio::test]
async fn create_shipment_is_not_retried_after_a_504() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders/120/shipments")))
        .respond_with(
            ResponseTemplate::new(504)
                .set_body_json(json!([{"status": 504, "message": "Gateway Timeout"}])),
        )
        .expect(1)
        .mount(&api.server)
        .await;

    let err = api
        .store
        .create_shipment(120, &new_shipment())
        .await
        .expect_err("504");

    assert!(
        matches!(&err, BcError::Server { status: 504, message } if message == "Gateway Timeout"),
        "{err:?}"
    );
    // Transient, yet the POST went out once: the caller re-reads before sending it again.
    assert!(err.is_transient());
    assert_eq!(api.requests().await.len(), 1);
}

#[tokio::test]
async fn create_shipment_quantity_400_is_validation() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders/120/shipments")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!([
            {"status": 400, "message": "The field 'quantity' is invalid."}
        ])))
        .expect(1)
        .mount(&api.server)
        .await;

    let err = api
        .store
        .create_shipment(120, &new_shipment())
        .await
        .expect_err("400");

    match err {
        BcError::Validation {
            status,
            message,
            fields,
            ..
        } => {
            assert_eq!(status, 400);
            assert_eq!(message, "The field 'quantity' is invalid.");
            assert!(fields.is_empty());
        }
        other => panic!("expected Validation, got {other:?}"),
    }
    assert_eq!(api.requests().await.len(), 1);
}
