//! Order writes: a new order created once (never resent), looked up by its reference, and its
//! status changed.

use bigcommerce::{
    BcError, NewOrder, NewOrderAddress, NewOrderProduct, NewOrderProductOption, NewShippingAddress,
    OrderQuery, OrderUpdate,
};
use jiff::Timestamp;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::fixtures::order_json;
use crate::helpers::spawn_api;

fn address(first: &str, zip: &str) -> NewOrderAddress {
    NewOrderAddress {
        first_name: first.into(),
        last_name: "Doe".into(),
        street_1: "1 Main St".into(),
        city: "Austin".into(),
        state: "Texas".into(),
        zip: zip.into(),
        country: "United States".into(),
        country_iso2: "US".into(),
        ..NewOrderAddress::default()
    }
}

fn new_order() -> NewOrder {
    NewOrder {
        billing_address: address("Merchant", "78701"),
        shipping_addresses: vec![NewShippingAddress {
            address: address("Jane", "78726"),
            shipping_method: None,
        }],
        products: vec![
            NewOrderProduct {
                product_id: 118,
                variant_id: Some(93),
                product_options: Vec::new(),
                quantity: 2,
            },
            NewOrderProduct {
                product_id: 184,
                variant_id: None,
                product_options: vec![NewOrderProductOption {
                    id: 200,
                    value: "180".into(),
                }],
                quantity: 1,
            },
        ],
        status_id: 11,
        customer_id: 0,
        external_order_id: Some("PO-1001".into()),
        external_source: None,
        staff_notes: Some("Dropship for Acme".into()),
        customer_message: None,
    }
}

fn address_json(first: &str, zip: &str) -> serde_json::Value {
    json!({
        "first_name": first, "last_name": "Doe", "company": "", "street_1": "1 Main St",
        "street_2": "", "city": "Austin", "state": "Texas", "zip": zip,
        "country": "United States", "country_iso2": "US", "phone": "", "email": ""
    })
}

fn created_json(id: u64, reference: &str) -> serde_json::Value {
    let mut order = order_json();
    order["id"] = json!(id);
    order["external_order_id"] = json!(reference);
    order["order_source"] = json!("external");
    order
}

#[tokio::test]
async fn create_order_sends_the_spec_fields_and_leaves_unset_ones_out() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders")))
        .and(body_json(json!({
            "billing_address": address_json("Merchant", "78701"),
            "shipping_addresses": [address_json("Jane", "78726")],
            "products": [
                {"product_id": 118, "variant_id": 93, "quantity": 2},
                {"product_id": 184, "product_options": [{"id": 200, "value": "180"}], "quantity": 1}
            ],
            "status_id": 11,
            "customer_id": 0,
            "external_order_id": "PO-1001",
            "staff_notes": "Dropship for Acme"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(created_json(130, "PO-1001")))
        .expect(1)
        .mount(&api.server)
        .await;

    let created = api.store.create_order(&new_order()).await.expect("created");

    assert_eq!(created.id, 130);
    assert_eq!(created.external_order_id.as_deref(), Some("PO-1001"));
    assert_eq!(created.order_source.as_deref(), Some("external"));
}

#[tokio::test]
async fn create_order_is_not_resent_after_a_504() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders")))
        .respond_with(
            ResponseTemplate::new(504)
                .set_body_json(json!([{"status": 504, "message": "Gateway Timeout"}])),
        )
        .expect(1)
        .mount(&api.server)
        .await;

    let err = api.store.create_order(&new_order()).await.expect_err("504");

    assert!(
        matches!(err, BcError::Server { status: 504, .. }),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_eq!(api.requests().await.len(), 1);
}

#[tokio::test]
async fn create_order_refusal_names_the_line() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders")))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!([{
            "status": 422,
            "message": "Product 'Mug' is out of stock.",
            "details": {"products.1.quantity": "3 requested, 2 in stock"}
        }])))
        .mount(&api.server)
        .await;

    let err = api.store.create_order(&new_order()).await.expect_err("422");

    match err {
        BcError::Validation {
            status,
            message,
            fields,
            ..
        } => {
            assert_eq!(status, 422);
            assert_eq!(message, "Product 'Mug' is out of stock.");
            assert_eq!(fields["products.1.quantity"], "3 requested, 2 in stock");
        }
        other => panic!("expected Validation, got {other:?}"),
    }
}

#[tokio::test]
async fn create_order_answer_about_another_reference_is_not_used() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders")))
        .respond_with(ResponseTemplate::new(200).set_body_json(created_json(131, "PO-999")))
        .mount(&api.server)
        .await;

    let err = api
        .store
        .create_order(&new_order())
        .await
        .expect_err("wrong");

    assert!(matches!(err, BcError::WrongObject { .. }), "{err:?}");
}

#[tokio::test]
async fn orders_are_found_by_reference_created_since() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders")))
        .and(query_param("external_order_id", "PO 1001&x"))
        .and(query_param("min_date_created", "2025-01-15T00:03:17+00:00"))
        .and(query_param("limit", "5"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([created_json(130, "PO 1001&x")])),
        )
        .expect(1)
        .mount(&api.server)
        .await;

    let since: Timestamp = "2025-01-15T00:03:17.5Z".parse().expect("timestamp");
    let found = api
        .store
        .orders_page(&OrderQuery {
            limit: 5,
            external_order_id: Some("PO 1001&x".into()),
            min_date_created: Some(since),
            ..OrderQuery::default()
        })
        .await
        .expect("found");

    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, 130);
}

#[tokio::test]
async fn update_order_sends_only_what_changes_and_checks_the_answer() {
    let api = spawn_api().await;
    Mock::given(method("PUT"))
        .and(path(api.path("v2/orders/120")))
        .and(body_json(json!({"status_id": 5})))
        .respond_with(ResponseTemplate::new(200).set_body_json({
            let mut order = order_json();
            order["status_id"] = json!(5);
            order
        }))
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(api.path("v2/orders/121")))
        .respond_with(ResponseTemplate::new(200).set_body_json(order_json()))
        .expect(1)
        .mount(&api.server)
        .await;
    let cancel = OrderUpdate {
        status_id: Some(5),
        ..OrderUpdate::default()
    };

    let cancelled = api
        .store
        .update_order(120, &cancel)
        .await
        .expect("cancelled");
    let wrong = api
        .store
        .update_order(121, &cancel)
        .await
        .expect_err("other order");

    assert_eq!((cancelled.id, cancelled.status_id), (120, 5));
    assert!(matches!(wrong, BcError::WrongObject { .. }), "{wrong:?}");
}
