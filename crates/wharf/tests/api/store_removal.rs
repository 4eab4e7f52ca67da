//! Removing a store (issue 17): only a disabled one, its name typed to confirm; its orders kept
//! for the record or deleted as the operator chooses; its webhooks removed in BigCommerce by a
//! job that outlives the store. From the API and the CLI.

use std::time::Duration;

use serde_json::{Value, json};

use crate::cli::wharf;
use crate::helpers::{STORE_HASH, TestApp, spawn_app_with_webhooks};
use crate::shipments::shop;

/// Where each hook the simulated store holds delivers.
async fn hook_destinations(app: &TestApp) -> Vec<String> {
    let response = app
        .http
        .get(format!("{}/stores/{STORE_HASH}/v3/hooks", app.sim.base_url))
        .header("X-Auth-Token", &app.access_token)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{body:#}"))
        .iter()
        .map(|hook| hook["destination"].as_str().unwrap().to_owned())
        .collect()
}

/// Waits (for the queued jobs) until the store's hooks deliver to exactly these destinations.
async fn wait_for_hooks(app: &TestApp, expected: &[&str]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let mut destinations = hook_destinations(app).await;
        destinations.sort();
        destinations.dedup();
        if destinations == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "hooks deliver to {destinations:?}, never to only {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Creates a hook in BigCommerce, as another app (or a wharf whose disable never reached
/// BigCommerce) would have.
async fn create_hook(app: &TestApp, destination: &str) {
    let response = app
        .http
        .post(format!("{}/stores/{STORE_HASH}/v3/hooks", app.sim.base_url))
        .header("X-Auth-Token", &app.access_token)
        .json(&json!({
            "scope": "store/order/created",
            "destination": destination,
            "is_active": true,
        }))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap()
    );
}

const OTHER_APP: &str = "https://other-app.example.com/hooks";

/// A connected, imported store with one order, disabled, its webhooks removed by the disable;
/// then a hook of wharf's left behind in BigCommerce and one of another app. Returns the store
/// id, the order's id and wharf's destination for the store.
async fn disabled_store_with_an_order(app: &TestApp) -> (i64, i64, String) {
    let shop = shop(app).await;
    let (_, order_id) = shop.order(app, &[(0, 1, 0)]).await;
    let store_id = shop.store_id;
    let ours = format!("{}/webhooks/bigcommerce/{store_id}", app.address);
    wait_for_hooks(app, &[&ours]).await;
    let disabled = app
        .api_post(&format!("/stores/{store_id}/disable"), &json!({}))
        .await;
    assert_eq!(disabled.status(), 200);
    wait_for_hooks(app, &[]).await;
    create_hook(app, &ours).await;
    create_hook(app, OTHER_APP).await;
    (store_id, order_id, ours)
}

async fn remove(app: &TestApp, store_id: i64, query: &[(&str, &str)]) -> reqwest::Response {
    app.http
        .delete(format!("{}/api/v1/stores/{store_id}", app.address))
        .basic_auth(
            crate::helpers::ADMIN_USER,
            Some(crate::helpers::ADMIN_PASSWORD),
        )
        .query(query)
        .send()
        .await
        .unwrap()
}

async fn json_of(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app.api_get(path).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn order_ids(app: &TestApp) -> Vec<i64> {
    let (status, orders) = json_of(app, "/orders").await;
    assert_eq!(status, 200, "{orders:#}");
    orders
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn an_enabled_store_or_a_wrong_name_removes_nothing() {
    let app = spawn_app_with_webhooks().await;
    let shop = shop(&app).await;
    let (_, order_id) = shop.order(&app, &[(0, 1, 0)]).await;
    let id = shop.store_id;

    let enabled = remove(&app, id, &[("confirm_name", "Main store")]).await;
    assert_eq!(enabled.status(), 409);
    let reason: Value = enabled.json().await.unwrap();
    assert!(
        reason["error"].as_str().unwrap().contains("Disable"),
        "{reason:#}"
    );

    app.api_post(&format!("/stores/{id}/disable"), &json!({}))
        .await;
    for wrong in [
        vec![("confirm_name", "Main")],
        vec![],
        vec![("confirm_name", "main store"), ("orders", "delete")],
    ] {
        let refused = remove(&app, id, &wrong).await;
        assert_eq!(refused.status(), 422, "{wrong:?}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["fields"][0]["field"], "confirm_name", "{body:#}");
        assert!(
            body["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("“Main store”"),
            "{body:#}"
        );
    }
    let unreadable = remove(
        &app,
        id,
        &[("confirm_name", "Main store"), ("orders", "lose")],
    )
    .await;
    assert_eq!(unreadable.status(), 422);
    let body: Value = unreadable.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "orders", "{body:#}");

    let (status, store) = json_of(&app, &format!("/stores/{id}")).await;
    assert_eq!(status, 200, "the store is still there: {store:#}");
    assert_eq!(order_ids(&app).await, vec![order_id]);
    assert_eq!(
        remove(&app, 999_999, &[("confirm_name", "x")])
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_store_removed_keeping_its_orders_leaves_every_list_but_its_orders_stay() {
    let app = spawn_app_with_webhooks().await;
    let (id, order_id, _) = disabled_store_with_an_order(&app).await;

    let removed = remove(
        &app,
        id,
        &[("confirm_name", "Main store"), ("orders", "keep")],
    )
    .await;
    assert_eq!(removed.status(), 200);
    let removed: Value = removed.json().await.unwrap();
    assert_eq!(
        removed,
        json!({ "id": id, "name": "Main store", "orders": "keep", "order_count": 1 })
    );
    // wharf's hook is gone from BigCommerce; another app's stays.
    wait_for_hooks(&app, &[OTHER_APP]).await;

    let (_, stores) = json_of(&app, "/stores").await;
    assert_eq!(stores, json!([]), "the store left the list");
    assert_eq!(json_of(&app, &format!("/stores/{id}")).await.0, 404);
    let (_, products) = json_of(&app, &format!("/products?store_id={id}")).await;
    assert_eq!(products["total"].as_i64().unwrap_or(0), 0, "{products:#}");
    assert_eq!(
        json_of(&app, &format!("/stores/{id}/assignments")).await.0,
        404
    );
    // The order stays readable, with its purchase order, naming the removed store.
    assert_eq!(order_ids(&app).await, vec![order_id]);
    let (status, order) = json_of(&app, &format!("/orders/{order_id}")).await;
    assert_eq!(status, 200, "{order:#}");
    assert_eq!(order["order"]["store_id"], id, "{order:#}");
    assert_eq!(order["purchase_orders"].as_array().unwrap().len(), 1);
    // Removed twice is not found; the name is free for a store added again.
    assert_eq!(
        remove(&app, id, &[("confirm_name", "Main store")])
            .await
            .status(),
        404
    );
    let again = app
        .api_post(
            "/stores",
            &app.another_store_input("Main store", "mainagain1"),
        )
        .await;
    assert_eq!(again.status(), 201, "{}", again.text().await.unwrap());
}

#[tokio::test]
async fn a_store_removed_with_its_orders_takes_them_along_and_still_loses_its_webhooks() {
    let app = spawn_app_with_webhooks().await;
    let (id, order_id, _) = disabled_store_with_an_order(&app).await;

    let removed = remove(
        &app,
        id,
        &[("confirm_name", "Main store"), ("orders", "delete")],
    )
    .await;
    assert_eq!(removed.status(), 200);
    let removed: Value = removed.json().await.unwrap();
    assert_eq!(removed["orders"], "delete");
    assert_eq!(removed["order_count"], 1);
    // The store's row is gone, and the job still reaches BigCommerce with its token.
    wait_for_hooks(&app, &[OTHER_APP]).await;

    assert_eq!(order_ids(&app).await, Vec::<i64>::new());
    assert_eq!(json_of(&app, &format!("/orders/{order_id}")).await.0, 404);
    assert_eq!(json_of(&app, &format!("/stores/{id}")).await.0, 404);
    let (_, stores) = json_of(&app, "/stores").await;
    assert_eq!(stores, json!([]));
}

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn a_store_is_removed_from_the_cli_keeping_its_orders() {
    let app = spawn_app_with_webhooks().await;
    let shop = shop(&app).await;
    let (_, order_id) = shop.order(&app, &[(0, 1, 0)]).await;
    let remove = |confirm: &'static str| {
        let app = &app;
        async move {
            wharf(
                app,
                &[
                    "store",
                    "remove",
                    "--store",
                    "Main store",
                    "--confirm-name",
                    confirm,
                ],
            )
            .await
        }
    };

    let enabled = remove("Main store").await;
    assert!(!enabled.status.success(), "{}", text(&enabled));
    assert!(text(&enabled).contains("Disable"), "{}", text(&enabled));
    let ours = format!("{}/webhooks/bigcommerce/{}", app.address, shop.store_id);
    wait_for_hooks(&app, &[&ours]).await;
    assert!(
        wharf(&app, &["store", "disable", "Main store"])
            .await
            .status
            .success()
    );
    wait_for_hooks(&app, &[]).await;
    create_hook(&app, &ours).await;

    let wrong = remove("Main").await;
    assert_eq!(wrong.status.code(), Some(2), "{}", text(&wrong));
    assert!(text(&wrong).contains("--confirm-name"), "{}", text(&wrong));
    assert_eq!(
        json_of(&app, &format!("/stores/{}", shop.store_id)).await.0,
        200
    );

    let removed = remove("Main store").await;
    assert!(removed.status.success(), "{}", text(&removed));
    assert!(
        text(&removed).contains("1 order(s) kept"),
        "{}",
        text(&removed)
    );
    wait_for_hooks(&app, &[]).await;
    assert_eq!(order_ids(&app).await, vec![order_id]);
    let listed = text(&wharf(&app, &["store", "list"]).await);
    assert!(!listed.contains("Main store"), "{listed}");
}

#[tokio::test]
async fn a_store_is_removed_from_the_cli_with_its_orders() {
    let app = spawn_app_with_webhooks().await;
    let (id, _, _) = disabled_store_with_an_order(&app).await;
    let removed = wharf(
        &app,
        &[
            "store",
            "remove",
            "--store",
            &id.to_string(),
            "--confirm-name",
            "Main store",
            "--delete-orders",
        ],
    )
    .await;
    assert!(removed.status.success(), "{}", text(&removed));
    assert!(
        text(&removed).contains("1 order(s) deleted"),
        "{}",
        text(&removed)
    );
    wait_for_hooks(&app, &[OTHER_APP]).await;
    assert_eq!(order_ids(&app).await, Vec::<i64>::new());
}
