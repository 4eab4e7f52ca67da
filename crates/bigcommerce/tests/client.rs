//! The client against a mocked BigCommerce: what it sends, how it reads answers and errors, and
//! how it paces and retries.

mod helpers;

use std::time::{Duration, Instant};

use std::collections::HashMap;

use bigcommerce::{
    Adjustment, BcError, Brand, HookUpdate, InventoryItemsQuery, InventoryTracking, ItemIdentity,
    ItemKey, ItemLocation, ItemSettings, Location, MAX_V3_PAGE_SIZE, NewHook, NewShipment,
    NewShipmentItem, OptionValue, Order, OrderProductType, OrderQuery, OrderSortField, OrderStatus,
    ProductQuery, ProductSort, ProductSortField, ShipmentItem, SortDirection, V3Page, WebhookEvent,
    rejected_identities, rejected_item_indexes,
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
    assert_eq!(
        requests[0].headers["content-type"], "application/json",
        "the specs mark Content-Type required on every request, a GET included"
    );
    assert!(
        requests[0].headers["accept-encoding"]
            .to_str()
            .unwrap()
            .contains("gzip"),
        "BigCommerce compresses when asked"
    );
}

#[tokio::test]
async fn gzipped_answers_are_decoded() {
    use std::io::Write as _;
    let api = spawn_api().await;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(store_json().to_string().as_bytes()).unwrap();
    let compressed = gzip.finish().unwrap();
    Mock::given(method("GET"))
        .and(path(api.path("v2/store")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .set_body_raw(compressed, "application/json"),
        )
        .expect(1)
        .mount(&api.server)
        .await;

    let info = api.store.store_information().await.expect("decoded");

    assert_eq!(info.id, STORE_HASH);
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

/// A shared budget that refuses its first `refusals` takes, and records what each take saw
/// and which tickets were answered.
#[derive(Debug, Default)]
struct ScriptedBudget {
    refusals: std::sync::Mutex<u32>,
    seen: std::sync::Mutex<Vec<(String, f64, Option<bigcommerce::Quota>)>>,
    issued: std::sync::Mutex<i64>,
    answered: std::sync::Mutex<Vec<i64>>,
}

impl bigcommerce::SharedBudget for ScriptedBudget {
    fn take<'a>(
        &'a self,
        store_hash: &'a str,
        share: f64,
        seen: Option<bigcommerce::Quota>,
        _answer_within: Duration,
    ) -> bigcommerce::budget::TakeFuture<'a> {
        Box::pin(async move {
            self.seen
                .lock()
                .unwrap()
                .push((store_hash.to_owned(), share, seen));
            let mut refusals = self.refusals.lock().unwrap();
            if *refusals > 0 {
                *refusals -= 1;
                return Err(Duration::from_millis(150));
            }
            let mut issued = self.issued.lock().unwrap();
            *issued += 1;
            Ok(bigcommerce::budget::Ticket(*issued))
        })
    }

    fn answered(
        &self,
        ticket: bigcommerce::budget::Ticket,
    ) -> bigcommerce::budget::AnsweredFuture<'_> {
        self.answered.lock().unwrap().push(ticket.0);
        Box::pin(async {})
    }
}

#[tokio::test]
async fn every_request_asks_the_shared_budget_and_waits_when_it_is_spent() {
    let budget = std::sync::Arc::new(ScriptedBudget::default());
    let shared = budget.clone();
    let api = spawn_api_with(move |config| {
        config.quota_share = Some(0.5);
        config.shared_budget = Some(shared);
    })
    .await;
    Mock::given(method("GET"))
        .and(path(api.path("v2/time")))
        .respond_with(
            rate_headers(ResponseTemplate::new(200), 100, 20_000).set_body_json(json!({"time": 1})),
        )
        .expect(2)
        .mount(&api.server)
        .await;

    api.store.time().await.expect("first request");
    *budget.refusals.lock().unwrap() = 2;
    let started = Instant::now();
    api.store
        .time()
        .await
        .expect("second request, after the budget frees up");

    assert!(
        started.elapsed() >= Duration::from_millis(290),
        "two refusals of 150 ms each: waited {:?}",
        started.elapsed()
    );
    let seen = budget.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 4, "one take per admission attempt: {seen:?}");
    assert!(
        seen.iter()
            .all(|(hash, share, _)| hash == STORE_HASH && *share == 0.5)
    );
    assert_eq!(seen[0].2, None, "no quota seen before the first answer");
    let quota = bigcommerce::Quota {
        requests: 150,
        window: Duration::from_secs(30),
    };
    assert_eq!(seen[3].2, Some(quota), "the headers' quota is passed on");
    // Refused takes gave their local permits back: the gate still admits at once.
    let again = Instant::now();
    Mock::given(method("GET"))
        .and(path(api.path("v2/store")))
        .respond_with(ResponseTemplate::new(200).set_body_json(store_json()))
        .mount(&api.server)
        .await;
    api.store.store_information().await.expect("third request");
    assert!(again.elapsed() < Duration::from_millis(100));
    assert_eq!(
        *budget.answered.lock().unwrap(),
        vec![1, 2, 3],
        "every ticket is handed back once its request is answered"
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
    assert!(announces_more(&page));
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

fn order_product_json(id: u64, address_id: u64) -> Value {
    json!({
        "id": id, "order_id": 120, "product_id": 77, "variant_id": 300 + id,
        "order_address_id": address_id, "name": format!("Jar {id}"), "sku": format!("JAR-{id}"),
        "type": "physical", "base_price": "10.0000", "price_ex_tax": "10.0000",
        "price_inc_tax": "10.8000", "total_inc_tax": "21.6000", "quantity": 2,
        "quantity_shipped": 0, "quantity_refunded": 0, "is_refunded": false,
        "product_options": [{"id": 1, "option_id": 5, "product_option_id": 9,
            "display_name": "Size", "display_value": "M", "value": "27", "type": "Multiple choice"}],
        "is_bundled_product": false, "parent_order_product_id": null,
        "applied_discounts": [], "configurable_fields": []
    })
}

fn order_json() -> Value {
    let mut big_consignment: Vec<Value> = (1..=50).map(|id| order_product_json(id, 7)).collect();
    big_consignment[1]["variant_id"] = json!(0);
    big_consignment[1]["product_id"] = json!(0);
    big_consignment[1]["type"] = json!("giftcertificate");
    json!({
        "id": 120, "customer_id": 0, "status_id": 11, "status": "Awaiting Fulfillment",
        "date_created": "Tue, 20 Nov 2012 00:00:00 +0000",
        "date_modified": "Wed, 15 Jan 2025 00:03:17 +0000",
        "date_shipped": "",
        "subtotal_ex_tax": "100.0000", "subtotal_inc_tax": "108.0000", "subtotal_tax": "8.0000",
        "total_ex_tax": "105.0000", "total_inc_tax": "113.4000", "total_tax": "8.4000",
        "shipping_cost_ex_tax": "5.0000", "shipping_cost_inc_tax": "5.4000",
        "items_total": 102, "items_shipped": 0, "currency_code": "EUR",
        "payment_status": "captured", "payment_method": "Credit Card", "is_deleted": false,
        "order_source": "www", "channel_id": 1, "customer_message": "", "staff_notes": "VIP",
        "billing_address": {"first_name": "Jane", "last_name": "Doe", "street_1": "1 Main St",
            "city": "Austin", "state": "Texas", "zip": 78726, "country": "United States",
            "country_iso2": "US", "email": "jane@example.com", "form_fields": []},
        "products": {"url": "https://api.bigcommerce.com/stores/abc123/v2/orders/120/products",
            "resource": "/orders/120/products"},
        "consignments": shipping_consignments(big_consignment),
    })
}

fn shipping_consignments(big_consignment: Vec<Value>) -> Value {
    let warning = "Not all line items of this consignment are returned, only 50 are included. Please use the /v2/orders/{order_id}/products endpoint to fetch all line items.";
    json!({
        "pickups": [], "downloads": [], "email": {"gift_certificates": []},
        "shipping": [
            {"id": 7, "first_name": "Jane", "last_name": "Doe", "company": "", "street_1": "1 Main St",
             "street_2": "", "city": "Austin", "state": "Texas", "zip": "78726",
             "country": "United States", "country_iso2": "US", "email": "jane@example.com",
             "phone": "", "items_total": 100, "items_shipped": 0,
             "shipping_method": "Flat Rate", "base_cost": 5.1, "shipping_zone_id": 1,
             "line_items": big_consignment,
             "__warning__": {"message": warning}},
            {"id": 8, "first_name": "John", "zip": "10001", "country_iso2": "US",
             "items_total": 2, "items_shipped": 0, "shipping_method": "Free",
             "line_items": [order_product_json(60, 8)]}
        ]
    })
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

/// A shipment as `POST`/`GET /v2/orders/{id}/shipments` answers it, addresses included.
fn shipment_json(id: u64) -> Value {
    let address = json!({
        "first_name": "Jane", "last_name": "Doe", "company": "", "street_1": "1 Main St",
        "street_2": "", "city": "Austin", "state": "Texas", "zip": 78726,
        "country": "United States", "country_iso2": "US", "email": "jane@example.com",
        "phone": "0410999888"
    });
    json!({
        "id": id, "order_id": 120, "customer_id": 0, "order_address_id": 7,
        "date_created": "Wed, 13 Mar 2019 16:35:37 +0000",
        "tracking_number": "1Z999AA10123456784", "merchant_shipping_cost": "0.0000",
        "shipping_method": "Ground", "shipping_provider": "ups", "tracking_carrier": "",
        "tracking_link": "", "comments": "first box",
        "billing_address": address, "shipping_address": address,
        "items": [
            {"order_product_id": 41, "product_id": 0, "quantity": 1},
            {"order_product_id": "42", "product_id": 77, "quantity": 2.0}
        ],
        "shipping_provider_display_name": "UPS",
        "generated_tracking_link": "https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums=1Z999AA10123456784"
    })
}

fn new_shipment() -> NewShipment {
    NewShipment {
        order_address_id: 7,
        items: vec![NewShipmentItem {
            order_product_id: 41,
            quantity: 1,
        }],
        tracking_number: "1Z999AA10123456784".into(),
        shipping_provider: String::new(),
        tracking_carrier: String::new(),
        tracking_link: None,
        shipping_method: None,
        comments: None,
    }
}

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

fn hook_json(id: u64, active: bool) -> Value {
    json!({
        "id": id, "client_id": "m9r6keqmo7h7f23btnpwernbez1kglkl", "store_hash": STORE_HASH,
        "created_at": 1561488106, "updated_at": 1561488107, "scope": "store/order/*",
        "destination": "https://wharf.example.com/webhooks", "is_active": active,
        "headers": {"X-Wharf-Secret": "s"}
    })
}

#[tokio::test]
async fn hooks_are_created_updated_listed_and_deleted() {
    let api = spawn_api().await;
    let headers = HashMap::from([("X-Wharf-Secret".to_string(), "s".to_string())]);
    Mock::given(method("POST"))
        .and(path(api.path("v3/hooks")))
        .and(body_json(json!({
            "scope": "store/order/*", "destination": "https://wharf.example.com/webhooks",
            "is_active": true, "headers": {"X-Wharf-Secret": "s"}
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": hook_json(18048287, true), "meta": {}})),
        )
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("PUT"))
        .and(path(api.path("v3/hooks/18048287")))
        .and(body_json(json!({"is_active": false})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": hook_json(18048287, false), "meta": {}})),
        )
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("GET"))
        .and(path(api.path("v3/hooks")))
        .and(query_param("page", "1"))
        .and(query_param("limit", "250"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [hook_json(1, true), hook_json(2, false)],
            "meta": {"pagination": pagination(1, 1, 250, 2)}
        })))
        .expect(1)
        .mount(&api.server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(api.path("v3/hooks/18048287")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": hook_json(18048287, false), "meta": {}})),
        )
        .expect(1)
        .mount(&api.server)
        .await;

    let created = api
        .store
        .create_hook(&NewHook {
            scope: "store/order/*".into(),
            destination: "https://wharf.example.com/webhooks".into(),
            is_active: true,
            headers: Some(headers.clone()),
        })
        .await
        .expect("created");
    let updated = api
        .store
        .update_hook(
            created.id,
            &HookUpdate {
                is_active: Some(false),
                ..HookUpdate::default()
            },
        )
        .await
        .expect("updated");
    let hooks = api.store.all_hooks().await.expect("hooks");
    api.store.delete_hook(created.id).await.expect("deleted");

    assert_eq!(created.id, 18048287);
    assert_eq!(created.store_hash, STORE_HASH);
    assert!(created.is_active);
    assert_eq!(created.headers, Some(headers));
    assert_eq!(
        created.created_at,
        Some(Timestamp::from_second(1561488106).expect("timestamp"))
    );
    assert!(!updated.is_active);
    assert_eq!(hooks.iter().map(|h| h.id).collect::<Vec<_>>(), vec![1, 2]);
}

#[tokio::test]
async fn create_hook_is_not_retried_after_500() {
    let api = spawn_api().await;
    Mock::given(method("POST"))
        .and(path(api.path("v3/hooks")))
        .and(body_json(json!({
            "scope": "store/shipment/*", "destination": "https://wharf.example.com/webhooks",
            "is_active": true
        })))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "status": 500, "title": "Internal Server Error", "type": "x"
        })))
        .expect(1)
        .mount(&api.server)
        .await;

    let err = api
        .store
        .create_hook(&NewHook {
            scope: "store/shipment/*".into(),
            destination: "https://wharf.example.com/webhooks".into(),
            is_active: true,
            headers: None,
        })
        .await
        .expect_err("500");

    assert!(
        matches!(err, BcError::Server { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(api.requests().await.len(), 1);
}

#[test]
fn webhook_events_parse_from_delivery_bodies() {
    let created = WebhookEvent::parse(
        br#"{"scope":"store/order/created","store_id":"1025646","data":{"type":"order","id":250},
            "hash":"dd70c0976e06b67aaf671e73f49dcb79230ebf9d","created_at":1561479335,
            "producer":"stores/abc123"}"#,
    )
    .expect("created");
    let status = WebhookEvent::parse(
        br#"{"scope":"store/order/statusUpdated","store_id":"1025646","data":{"type":"order",
            "id":250,"status":{"previous_status_id":0,"new_status_id":11}},"hash":"7ee6",
            "created_at":1561479335,"producer":"stores/abc123"}"#,
    )
    .expect("statusUpdated");
    let shipment = WebhookEvent::parse(
        br#"{"scope":"store/shipment/created","store_id":1025646,"data":{"type":"shipment",
            "id":12,"orderId":251},"hash":"8b98","created_at":1561482857,
            "producer":"stores/abc123"}"#,
    )
    .expect("shipment");

    assert_eq!(created.order_id(), Some(250));
    assert_eq!(created.store_hash(), Some(STORE_HASH));
    assert_eq!(created.store_id, "1025646");
    let change = status.data.status.expect("status change");
    assert_eq!((change.previous_status_id, change.new_status_id), (0, 11));
    assert_eq!(shipment.store_id, "1025646");
    assert_eq!(shipment.data.id, Some(12));
    assert_eq!(shipment.order_id(), Some(251));
}

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

/// Whether a page's numbers announce another page (what a server claims, not what a walk
/// trusts: see `PageBound`).
fn announces_more<T>(page: &bigcommerce::V3Page<T>) -> bool {
    page.pagination
        .as_ref()
        .is_some_and(|p| p.current_page < p.total_pages)
}
