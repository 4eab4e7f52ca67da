//! List walks over v2 and v3 pages: where they stop, and broken paging ending in an error.

use bigcommerce::{BcError, Brand, MAX_V3_PAGE_SIZE, V3Page};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::fixtures::{announces_more, order_product_json, pagination};
use crate::helpers::spawn_api;

#[tokio::test]
async fn v2_204_is_an_empty_page() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders")))
        .and(query_param("page", "3"))
        .and(query_param("limit", "50"))
        .and(query_param("status_id", "11"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&api.server)
        .await;

    let page: Vec<Value> = api
        .store
        .get_v2_page("v2/orders", &[("status_id", "11".to_string())], 3, 50)
        .await
        .expect("empty page");

    assert!(page.is_empty());
}

#[tokio::test]
async fn v3_page_reads_data_and_pagination() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/catalog/products")))
        .and(query_param("page", "1"))
        .and(query_param("limit", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": 1}, {"id": 2}],
            "meta": {"pagination": {
                "total": 3, "count": 2, "per_page": 2, "current_page": 1, "total_pages": 2,
                "links": {"current": "?page=1&limit=2", "next": "?page=2&limit=2"}
            }}
        })))
        .expect(1)
        .mount(&api.server)
        .await;

    let page: V3Page<Value> = api
        .store
        .get_v3_page(
            "v3/catalog/products",
            &[("page", "1".to_string()), ("limit", "2".to_string())],
        )
        .await
        .expect("page");

    assert_eq!(page.data.len(), 2);
    let pagination = page.pagination.as_ref().expect("pagination");
    assert_eq!(
        (pagination.total, pagination.count, pagination.per_page),
        (3, 2, 2)
    );
    assert_eq!((pagination.current_page, pagination.total_pages), (1, 2));
    assert!(announces_more(&page));
}

#[tokio::test]
async fn all_brands_pages_through_every_page() {
    let api = spawn_api().await;
    let pages = [
        vec![
            json!({"id": 1, "name": "Common Good", "page_title": "x"}),
            json!({"id": 2, "name": "OFS"}),
        ],
        vec![
            json!({"id": 3, "name": "Sagaform"}),
            json!({"id": 4, "name": "Le Parfait"}),
        ],
        vec![json!({"id": 5, "name": "Barr-Co."})],
    ];
    for (index, data) in pages.into_iter().enumerate() {
        let page = index as u32 + 1;
        Mock::given(method("GET"))
            .and(path(api.path("v3/catalog/brands")))
            .and(query_param("page", page.to_string()))
            .and(query_param("limit", MAX_V3_PAGE_SIZE.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": data,
                "meta": {"pagination": pagination(page, 3, 2, 5)}
            })))
            .expect(1)
            .mount(&api.server)
            .await;
    }

    let brands = api.store.all_brands().await.expect("brands");

    assert_eq!(
        brands.iter().map(|b| b.id).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    assert_eq!(
        brands[4],
        Brand {
            id: 5,
            name: "Barr-Co.".into()
        }
    );
    assert_eq!(api.requests().await.len(), 3);
}

#[tokio::test]
async fn all_product_variants_trusts_page_numbers_not_a_next_link() {
    let api = spawn_api().await;
    let variant = |id: u64| json!({"id": id, "product_id": 9, "sku": format!("V{id}")});
    Mock::given(method("GET"))
        .and(path(api.path("v3/catalog/products/9/variants")))
        .and(query_param("page", "1"))
        .and(query_param("limit", "250"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [variant(1), variant(2)],
            // Totals missing (zeroed); only the link says there is more.
            "meta": {"pagination": {"total": 0, "count": 2, "per_page": 250, "current_page": 1,
                "total_pages": 0, "links": {"next": "?page=2&limit=250"}}}
        })))
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/catalog/products/9/variants")))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [],
            "meta": {"pagination": {"total": 0, "count": 0, "per_page": 250, "current_page": 2,
                "total_pages": 0, "links": {"next": "?page=3&limit=250"}}}
        })))
        .expect(0)
        .mount(&api.server)
        .await;

    let variants = api.store.all_product_variants(9).await.expect("variants");

    assert_eq!(
        variants
            .iter()
            .map(|v| v.sku.as_deref())
            .collect::<Vec<_>>(),
        vec![Some("V1"), Some("V2")]
    );
}

#[tokio::test]
async fn all_order_products_pages_until_a_short_page() {
    let api = spawn_api().await;
    let page_one: Vec<Value> = (1..=250).map(|id| order_product_json(id, 7)).collect();
    let page_two: Vec<Value> = (251..=260).map(|id| order_product_json(id, 7)).collect();
    for (page, rows) in [(1, page_one), (2, page_two)] {
        Mock::given(method("GET"))
            .and(path(api.path("v2/orders/120/products")))
            .and(query_param("page", page.to_string()))
            .and(query_param("limit", "250"))
            .respond_with(ResponseTemplate::new(200).set_body_json(rows))
            .expect(1)
            .mount(&api.server)
            .await;
    }

    let products = api.store.all_order_products(120).await.expect("products");

    assert_eq!(products.len(), 260);
    assert_eq!(products[259].id, 260);
    assert_eq!(api.requests().await.len(), 2);
}

#[tokio::test]
async fn all_order_products_stops_on_204_and_refuses_a_repeated_page() {
    let api = spawn_api().await;
    // A server that caps pages at 50 rows and then ignores `page`.
    let rows: Vec<Value> = (1..=50).map(|id| order_product_json(id, 7)).collect();
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/120/products")))
        .respond_with(ResponseTemplate::new(200).set_body_json(rows))
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/orders/121/products")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&api.server)
        .await;

    let repeated = api.store.all_order_products(120).await;
    let none = api
        .store
        .all_order_products(121)
        .await
        .expect("no products");

    assert!(
        matches!(&repeated, Err(BcError::BrokenPaging { request, problem })
            if request == "GET v2/orders/120/products" && problem.contains("page 2")),
        "{repeated:?}"
    );
    assert!(none.is_empty());
    assert_eq!(api.requests().await.len(), 3);
}

#[tokio::test]
async fn a_list_that_repeats_its_pages_ends_with_an_error_not_a_loop() {
    let api = spawn_api().await;
    // The spec's example answer, served for every page: three pages announced, page 1's rows.
    Mock::given(method("GET"))
        .and(path(api.path("v3/hooks")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": (1..=250).map(|id| json!({"id": id, "scope": "store/order/*",
                "destination": "https://example.com/hooks", "is_active": true})).collect::<Vec<_>>(),
            "meta": {"pagination": {"total": 700, "count": 250, "per_page": 250,
                "current_page": 1, "total_pages": 3, "links": {"next": "?page=2&limit=250"}}}
        })))
        .mount(&api.server)
        .await;

    let hooks = api.store.all_hooks().await;

    assert!(
        matches!(&hooks, Err(BcError::BrokenPaging { request, .. }) if request == "GET v3/hooks"),
        "{hooks:?}"
    );
    assert_eq!(api.requests().await.len(), 2, "stopped at the first repeat");
    assert!(!hooks.unwrap_err().is_transient());
}

#[tokio::test]
async fn a_next_link_past_the_last_page_is_not_followed() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/catalog/brands")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": 1, "name": "Acme"}],
            "meta": {"pagination": {"total": 1, "count": 1, "per_page": 250,
                "current_page": 1, "total_pages": 1, "links": {"next": "?page=2&limit=250"}}}
        })))
        .mount(&api.server)
        .await;

    let brands = api.store.all_brands().await.expect("brands");

    assert_eq!(brands.len(), 1);
    assert_eq!(api.requests().await.len(), 1);
}
