//! Pacing: 429s, the operator's ceiling, the shared budget and the rate-limit headers.

use std::time::{Duration, Instant};

use bigcommerce::BcError;
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::fixtures::store_json;
use crate::helpers::{STORE_HASH, TOKEN, rate_headers, spawn_api, spawn_api_with};

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
