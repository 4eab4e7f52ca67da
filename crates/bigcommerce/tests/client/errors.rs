//! Refusals and odd answers as typed errors: v2 arrays, v3 problems, wrong shapes and objects.

use bigcommerce::BcError;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::fixtures::{new_shipment, order_json, shipment_json};
use crate::helpers::spawn_api;

#[tokio::test]
async fn v2_error_array_becomes_a_typed_error_with_its_message() {
    let api = spawn_api().await;
    Mock::given(method("PUT"))
        .and(path(api.path("v2/orders/7/shipping_addresses/3")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!([
            {"status": 400, "message": "The field 'item_total' cannot be written to."}
        ])))
        .expect(1)
        .mount(&api.server)
        .await;

    let err = api
        .store
        .put_json::<_, Value>(
            "v2/orders/7/shipping_addresses/3",
            &json!({"item_total": 1}),
        )
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
            assert_eq!(message, "The field 'item_total' cannot be written to.");
            assert!(fields.is_empty());
        }
        other => panic!("expected Validation, got {other:?}"),
    }
}

#[tokio::test]
async fn v3_problem_422_becomes_validation_with_fields() {
    let api = spawn_api().await;
    let problem = json!({
        "status": 422,
        "title": "Missing Required Fields",
        "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
        "errors": {"name": "Please provide a name.", "price": "Please provide a price."}
    });
    Mock::given(method("POST"))
        .and(path(api.path("v3/catalog/products")))
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_raw(problem.to_string(), "application/problem+json"),
        )
        .expect(1)
        .mount(&api.server)
        .await;

    let err = api
        .store
        .post_json::<_, Value>("v3/catalog/products", &json!({}))
        .await
        .expect_err("422");

    assert_eq!(err.status(), Some(422));
    assert!(!err.is_transient());
    match err {
        BcError::Validation {
            message, fields, ..
        } => {
            assert_eq!(message, "Missing Required Fields");
            assert_eq!(fields.len(), 2);
            assert_eq!(fields["name"], "Please provide a name.");
            assert_eq!(fields["price"], "Please provide a price.");
        }
        other => panic!("expected Validation, got {other:?}"),
    }
}

#[tokio::test]
async fn auth_and_missing_resources_map_to_their_variants_without_retries() {
    let api = spawn_api().await;
    let cases = [
        (401, json!({"status": 401, "title": "Token invalid"})),
        (
            403,
            json!({"status": 403, "title": "You don't have a required scope"}),
        ),
        (
            404,
            json!([{"status": 404, "message": "The requested resource was not found."}]),
        ),
    ];
    for (status, body) in &cases {
        Mock::given(method("GET"))
            .and(path(api.path(&format!("v2/things/{status}"))))
            .respond_with(ResponseTemplate::new(*status).set_body_json(body))
            .expect(1)
            .mount(&api.server)
            .await;
    }

    let unauthorized = api.store.get_json::<Value>("v2/things/401", &[]).await;
    let forbidden = api.store.get_json::<Value>("v2/things/403", &[]).await;
    let not_found = api.store.get_json::<Value>("v2/things/404", &[]).await;

    assert!(
        matches!(&unauthorized, Err(BcError::Unauthorized { message, .. }) if message == "Token invalid"),
        "{unauthorized:?}"
    );
    assert!(
        matches!(&forbidden, Err(BcError::Forbidden { message, .. }) if message.contains("scope")),
        "{forbidden:?}"
    );
    assert!(
        matches!(&not_found, Err(BcError::NotFound { message, .. }) if message == "The requested resource was not found."),
        "{not_found:?}"
    );
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_a_decode_error() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/store")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&api.server)
        .await;

    let err = api
        .store
        .store_information()
        .await
        .expect_err("wrong shape");

    assert!(matches!(err, BcError::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn an_answer_about_another_order_is_refused() {
    let api = spawn_api().await;
    let mut other = order_json();
    other["id"] = json!(218);
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/120")))
        .respond_with(ResponseTemplate::new(200).set_body_json(other))
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/121/shipments")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([shipment_json(3)])))
        .mount(&api.server)
        .await;

    let order = api.store.order(120, true).await;
    let shipments = api.store.order_shipments(121).await;

    assert!(
        matches!(&order, Err(BcError::WrongObject { asked, answered, .. })
            if asked == "order 120" && answered == "order 218"),
        "{order:?}"
    );
    assert!(
        matches!(&shipments, Err(BcError::WrongObject { request, .. })
            if request == "GET v2/orders/121/shipments"),
        "{shipments:?}"
    );
}

#[tokio::test]
async fn a_refusal_names_the_request_and_every_field() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders/120/shipments")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!([{
            "status": 400,
            "message": "The field 'items' is invalid.",
            "details": {"invalid_reason": "Order product 41 has already shipped."}
        }])))
        .mount(&api.server)
        .await;

    let refused = api
        .store
        .create_shipment(120, &new_shipment())
        .await
        .expect_err("400");

    assert_eq!(
        refused.to_string(),
        "BigCommerce refused POST v2/orders/120/shipments (400): The field 'items' is invalid. (invalid_reason: Order product 41 has already shipped.)"
    );
}
