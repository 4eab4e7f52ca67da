//! Which failures are sent again (a GET after a 5xx) and which are not (a POST, a timeout).

use std::time::Duration;

use bigcommerce::BcError;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::fixtures::store_json;
use crate::helpers::{spawn_api, spawn_api_with};

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
