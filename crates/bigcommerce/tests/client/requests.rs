//! What every request carries: token, User-Agent, JSON headers, gzip, an escaped store hash.

use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::fixtures::store_json;
use crate::helpers::{STORE_HASH, TOKEN, USER_AGENT, spawn_api};

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
async fn the_token_never_shows_in_debug_output() {
    let api = spawn_api().await;

    let printed = format!("{:?} {:?}", api.store, api.bc);

    assert!(!printed.contains(TOKEN), "{printed}");
    assert!(printed.contains(STORE_HASH));
}
