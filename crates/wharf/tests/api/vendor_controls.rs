//! A leaked vendor token can be stopped: replaced (CLI, API, page with a confirm step) or its
//! vendor deactivated (token refused, routing stops choosing it, its stock stops counting,
//! its purchase orders stay). And the CLI names the vendor it cannot find.

use bigcommerce_sim::{ShopperLine, ShopperOrder};
use serde_json::{Value, json};

use crate::cli::wharf;
use crate::helpers::{STORE_HASH, TestApp, spawn_app};
use crate::inventory::stocked_store;
use crate::vendor_stock::{level, push, put_stock};

async fn me(app: &TestApp, token: &str) -> u16 {
    app.http
        .get(format!("{}/vendor-api/v1/me", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn output(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

async fn add_vendor(app: &TestApp, name: &str) -> (i64, String) {
    let response = app.api_post("/vendors", &json!({ "name": name })).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    (
        body["id"].as_i64().unwrap(),
        body["api_token_once"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_rotated_token_replaces_the_old_one_at_once_from_the_cli_and_the_api() {
    let app = spawn_app().await;
    let (id, old) = add_vendor(&app, "Alpha Supply").await;
    assert_eq!(me(&app, &old).await, 200);

    let rotated = wharf(&app, &["vendor", "rotate-token", "Alpha Supply"]).await;
    let text = output(&rotated);
    assert!(rotated.status.success(), "{text}");
    let new = text
        .split_whitespace()
        .find(|w| w.starts_with("whv_"))
        .expect("the new token is printed")
        .to_owned();
    assert_eq!(me(&app, &old).await, 401, "the old token fails at once");
    assert_eq!(me(&app, &new).await, 200);

    let response = app
        .api_post(&format!("/vendors/{id}/token"), &json!({}))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    let newest = body["api_token_once"].as_str().unwrap();
    assert_eq!(body["id"], id);
    assert_eq!(me(&app, &new).await, 401);
    assert_eq!(me(&app, newest).await, 200);
    let shown: Value = app
        .api_get(&format!("/vendors/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !shown.to_string().contains(newest),
        "shown once, then masked"
    );
}

#[tokio::test]
async fn the_vendors_page_replaces_a_token_only_after_a_confirm_step() {
    let app = spawn_app().await;
    let (id, old) = add_vendor(&app, "Alpha Supply").await;
    let cookie = app.session_cookie().await;
    let csrf = app.form_token(&cookie).await;
    let post = |fields: Vec<(&'static str, String)>| {
        app.http
            .post(format!("{}/vendors/{id}/token", app.address))
            .header("cookie", &cookie)
            .form(&fields)
            .send()
    };

    let asked = post(vec![("csrf_token", csrf.clone())]).await.unwrap();
    assert_eq!(asked.status(), 200);
    let page = asked.text().await.unwrap();
    assert!(page.contains("id=\"confirm-rotate\""), "{page}");
    assert_eq!(
        me(&app, &old).await,
        200,
        "nothing changed before confirming"
    );

    let confirmed = post(vec![
        ("csrf_token", csrf.clone()),
        ("confirm", "1".to_owned()),
    ])
    .await
    .unwrap();
    assert_eq!(confirmed.status(), 200);
    assert_eq!(confirmed.headers()["cache-control"], "no-store");
    let page = confirmed.text().await.unwrap();
    let marker = "id=\"vendor-token\">";
    let start = page.find(marker).expect("the new token shown") + marker.len();
    let new = &page[start..start + page[start..].find('<').unwrap()];
    assert!(new.starts_with("whv_"), "{new}");
    assert_eq!(me(&app, &old).await, 401);
    assert_eq!(me(&app, new).await, 200);

    let refused = post(vec![("confirm", "1".to_owned())]).await.unwrap();
    assert_eq!(refused.status(), 403, "a post without the form token");
    assert_eq!(me(&app, new).await, 200);
}

async fn sync_orders(app: &TestApp, store_id: i64) {
    let response = app
        .api_post(&format!("/stores/{store_id}/orders/sync"), &json!({}))
        .await;
    assert_eq!(response.status(), 200);
}

async fn orders(app: &TestApp) -> Vec<Value> {
    app.api_get("/orders").await.json().await.unwrap()
}

#[tokio::test]
async fn a_deactivated_vendor_is_refused_skipped_by_routing_and_its_stock_stops_counting() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let (product_id, variant_id, sku) = shop.by_variant[0].clone();
    put_stock(&app, &shop.token, json!([{ "sku": sku, "quantity": 8 }])).await;
    push(&app, shop.store_id).await;
    assert_eq!(level(&app, variant_id), Some(8));
    app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(product_id, Some(variant_id), 1)]),
    );
    sync_orders(&app, shop.store_id).await;
    let first = orders(&app).await;
    assert_eq!(first[0]["routing_state"], "routed");
    let first_id = first[0]["id"].as_i64().unwrap();

    let response = app
        .api_post(
            &format!("/vendors/{}/deactivate", shop.vendor_id),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["active"], false);

    assert_eq!(
        me(&app, &shop.token).await,
        401,
        "refused like a wrong token"
    );
    let detail: Value = app
        .api_get(&format!("/orders/{first_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        detail["purchase_orders"].as_array().unwrap().len(),
        1,
        "its open purchase order stays visible to the operator"
    );

    app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(product_id, Some(variant_id), 1)]),
    );
    sync_orders(&app, shop.store_id).await;
    let waiting: Vec<Value> = orders(&app)
        .await
        .into_iter()
        .filter(|o| o["id"] != first_id)
        .collect();
    assert_eq!(waiting[0]["routing_state"], "needs_attention");

    push(&app, shop.store_id).await;
    assert_eq!(
        level(&app, variant_id),
        Some(0),
        "its stock no longer counts"
    );

    let cookie = app.session_cookie().await;
    let page = app
        .get_page("/vendors", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Inactive"), "the vendor list says so");

    let response = app
        .api_post(&format!("/vendors/{}/activate", shop.vendor_id), &json!({}))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(me(&app, &shop.token).await, 200);
    assert!(
        orders(&app)
            .await
            .iter()
            .all(|o| o["routing_state"] == "routed"),
        "the waiting order is routed once the vendor is back"
    );
}

#[tokio::test]
async fn the_cli_and_the_page_deactivate_and_reactivate_a_vendor() {
    let app = spawn_app().await;
    let (id, token) = add_vendor(&app, "Alpha Supply").await;
    let off = wharf(&app, &["vendor", "deactivate", "alpha supply"]).await;
    assert!(off.status.success(), "{}", output(&off));
    assert_eq!(me(&app, &token).await, 401);
    let listed = wharf(&app, &["vendor", "list"]).await;
    assert!(output(&listed).contains("Inactive"), "{}", output(&listed));
    let on = wharf(&app, &["vendor", "activate", "Alpha Supply"]).await;
    assert!(on.status.success(), "{}", output(&on));
    assert_eq!(me(&app, &token).await, 200);

    let cookie = app.session_cookie().await;
    let csrf = app.form_token(&cookie).await;
    let post = |action: &'static str| {
        app.http
            .post(format!("{}/vendors/{id}/{action}", app.address))
            .header("cookie", &cookie)
            .form(&[("csrf_token", csrf.as_str())])
            .send()
    };
    assert_eq!(post("deactivate").await.unwrap().status(), 303);
    assert_eq!(me(&app, &token).await, 401);
    let page = app
        .get_page("/vendors", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<strong>Inactive</strong>"));
    assert_eq!(post("activate").await.unwrap().status(), 303);
    assert_eq!(me(&app, &token).await, 200);
}

#[tokio::test]
async fn the_cli_says_which_vendor_it_cannot_find() {
    let app = spawn_app().await;
    let store_id = app.connected_store().await;
    let file = app.dir.path().join("stock.csv");
    std::fs::write(&file, "sku,quantity\nA-1,1\n").unwrap();
    let file = file.to_str().unwrap();
    let store = store_id.to_string();
    for args in [
        vec!["vendor", "rotate-token", "Nobody"],
        vec!["vendor", "deactivate", "Nobody"],
        vec!["vendor", "activate", "Nobody"],
        vec!["vendor", "clear-unmatched", "Nobody"],
        vec!["vendor", "edit", "Nobody", "--name", "X"],
        vec!["inventory", "import", file, "--vendor", "Nobody"],
        vec![
            "inventory",
            "feed-add",
            "https://example.com/s.csv",
            "--vendor",
            "Nobody",
        ],
        vec!["shipments", "import", &store, file, "--vendor", "Nobody"],
    ] {
        let out = wharf(&app, &args).await;
        let text = output(&out);
        assert!(!out.status.success(), "{args:?}: {text}");
        assert!(
            text.contains("no vendor named “Nobody”"),
            "{args:?}: {text}"
        );
        assert!(!text.contains("store"), "{args:?}: {text}");
    }
    let unknown_store = wharf(&app, &["inventory", "push", "Nowhere"]).await;
    assert!(output(&unknown_store).contains("no store named “Nowhere”"));
    let by_id = wharf(&app, &["vendor", "deactivate", "999"]).await;
    assert!(output(&by_id).contains("no vendor named “999”"));
}
