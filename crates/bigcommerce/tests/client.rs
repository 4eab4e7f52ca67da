//! The client against a mocked BigCommerce: what it sends, how it reads answers and errors, and
//! how it paces and retries.

mod helpers;

use std::time::{Duration, Instant};

use bigcommerce::{
    BcError, Brand, InventoryTracking, MAX_V3_PAGE_SIZE, OptionValue, OrderStatus, ProductQuery,
    ProductSort, ProductSortField, SortDirection, V3Page,
};
use helpers::{STORE_HASH, TOKEN, USER_AGENT, rate_headers, spawn_api, spawn_api_with};
use jiff::Timestamp;
use rust_decimal::Decimal;
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

fn store_json() -> Value {
    json!({
        "id": STORE_HASH,
        "account_uuid": "8d4d492f-17a1-4d95-b396-e1c5720815a5",
        "domain": "my-awesome.store",
        "secure_url": "https://my-awesome.store",
        "control_panel_base_url": "https://store-abc123.mybigcommerce.com",
        "status": "live",
        "name": "Awesome",
        "plan_name": "Standard",
        "store_id": 4884484848484u64,
        "logo": [],
        "features": { "stencil_enabled": true }
    })
}

#[tokio::test]
async fn every_request_carries_token_user_agent_and_accept() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/store")))
        .and(header("X-Auth-Token", TOKEN))
        .and(header("User-Agent", USER_AGENT))
        .and(header("Accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(store_json()))
        .expect(1)
        .mount(&api.server)
        .await;

    let info = api
        .store
        .store_information()
        .await
        .expect("store information");

    assert_eq!(info.id, STORE_HASH);
    assert_eq!(info.domain.as_deref(), Some("my-awesome.store"));
    assert_eq!(info.status.as_deref(), Some("live"));
    assert_eq!(info.store_id, Some(4884484848484));
    assert_eq!(info.plan_level, None);
    let requests = api.requests().await;
    assert!(
        requests[0].headers.get("content-type").is_none(),
        "a GET has no body, so no Content-Type"
    );
}

#[tokio::test]
async fn writes_send_json_with_content_type() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders/7/shipments")))
        .and(header("Content-Type", "application/json"))
        .and(header("X-Auth-Token", TOKEN))
        .and(body_json(json!({"tracking_number": "1Z"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 5})))
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(api.path("v2/orders/7")))
        .and(header("Content-Type", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 7})))
        .expect(1)
        .mount(&api.server)
        .await;

    let created: Value = api
        .store
        .post_json("v2/orders/7/shipments", &json!({"tracking_number": "1Z"}))
        .await
        .expect("created");
    let updated: Value = api
        .store
        .put_json("v2/orders/7", &json!({"status_id": 2}))
        .await
        .expect("updated");

    assert_eq!(created["id"], 5);
    assert_eq!(updated["id"], 7);
}

#[tokio::test]
async fn store_hash_is_path_escaped() {
    let api = spawn_api().await;
    let odd = api.bc.store("a/b?c", SecretString::from(TOKEN));
    Mock::given(method("GET"))
        .and(path("/stores/a%2Fb%3Fc/v2/time"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"time": 1529512970})))
        .expect(1)
        .mount(&api.server)
        .await;

    let time = odd.time().await.expect("time");

    assert_eq!(time.as_second(), 1529512970);
}

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
        matches!(&unauthorized, Err(BcError::Unauthorized { message }) if message == "Token invalid"),
        "{unauthorized:?}"
    );
    assert!(
        matches!(&forbidden, Err(BcError::Forbidden { message }) if message.contains("scope")),
        "{forbidden:?}"
    );
    assert!(
        matches!(&not_found, Err(BcError::NotFound { message }) if message == "The requested resource was not found."),
        "{not_found:?}"
    );
}

#[tokio::test]
async fn a_429_waits_for_retry_after_when_it_is_the_longer() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/time")))
        .respond_with(
            rate_headers(ResponseTemplate::new(429), 0, 200).insert_header("X-Retry-After", "1"),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/time")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"time": 1})))
        .expect(1)
        .mount(&api.server)
        .await;

    let started = Instant::now();
    api.store.time().await.expect("succeeds after the wait");

    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_429_waits_for_the_reset_when_it_is_the_longer_even_for_post() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders/7/shipments")))
        .respond_with(
            rate_headers(ResponseTemplate::new(429), 0, 400).insert_header("X-Retry-After", "0"),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders/7/shipments")))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .expect(1)
        .mount(&api.server)
        .await;

    let started = Instant::now();
    let _: Value = api
        .store
        .post_json("v2/orders/7/shipments", &json!({}))
        .await
        .expect("a 429 was not processed, so even a POST is sent again");

    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn persistent_429s_give_up_with_rate_limited() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/time")))
        .respond_with(rate_headers(ResponseTemplate::new(429), 0, 20))
        .expect(4)
        .mount(&api.server)
        .await;

    let err = api.store.time().await.expect_err("quota never frees up");

    assert!(matches!(err, BcError::RateLimited { .. }), "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn a_429_without_headers_backs_off_then_retries() {
    let api = spawn_api_with(|config| config.retry_base_delay = Duration::from_millis(100)).await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/time")))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/time")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"time": 1})))
        .expect(1)
        .mount(&api.server)
        .await;

    let started = Instant::now();
    api.store.time().await.expect("succeeds after backing off");

    assert!(
        started.elapsed() >= Duration::from_millis(100),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_operator_ceiling_spaces_requests_out() {
    let api = spawn_api_with(|config| {
        config.max_requests_per_window = Some((2, Duration::from_millis(400)));
    })
    .await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/time")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"time": 1})))
        .expect(3)
        .mount(&api.server)
        .await;

    let started = Instant::now();
    for _ in 0..3 {
        api.store.time().await.expect("time");
    }

    // A burst of two, then one more every 200 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(180),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn low_requests_left_holds_the_next_request_until_the_reset() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/time")))
        .respond_with(
            rate_headers(ResponseTemplate::new(200), 3, 300).set_body_json(json!({"time": 1})),
        )
        .mount(&api.server)
        .await;
    let other_store = api.bc.store("other", SecretString::from(TOKEN));
    Mock::given(method("GET"))
        .and(path("/stores/other/v2/time"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"time": 1})))
        .mount(&api.server)
        .await;
    // A second client for the same store, as another task would hold.
    let same_store = api.bc.store(STORE_HASH, SecretString::from(TOKEN));

    api.store.time().await.expect("first request");
    let status = same_store.rate_limit_status();
    let unrelated = Instant::now();
    other_store.time().await.expect("another store is not held");
    let unrelated = unrelated.elapsed();
    let held = Instant::now();
    same_store.time().await.expect("held request");
    let held = held.elapsed();

    assert_eq!(status.left, Some(3));
    assert_eq!(status.quota, Some(150));
    assert_eq!(status.window, Some(Duration::from_secs(30)));
    assert!(
        status
            .reset_in
            .is_some_and(|r| r <= Duration::from_millis(300))
    );
    assert!(held >= Duration::from_millis(250), "held only {held:?}");
    assert!(
        unrelated < Duration::from_millis(250),
        "other store waited {unrelated:?}"
    );
}

#[tokio::test]
async fn get_is_retried_after_500_then_succeeds() {
    let api = spawn_api().await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/store")))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .expect(2)
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/store")))
        .respond_with(ResponseTemplate::new(200).set_body_json(store_json()))
        .expect(1)
        .mount(&api.server)
        .await;

    let info = api
        .store
        .store_information()
        .await
        .expect("third attempt works");

    assert_eq!(info.name.as_deref(), Some("Awesome"));
}

#[tokio::test]
async fn get_gives_up_after_max_retries() {
    let api = spawn_api_with(|config| config.max_retries = 2).await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/store")))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&api.server)
        .await;

    let err = api
        .store
        .store_information()
        .await
        .expect_err("503 throughout");

    assert!(
        matches!(err, BcError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert!(err.is_transient());
}

#[tokio::test]
async fn post_is_not_retried_after_500() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders/7/shipments")))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!([{"status": 500, "message": "boom"}])),
        )
        .expect(1)
        .mount(&api.server)
        .await;

    let err = api
        .store
        .post_json::<_, Value>("v2/orders/7/shipments", &json!({}))
        .await
        .expect_err("500");

    assert!(
        matches!(&err, BcError::Server { status: 500, message } if message == "boom"),
        "{err:?}"
    );
    assert_eq!(api.requests().await.len(), 1);
}

#[tokio::test]
async fn post_timeout_is_reported_and_not_retried() {
    let api = spawn_api_with(|config| config.request_timeout = Duration::from_millis(200)).await;
    Mock::given(method("POST"))
        .and(path(api.path("v2/orders/7/shipments")))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_millis(600)))
        .mount(&api.server)
        .await;

    let err = api
        .store
        .post_json::<_, Value>("v2/orders/7/shipments", &json!({}))
        .await
        .expect_err("timed out");

    assert!(matches!(err, BcError::Timeout), "{err:?}");
    assert_eq!(api.requests().await.len(), 1);
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
    assert!(page.has_next_page());
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
async fn the_token_never_shows_in_debug_output() {
    let api = spawn_api().await;

    let printed = format!("{:?} {:?}", api.store, api.bc);

    assert!(!printed.contains(TOKEN), "{printed}");
    assert!(printed.contains(STORE_HASH));
}

fn pagination(current: u32, total_pages: u32, per_page: u32, total: u64) -> Value {
    let next = if current < total_pages {
        format!("?page={}&limit={per_page}", current + 1)
    } else {
        String::new()
    };
    json!({
        "total": total, "count": per_page, "per_page": per_page,
        "current_page": current, "total_pages": total_pages,
        "links": {"current": format!("?page={current}&limit={per_page}"), "next": next}
    })
}

fn money(text: &str) -> Decimal {
    text.parse().expect("decimal literal")
}

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

    assert!(products.data.is_empty() && !products.has_next_page());
    assert!(variants.data.is_empty() && !variants.has_next_page());
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
            "option_values": null
        }
    ]);
    let jar = json!({
        "id": 174, "name": "1L Le Parfait Jar", "type": "physical",
        "sku": "OTS", "upc": "", "gtin": "", "mpn": "LP-1L",
        "brand_id": 37, "price": 12.99, "cost_price": "7.50",
        "sale_price": 0, "calculated_price": 12.99,
        "inventory_tracking": "variant", "inventory_level": 0,
        "is_visible": true, "base_variant_id": null,
        "date_created": "2018-08-15T14:49:05+00:00",
        "date_modified": "2018-08-24T14:41:00+00:00",
        "custom_url": {"url": "/le-parfait-jar/", "is_customized": false},
        "variants": jar_variants
    });
    let caddy = json!({
        "id": 175, "name": "Utility Caddy", "sku": "", "brand_id": 0,
        "price": "10", "cost_price": 0, "inventory_tracking": "product",
        "inventory_level": 7, "is_visible": false, "base_variant_id": 384,
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

    assert!(!page.has_next_page());
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

    assert_eq!(caddy.sku, None);
    assert_eq!(caddy.brand_id, None, "brand_id 0 means no brand");
    assert_eq!(caddy.price, Some(money("10")));
    assert_eq!(caddy.cost_price, Some(Decimal::ZERO));
    assert_eq!(caddy.inventory_tracking, InventoryTracking::Product);
    assert_eq!(caddy.inventory_level, Some(7));
    assert_eq!(caddy.base_variant_id, Some(384));
    let modified: Timestamp = "1990-12-30T00:29:23.515Z".parse().expect("timestamp");
    assert_eq!(caddy.date_modified, Some(modified));
    let base = &caddy.variants.as_deref().expect("base variant")[0];
    assert_eq!((base.sku_id, base.price), (None, Some(money("10"))));
    assert!(base.option_values.is_empty());

    assert_eq!(wrap.inventory_tracking, InventoryTracking::None);
    assert_eq!((wrap.price, wrap.date_modified), (None, None));
    assert_eq!((wrap.brand_id, wrap.inventory_level), (None, None));
    assert_eq!(wrap.variants, None, "no include=variants, no list");

    assert_eq!(odd.inventory_tracking, InventoryTracking::Unknown);
    assert_eq!((odd.price, odd.date_modified), (None, None));
}

#[tokio::test]
async fn unreadable_money_or_dates_are_decode_errors() {
    for bad in [
        json!({"id": 1, "name": "x", "price": "twelve"}),
        json!({"id": 1, "name": "x", "date_modified": "2018-08-24 14:41:00"}),
    ] {
        let api = spawn_api().await;
        Mock::given(method("GET"))
            .and(path(api.path("v3/catalog/products")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [bad]})))
            .mount(&api.server)
            .await;

        let err = api
            .store
            .products_page(&ProductQuery::default())
            .await
            .expect_err("undecodable product");

        assert!(matches!(err, BcError::Decode { .. }), "{err:?}");
    }
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
async fn all_product_variants_follows_the_next_link_and_stops_on_an_empty_page() {
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
        .expect(1)
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

    assert!(!page.has_next_page());
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].price, Some(money("10.00")));
    assert_eq!(page.data[0].inventory_level, Some(4));
    assert!(page.data[0].option_values.is_empty());
}
