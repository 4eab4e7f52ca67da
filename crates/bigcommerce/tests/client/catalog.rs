//! Catalog reads: product and variant pages, their filters, and how their rows decode.

use bigcommerce::{
    BcError, InventoryTracking, OptionValue, ProductQuery, ProductSort, ProductSortField,
    SortDirection,
};
use jiff::Timestamp;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::fixtures::{announces_more, money, pagination};
use crate::helpers::spawn_api;

#[tokio::test]
async fn products_page_renders_every_filter() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/catalog/products")))
        .and(query_param("page", "2"))
        .and(query_param("limit", "250"))
        .and(query_param("include", "variants"))
        .and(query_param(
            "date_modified:min",
            "2025-01-15T00:03:17+00:00",
        ))
        .and(query_param("id:in", "11,12,13"))
        .and(query_param("id:greater", "10"))
        .and(query_param("sort", "date_modified"))
        .and(query_param("direction", "asc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "meta": {}})))
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/catalog/products")))
        .and(query_param("page", "1"))
        .and(query_param("limit", "250"))
        .and(query_param_is_missing("include"))
        .and(query_param_is_missing("date_modified:min"))
        .and(query_param_is_missing("id:in"))
        .and(query_param_is_missing("id:greater"))
        .and(query_param_is_missing("sort"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [], "meta": {}})))
        .expect(1)
        .mount(&api.server)
        .await;

    // An hour east of UTC with a fraction of a second: sent in UTC, rounded down.
    let since: Timestamp = "2025-01-15T01:03:17.9+01:00".parse().expect("timestamp");
    let query = ProductQuery {
        page: 2,
        include_variants: true,
        date_modified_min: Some(since),
        ids: Some(vec![11, 12, 13]),
        id_greater: Some(10),
        sort: Some(ProductSort {
            field: ProductSortField::DateModified,
            direction: SortDirection::Asc,
        }),
        ..ProductQuery::default()
    };
    let filtered = api.store.products_page(&query).await.expect("filtered");
    let unfiltered = api
        .store
        .products_page(&ProductQuery::default())
        .await
        .expect("unfiltered");

    assert!(filtered.data.is_empty() && unfiltered.data.is_empty());
    let requests = api.requests().await;
    let raw = requests[0].url.query().expect("query string");
    assert!(
        raw.contains("date_modified%3Amin=2025-01-15T00%3A03%3A17%2B00%3A00"),
        "the offset's + must be escaped, or it reads as a space: {raw}"
    );
}

#[tokio::test]
async fn an_empty_id_list_sends_no_request() {
    let api = spawn_api().await;

    let products = api
        .store
        .products_page(&ProductQuery {
            ids: Some(Vec::new()),
            ..ProductQuery::default()
        })
        .await
        .expect("products");
    let variants = api.store.variants_page(&[], 1, 50).await.expect("variants");

    assert!(products.data.is_empty() && !announces_more(&products));
    assert!(variants.data.is_empty() && !announces_more(&variants));
    assert!(api.requests().await.is_empty());
}

fn product_page_json() -> Value {
    let jar_variants = json!([
        {
            "id": 382, "product_id": 174, "sku": "OTS-BE", "sku_id": 290,
            "upc": "", "gtin": null, "price": null, "cost_price": "8",
            "calculated_price": 12.99, "inventory_level": 12,
            "option_values": [
                {"id": 174, "label": "Beige", "option_id": 220, "option_display_name": "Color"}
            ]
        },
        {
            "id": 383, "product_id": 174, "sku": "OTS-BL", "sku_id": 291,
            "price": "13.50", "cost_price": 8.25, "inventory_level": 3,
            "option_values": null, "purchasing_disabled": true
        }
    ]);
    let jar = json!({
        "id": 174, "name": "1L Le Parfait Jar", "type": "physical",
        "sku": "OTS", "upc": "", "gtin": "", "mpn": "LP-1L",
        "brand_id": 37, "price": 12.99, "cost_price": "7.50",
        "sale_price": 0, "calculated_price": 12.99,
        "inventory_tracking": "variant", "inventory_level": 0,
        "is_visible": true, "base_variant_id": null, "availability": "available",
        "date_created": "2018-08-15T14:49:05+00:00",
        "date_modified": "2018-08-24T14:41:00+00:00",
        "custom_url": {"url": "/le-parfait-jar/", "is_customized": false},
        "variants": jar_variants
    });
    let caddy = json!({
        "id": 175, "name": "Utility Caddy", "sku": "", "brand_id": 0,
        "price": "10", "cost_price": 0, "inventory_tracking": "product",
        "inventory_level": 7, "is_visible": false, "base_variant_id": 384,
        "availability": "disabled",
        "date_modified": "1990-12-30T00:29:23.515Z",
        "variants": [
            {"id": 384, "product_id": 175, "sku": "CADDY", "sku_id": null,
             "price": 10, "option_values": []}
        ]
    });
    let wrap = json!({"id": 176, "name": "Gift wrap", "inventory_tracking": "none"});
    let odd = json!({
        "id": 177, "name": "From the future", "inventory_tracking": "warehouse",
        "price": null, "date_modified": null
    });
    json!({
        "data": [jar, caddy, wrap, odd],
        "meta": {"pagination": pagination(1, 1, 250, 4)}
    })
}

#[tokio::test]
async fn a_product_page_decodes_money_dates_brands_and_inline_variants() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/catalog/products")))
        .respond_with(ResponseTemplate::new(200).set_body_json(product_page_json()))
        .mount(&api.server)
        .await;

    let page = api
        .store
        .products_page(&ProductQuery {
            include_variants: true,
            ..ProductQuery::default()
        })
        .await
        .expect("products");

    assert!(!announces_more(&page));
    let [jar, caddy, wrap, odd] = page.data.as_slice() else {
        panic!("four products, got {:?}", page.data);
    };

    assert_eq!(jar.id, 174);
    assert_eq!(jar.sku.as_deref(), Some("OTS"));
    assert_eq!((jar.upc.as_deref(), jar.gtin.as_deref()), (None, None));
    assert_eq!(jar.mpn.as_deref(), Some("LP-1L"));
    assert_eq!(jar.brand_id, Some(37));
    assert_eq!(jar.price, Some(money("12.99")));
    assert_eq!(jar.price.expect("price").to_string(), "12.99");
    assert_eq!(jar.cost_price, Some(money("7.50")));
    assert_eq!(jar.inventory_tracking, InventoryTracking::Variant);
    assert_eq!(jar.is_visible, Some(true));
    assert_eq!(jar.base_variant_id, None);
    let modified: Timestamp = "2018-08-24T14:41:00Z".parse().expect("timestamp");
    assert_eq!(jar.date_modified, Some(modified));
    let variants = jar.variants.as_deref().expect("inline variants");
    assert_eq!(variants.len(), 2);
    assert_eq!(
        (variants[0].id, variants[0].product_id, variants[0].sku_id),
        (382, 174, Some(290))
    );
    assert_eq!(variants[0].price, None, "null price inherits the product's");
    assert_eq!(variants[0].cost_price, Some(money("8")));
    assert_eq!(
        (variants[0].upc.as_deref(), variants[0].gtin.as_deref()),
        (None, None)
    );
    assert_eq!(variants[0].inventory_level, Some(12));
    assert_eq!(
        variants[0].option_values,
        vec![OptionValue {
            id: Some(174),
            option_id: Some(220),
            label: Some("Beige".into()),
            option_display_name: Some("Color".into()),
        }]
    );
    assert_eq!(variants[1].price, Some(money("13.50")));
    assert_eq!(variants[1].cost_price, Some(money("8.25")));
    assert!(variants[1].option_values.is_empty());
    // What makes a vendor store's variant purchasable.
    assert_eq!(jar.availability.as_deref(), Some("available"));
    assert!(!variants[0].purchasing_disabled, "absent: can be bought");
    assert!(variants[1].purchasing_disabled);

    assert_eq!(caddy.sku, None);
    assert_eq!(caddy.brand_id, None, "brand_id 0 means no brand");
    assert_eq!(caddy.price, Some(money("10")));
    assert_eq!(caddy.cost_price, Some(Decimal::ZERO));
    assert_eq!(caddy.inventory_tracking, InventoryTracking::Product);
    assert_eq!(caddy.inventory_level, Some(7));
    assert_eq!(caddy.base_variant_id, Some(384));
    assert_eq!(caddy.availability.as_deref(), Some("disabled"));
    let modified: Timestamp = "1990-12-30T00:29:23.515Z".parse().expect("timestamp");
    assert_eq!(caddy.date_modified, Some(modified));
    let base = &caddy.variants.as_deref().expect("base variant")[0];
    assert_eq!((base.sku_id, base.price), (None, Some(money("10"))));
    assert!(base.option_values.is_empty());

    assert_eq!(wrap.inventory_tracking, InventoryTracking::None);
    assert_eq!((wrap.price, wrap.date_modified), (None, None));
    assert_eq!((wrap.brand_id, wrap.inventory_level), (None, None));
    assert_eq!(wrap.variants, None, "no include=variants, no list");
    assert_eq!(wrap.availability, None);

    assert_eq!(odd.inventory_tracking, InventoryTracking::Unknown);
    assert_eq!((odd.price, odd.date_modified), (None, None));
}

#[tokio::test]
async fn an_unreadable_product_is_set_aside_and_its_neighbours_read() {
    for (bad, field) in [
        (json!({"id": 1, "name": "x", "price": "twelve"}), "price"),
        (json!({"id": 1, "name": "x", "price": 1e40}), "price"),
        (
            json!({"id": 1, "name": "x", "inventory_level": 1e20}),
            "inventory_level",
        ),
        (
            json!({"id": 1, "name": "x", "date_modified": "2018-08-24 14:41:00"}),
            "date_modified",
        ),
    ] {
        let api = spawn_api().await;
        Mock::given(method("GET"))
            .and(path(api.path("v3/catalog/products")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"data": [bad, {"id": 2, "name": "fine"}]})),
            )
            .mount(&api.server)
            .await;

        let page = api
            .store
            .products_page(&ProductQuery::default())
            .await
            .expect("the page is read");

        assert_eq!(page.data.len(), 1);
        assert_eq!(page.data[0].id, 2);
        let [unreadable] = page.unreadable.as_slice() else {
            panic!("one unreadable row: {page:?}");
        };
        assert_eq!(
            (unreadable.id, unreadable.name.as_deref()),
            (Some(1), Some("x"))
        );
        assert!(unreadable.problem.starts_with(field), "{unreadable:?}");
    }
}

#[tokio::test]
async fn an_unreadable_row_of_other_lists_fails_the_page() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/catalog/brands")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "one", "name": 1}]})),
        )
        .mount(&api.server)
        .await;

    let err = api.store.all_brands().await.expect_err("undecodable brand");

    assert!(matches!(err, BcError::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn variants_page_filters_by_product_ids() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/catalog/variants")))
        .and(query_param("product_id:in", "174,175"))
        .and(query_param("page", "3"))
        .and(query_param("limit", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"id": 384, "product_id": 175, "price": "10.00", "inventory_level": 4}],
            "meta": {"pagination": pagination(3, 3, 100, 201)}
        })))
        .expect(1)
        .mount(&api.server)
        .await;

    let page = api
        .store
        .variants_page(&[174, 175], 3, 100)
        .await
        .expect("variants");

    assert!(!announces_more(&page));
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].price, Some(money("10.00")));
    assert_eq!(page.data[0].inventory_level, Some(4));
    assert!(page.data[0].option_values.is_empty());
}
