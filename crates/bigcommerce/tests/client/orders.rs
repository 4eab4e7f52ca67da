//! Orders: page filters, an order with its consignments, line items, addresses and counts.

use bigcommerce::{
    BcError, Order, OrderProductType, OrderQuery, OrderSortField, OrderStatus, SortDirection,
};
use jiff::Timestamp;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::fixtures::{money, order_json, order_product_json};
use crate::helpers::spawn_api;

#[tokio::test]
async fn order_statuses_are_typed() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/order_statuses")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 11, "name": "Awaiting Fulfillment", "system_label": "Awaiting Fulfillment",
             "custom_label": "To pick", "system_description": "Paid.", "order": 2}
        ])))
        .mount(&api.server)
        .await;

    let statuses = api.store.order_statuses().await.expect("statuses");

    assert_eq!(
        statuses,
        vec![OrderStatus {
            id: 11,
            name: "Awaiting Fulfillment".into(),
            system_label: "Awaiting Fulfillment".into(),
            custom_label: "To pick".into(),
            system_description: "Paid.".into(),
            order: Some(2),
        }]
    );
}

#[tokio::test]
async fn orders_page_renders_every_filter() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders")))
        .and(query_param("page", "2"))
        .and(query_param("limit", "250"))
        .and(query_param(
            "min_date_modified",
            "2025-01-15T00:03:17+00:00",
        ))
        .and(query_param(
            "max_date_modified",
            "2025-01-16T00:00:00+00:00",
        ))
        .and(query_param("min_id", "100"))
        .and(query_param("status_id", "11"))
        .and(query_param("sort", "date_modified:asc"))
        .and(query_param("include", "consignments.line_items"))
        .and(query_param("consignment_structure", "object"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders")))
        .and(query_param("page", "1"))
        .and(query_param("limit", "250"))
        .and(query_param_is_missing("min_date_modified"))
        .and(query_param_is_missing("sort"))
        .and(query_param_is_missing("include"))
        .and(query_param_is_missing("consignment_structure"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&api.server)
        .await;

    let since: Timestamp = "2025-01-15T01:03:17.9+01:00".parse().expect("timestamp");
    let until: Timestamp = "2025-01-16T00:00:00Z".parse().expect("timestamp");
    let query = OrderQuery {
        page: 2,
        min_date_modified: Some(since),
        max_date_modified: Some(until),
        min_id: Some(100),
        status_id: Some(11),
        sort: Some((OrderSortField::DateModified, SortDirection::Asc)),
        include_consignment_line_items: true,
        ..OrderQuery::default()
    };
    let filtered = api.store.orders_page(&query).await.expect("filtered");
    let unfiltered = api
        .store
        .orders_page(&OrderQuery::default())
        .await
        .expect("unfiltered");

    assert!(filtered.is_empty() && unfiltered.is_empty());
    let requests = api.requests().await;
    let raw = requests[0].url.query().expect("query string");
    assert!(
        raw.contains("min_date_modified=2025-01-15T00%3A03%3A17%2B00%3A00"),
        "the offset's + must be escaped, or it reads as a space: {raw}"
    );
    assert!(raw.contains("sort=date_modified%3Aasc"), "{raw}");
}

#[tokio::test]
async fn orders_page_204_is_empty() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&api.server)
        .await;

    let orders = api
        .store
        .orders_page(&OrderQuery::default())
        .await
        .expect("empty");

    assert!(orders.is_empty());
}

#[tokio::test]
async fn an_order_decodes_dates_money_and_truncated_consignments() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/120")))
        .and(query_param("include", "consignments.line_items"))
        .and(query_param("consignment_structure", "object"))
        .respond_with(ResponseTemplate::new(200).set_body_json(order_json()))
        .expect(1)
        .mount(&api.server)
        .await;

    let order = api.store.order(120, true).await.expect("order");

    assert_eq!((order.id, order.status_id, order.customer_id), (120, 11, 0));
    assert_eq!(order.status, "Awaiting Fulfillment");
    let created: Timestamp = "2012-11-20T00:00:00Z".parse().expect("timestamp");
    let modified: Timestamp = "2025-01-15T00:03:17Z".parse().expect("timestamp");
    assert_eq!(order.date_created, Some(created));
    assert_eq!(order.date_modified, Some(modified));
    assert_eq!(
        order.date_shipped, None,
        "an empty string is not shipped yet"
    );
    assert_eq!(order.subtotal_inc_tax, Some(money("108.0000")));
    assert_eq!(order.total_inc_tax, Some(money("113.4")));
    assert_eq!(order.shipping_cost_inc_tax, Some(money("5.4")));
    assert_eq!((order.items_total, order.items_shipped), (102, 0));
    assert_eq!(order.currency_code.as_deref(), Some("EUR"));
    assert_eq!(order.payment_status.as_deref(), Some("captured"));
    assert_eq!(order.order_source.as_deref(), Some("www"));
    assert_eq!(order.customer_message, None);
    assert_eq!(order.staff_notes.as_deref(), Some("VIP"));
    assert!(!order.is_deleted);
    let billing = order.billing_address.as_ref().expect("billing address");
    assert_eq!(billing.zip, "78726", "a numeric zip reads as text");

    let consignments = order.consignments.as_ref().expect("consignments");
    assert_eq!(consignments.shipping.len(), 2);
    let big = &consignments.shipping[0];
    assert_eq!(big.id, 7);
    assert_eq!(big.shipping_method.as_deref(), Some("Flat Rate"));
    assert_eq!(big.line_items.len(), 50);
    assert!(big.truncated);
    assert!(big.line_items_incomplete());
    assert!(
        big.warning
            .as_ref()
            .is_some_and(|w| w.message.starts_with("Not all line items"))
    );
    let first = &big.line_items[0];
    assert_eq!(
        (first.id, first.order_id, first.order_address_id),
        (1, 120, 7)
    );
    assert_eq!(first.variant_id, Some(301));
    assert_eq!(first.product_type, OrderProductType::Physical);
    assert_eq!(first.base_price, Some(money("10")));
    assert_eq!(first.price_inc_tax, Some(money("10.8")));
    assert_eq!((first.quantity, first.quantity_shipped), (2, 0));
    assert_eq!(first.product_options[0].display_value, "M");
    assert_eq!(first.parent_order_product_id, None);
    let custom = &big.line_items[1];
    assert_eq!(custom.variant_id, None, "variant 0 means a custom product");
    assert_eq!(custom.product_type, OrderProductType::GiftCertificate);
    let small = &consignments.shipping[1];
    assert!(!small.truncated && small.warning.is_none());
    assert!(!small.line_items_incomplete());
    assert_eq!(small.line_items[0].id, 60);

    // What this crate serializes reads back the same, `__warning__` included.
    let again: Order =
        serde_json::from_value(serde_json::to_value(&order).expect("json")).expect("again");
    assert_eq!(again, order);
}

#[tokio::test]
async fn an_order_without_includes_has_no_consignments() {
    let api = spawn_api().await;
    let mut body = order_json();
    body["consignments"] = json!({"url": "https://x/v2/orders/120/consignments",
        "resource": "/orders/120/consignments"});
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/120")))
        .and(query_param_is_missing("include"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&api.server)
        .await;

    let order = api.store.order(120, false).await.expect("order");

    assert_eq!(order.consignments, None);
}

#[tokio::test]
async fn consignment_line_item_links_are_skipped() {
    let mut body = order_json();
    body["consignments"]["shipping"][1]["line_items"] = json!([
        {"url": "https://x/v2/orders/120/products/60", "resource": "/orders/120/products/60"}
    ]);

    let order: Order = serde_json::from_value(body).expect("order");

    let consignment = &order.consignments.expect("consignments").shipping[1];
    assert!(consignment.line_items.is_empty());
    assert!(!consignment.truncated);
    assert!(consignment.line_items_incomplete());
}

#[tokio::test]
async fn unreadable_order_dates_are_decode_errors() {
    let api = spawn_api().await;
    let mut body = order_json();
    body["date_modified"] = json!("yesterday");
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/120")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&api.server)
        .await;

    let err = api.store.order(120, false).await.expect_err("bad date");

    assert!(matches!(err, BcError::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn order_products_page_sends_page_and_limit() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/120/products")))
        .and(query_param("page", "3"))
        .and(query_param("limit", "20"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([order_product_json(41, 7)])))
        .expect(1)
        .mount(&api.server)
        .await;

    let page = api
        .store
        .order_products_page(120, 3, 20)
        .await
        .expect("page");

    assert_eq!(page.len(), 1);
    assert_eq!(page[0].sku.as_deref(), Some("JAR-41"));
}

#[tokio::test]
async fn shipping_addresses_and_counts_are_typed() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/120/shipping_addresses")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 7, "order_id": 120, "first_name": "Jane", "last_name": "Doe", "company": "",
             "street_1": "1 Main St", "street_2": "", "city": "Austin", "state": "Texas",
             "zip": "78726", "country": "United States", "country_iso2": "US",
             "phone": "0410999888", "email": "jane@example.com", "items_total": 100,
             "items_shipped": 4, "shipping_method": "Flat Rate", "base_cost": "5.0000",
             "form_fields": [], "shipping_quotes": {"url": "x", "resource": "y"}}
        ])))
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/count")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "statuses": [
                {"id": 0, "name": "Incomplete", "system_label": "Incomplete",
                 "custom_label": "Incomplete", "count": 15, "sort_order": 0},
                {"id": 11, "name": "Awaiting Fulfillment", "custom_label": "To pick",
                 "count": 4, "sort_order": 1}
            ],
            "count": 19
        })))
        .expect(1)
        .mount(&api.server)
        .await;

    let addresses = api
        .store
        .order_shipping_addresses(120)
        .await
        .expect("addresses");
    let count = api.store.order_count().await.expect("count");

    assert_eq!(addresses.len(), 1);
    assert_eq!((addresses[0].id, addresses[0].order_id), (7, 120));
    assert_eq!(
        (addresses[0].items_total, addresses[0].items_shipped),
        (100, 4)
    );
    assert_eq!(addresses[0].shipping_method.as_deref(), Some("Flat Rate"));
    assert_eq!(count.count, 19);
    assert_eq!(count.statuses[1].id, 11);
    assert_eq!(count.statuses[1].count, 4);
    assert_eq!(count.statuses[1].custom_label, "To pick");
}
