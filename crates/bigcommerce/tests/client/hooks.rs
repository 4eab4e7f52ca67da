//! Webhooks: subscriptions under v3/hooks and the event bodies BigCommerce delivers.

use std::collections::HashMap;

use bigcommerce::{BcError, HookUpdate, NewHook, WebhookEvent};
use jiff::Timestamp;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::fixtures::pagination;
use crate::helpers::{STORE_HASH, spawn_api};

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
