//! Inventory: absolute and relative adjustments, their refusals, items and locations.

use bigcommerce::{
    Adjustment, BcError, InventoryItemsQuery, ItemIdentity, ItemKey, ItemLocation, ItemSettings,
    Location, MAX_V3_PAGE_SIZE, rejected_identities, rejected_item_indexes,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::fixtures::announces_more;
use crate::helpers::spawn_api;

fn adjustments() -> Vec<Adjustment> {
    vec![
        Adjustment {
            location_id: 1,
            item: ItemKey::Variant(78),
            quantity: 10,
        },
        Adjustment {
            location_id: 2,
            item: ItemKey::Sku("RE-130".into()),
            quantity: -5,
        },
        Adjustment {
            location_id: 1,
            item: ItemKey::Product(120),
            quantity: 7,
        },
    ]
}

fn adjustment_items_json() -> Value {
    json!([
        {"location_id": 1, "variant_id": 78, "quantity": 10},
        {"location_id": 2, "sku": "RE-130", "quantity": -5},
        {"location_id": 1, "product_id": 120, "quantity": 7},
    ])
}

#[tokio::test]
async fn absolute_adjustment_is_a_put_with_one_key_per_item() {
    let api = spawn_api().await;
    Mock::given(method("PUT"))
        .and(path(api.path("v3/inventory/adjustments/absolute")))
        .and(header("Content-Type", "application/json"))
        .and(body_json(
            json!({"reason": "Stock count", "items": adjustment_items_json()}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"transaction_id": "tx-abs-1"})),
        )
        .expect(1)
        .mount(&api.server)
        .await;

    let transaction = api
        .store
        .adjust_absolute(Some("Stock count"), &adjustments())
        .await
        .expect("adjusted");

    assert_eq!(transaction, "tx-abs-1");
}

#[tokio::test]
async fn relative_adjustment_omits_an_unset_reason() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v3/inventory/adjustments/relative")))
        .and(body_json(json!({"items": adjustment_items_json()})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"transaction_id": "tx-rel-9"})),
        )
        .expect(1)
        .mount(&api.server)
        .await;

    let transaction = api
        .store
        .adjust_relative(None, &adjustments())
        .await
        .expect("adjusted");

    assert_eq!(transaction, "tx-rel-9");
    let requests = api.requests().await;
    let sent: Value = serde_json::from_slice(&requests[0].body).expect("JSON body");
    assert!(sent.get("reason").is_none(), "{sent}");
}

#[tokio::test]
async fn relative_adjustment_is_sent_once_on_a_504() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v3/inventory/adjustments/relative")))
        .respond_with(ResponseTemplate::new(504))
        .expect(1)
        .mount(&api.server)
        .await;

    let err = api
        .store
        .adjust_relative(Some("order 7"), &adjustments())
        .await
        .expect_err("504");

    assert!(
        matches!(err, BcError::Server { status: 504, .. }),
        "{err:?}"
    );
    assert_eq!(api.requests().await.len(), 1);
}

#[tokio::test]
async fn absolute_adjustment_is_retried_after_a_504() {
    let api = spawn_api().await;
    Mock::given(method("PUT"))
        .and(path(api.path("v3/inventory/adjustments/absolute")))
        .respond_with(ResponseTemplate::new(504))
        .up_to_n_times(1)
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(api.path("v3/inventory/adjustments/absolute")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"transaction_id": "tx-2"})))
        .expect(1)
        .mount(&api.server)
        .await;

    let transaction = api
        .store
        .adjust_absolute(None, &adjustments())
        .await
        .expect("second attempt");

    assert_eq!(transaction, "tx-2");
}

#[tokio::test]
async fn adjustment_422_names_rejected_items_by_index() {
    let api = spawn_api().await;
    Mock::given(method("PUT"))
        .and(path(api.path("v3/inventory/adjustments/absolute")))
        .respond_with(
            ResponseTemplate::new(422)
                .insert_header("Content-Type", "application/problem+json")
                .set_body_json(json!({
                    "status": 422,
                    "title": "Payload contains invalid fields",
                    "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
                    "errors": {"items.3": "Location with id 9 does not exist"}
                })),
        )
        .expect(1)
        .mount(&api.server)
        .await;

    let err = api
        .store
        .adjust_absolute(None, &adjustments())
        .await
        .expect_err("422");

    assert!(
        matches!(&err, BcError::Validation { status: 422, .. }),
        "{err:?}"
    );
    assert_eq!(rejected_item_indexes(&err), vec![3]);
    assert!(rejected_identities(&err).is_empty());
}

#[tokio::test]
async fn adjustment_422_names_rejected_items_in_its_title() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v3/inventory/adjustments/relative")))
        .respond_with(
            ResponseTemplate::new(422)
                .insert_header("Content-Type", "application/problem+json")
                .set_body_json(json!({
                    "status": 422,
                    "title": "Items with identity: [product_id 113, variant_id 106] requires absolute adjustment before relative",
                    "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
                    "errors": {}
                })),
        )
        .expect(1)
        .mount(&api.server)
        .await;

    let err = api
        .store
        .adjust_relative(None, &adjustments())
        .await
        .expect_err("422");

    assert_eq!(
        rejected_identities(&err),
        vec![ItemKey::Product(113), ItemKey::Variant(106)]
    );
    assert!(rejected_item_indexes(&err).is_empty());
}

#[tokio::test]
async fn inventory_items_page_filters_and_decodes() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/inventory/items")))
        .and(query_param("page", "2"))
        .and(query_param("limit", "2"))
        .and(query_param("variant_id:in", "79,80,81"))
        .and(query_param("location_id:in", "1"))
        .and(query_param_is_missing("product_id:in"))
        .and(query_param_is_missing("sku:in"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [
                {
                    "identity": {"sku": "RE-130", "variant_id": 79, "product_id": 120, "sku_id": 5},
                    "locations": [{
                        "location_id": 1, "location_code": "BC-LOCATION-1",
                        "location_name": "Default location", "available_to_sell": 10,
                        "total_inventory_onhand": 11, "location_enabled": true,
                        "settings": {"safety_stock": 1, "is_in_stock": true, "warning_level": 2,
                                     "bin_picking_number": "A1"}
                    }]
                },
                {
                    "identity": {"sku": "", "variant_id": 80, "product_id": 121, "sku_id": null},
                    "locations": [{
                        "location_id": 1, "location_code": "BC-LOCATION-1",
                        "available_to_sell": -2, "total_inventory_onhand": 0,
                        "location_enabled": false
                    }]
                }
            ],
            "meta": {"pagination": {
                "total": 5, "count": 2, "per_page": 2, "current_page": 2, "total_pages": 3,
                "links": {"previous": "?page=1&limit=2", "current": "?page=2&limit=2",
                          "next": "?page=3&limit=2"}
            }}
        })))
        .expect(1)
        .mount(&api.server)
        .await;

    let query = InventoryItemsQuery {
        page: 2,
        limit: 2,
        variant_ids: vec![79, 80, 81],
        location_ids: vec![1],
        ..InventoryItemsQuery::default()
    };
    let page = api
        .store
        .inventory_items_page(&query)
        .await
        .expect("items page");

    assert!(announces_more(&page));
    let pagination = page.pagination.as_ref().expect("pagination");
    assert_eq!((pagination.total, pagination.current_page), (5, 2));
    let [first, second] = page.data.as_slice() else {
        panic!("two items: {:?}", page.data);
    };
    assert_eq!(
        first.identity,
        ItemIdentity {
            sku: "RE-130".into(),
            variant_id: Some(79),
            product_id: Some(120),
            sku_id: Some(5),
        }
    );
    assert_eq!(
        first.locations,
        vec![ItemLocation {
            location_id: 1,
            location_code: "BC-LOCATION-1".into(),
            location_name: "Default location".into(),
            available_to_sell: 10,
            total_inventory_onhand: 11,
            location_enabled: true,
            settings: Some(ItemSettings {
                safety_stock: 1,
                is_in_stock: true,
                warning_level: 2,
                bin_picking_number: Some("A1".into()),
            }),
        }]
    );
    assert_eq!(second.identity.sku, "");
    assert_eq!(second.identity.sku_id, None);
    assert_eq!(second.locations[0].available_to_sell, -2);
    assert!(!second.locations[0].location_enabled);
    assert_eq!(second.locations[0].settings, None);
}

#[tokio::test]
async fn inventory_locations_pages_through_every_location() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/inventory/locations")))
        .and(query_param("page", "1"))
        .and(query_param("limit", MAX_V3_PAGE_SIZE.to_string()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{
                "id": 1, "code": "BIGC-1", "label": "Central store",
                "description": "Central shop of the world", "managed_by_external_source": false,
                "type_id": "PHYSICAL", "enabled": true, "time_zone": "Etc/GMT+12",
                "storefront_visibility": true, "address": {"city": "New York City"},
                "operating_hours": {}, "created_at": "2022-05-30T12:18:02Z"
            }],
            "meta": {"pagination": {
                "total": 2, "count": 1, "per_page": 1, "current_page": 1, "total_pages": 2
            }}
        })))
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/inventory/locations")))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{
                "id": 4, "code": "3PL", "label": "Warehouse", "type_id": "VIRTUAL",
                "enabled": false, "managed_by_external_source": true
            }],
            "meta": {"pagination": {
                "total": 2, "count": 1, "per_page": 1, "current_page": 2, "total_pages": 2
            }}
        })))
        .expect(1)
        .mount(&api.server)
        .await;

    let locations = api.store.inventory_locations().await.expect("locations");

    assert_eq!(
        locations,
        vec![
            Location {
                id: 1,
                code: "BIGC-1".into(),
                label: "Central store".into(),
                description: Some("Central shop of the world".into()),
                enabled: true,
                type_id: "PHYSICAL".into(),
                managed_by_external_source: false,
                storefront_visibility: true,
                time_zone: Some("Etc/GMT+12".into()),
            },
            Location {
                id: 4,
                code: "3PL".into(),
                label: "Warehouse".into(),
                description: None,
                enabled: false,
                type_id: "VIRTUAL".into(),
                managed_by_external_source: true,
                storefront_visibility: true,
                time_zone: None,
            },
        ]
    );
}
