//! A vendor's own BigCommerce store: a `stores` row with its vendor set. It shares the sales
//! stores' hash claim, but no reader of sales stores (lists, pages, syncs) ever sees it, and a
//! delivery from it never creates merchant orders.

use std::time::Duration;

use bigcommerce_sim::{CatalogSeed, ShopperLine, ShopperOrder};
use serde_json::{Value, json};

use crate::helpers::{
    STORE_HASH, TestApp, spawn_app, spawn_app_with_webhooks, spawn_app_without_workers,
};

pub(crate) const VENDOR_HASH: &str = "vendorshop1";
/// What a vendor's API account is asked for (the simulator's names for them).
pub(crate) const VENDOR_SCOPES: &[&str] = &[
    "store_v2_orders",
    "store_v2_products_read_only",
    "store_v2_information_read_only",
    "store_inventory_read_only",
];

/// The vendor's own BigCommerce store in the simulator, made through its control API like any
/// client would; returns its domain.
pub(crate) async fn vendor_sim_store(app: &TestApp, hash: &str) -> String {
    let response = app
        .http
        .post(format!("{}/__sim/stores", app.sim.base_url))
        .json(&json!({ "hash": hash }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{response:?}");
    let spec: Value = response.json().await.unwrap();
    spec["domain"].as_str().unwrap().to_owned()
}

/// A token on the vendor's simulated store with these scopes.
pub(crate) async fn vendor_token(app: &TestApp, hash: &str, scopes: &[&str]) -> String {
    let token = format!("vtok_{}", uuid::Uuid::new_v4().simple());
    let response = app
        .http
        .post(format!("{}/__sim/stores/{hash}/tokens", app.sim.base_url))
        .json(&json!({ "access_token": token, "scopes": scopes }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    token
}

/// The vendor store form, filled in for the vendor's simulated store.
async fn vendor_store_form(app: &TestApp, hash: &str, scopes: &[&str]) -> Value {
    let domain = vendor_sim_store(app, hash).await;
    json!({
        "store_url": domain,
        "store_hash": format!("https://api.bigcommerce.com/stores/{hash}/v3/"),
        "client_id": "vendor-client",
        "client_secret": format!("vsecret_{}", uuid::Uuid::new_v4().simple()),
        "access_token": vendor_token(app, hash, scopes).await,
    })
}

/// The hooks the vendor's simulated store holds for the API account of `token`.
async fn vendor_hooks(app: &TestApp, token: &str) -> Vec<String> {
    let response = app
        .http
        .get(format!(
            "{}/stores/{VENDOR_HASH}/v3/hooks",
            app.sim.base_url
        ))
        .header("X-Auth-Token", token)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    let mut scopes: Vec<String> = body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{body:#}"))
        .iter()
        .map(|hook| hook["scope"].as_str().unwrap().to_owned())
        .collect();
    scopes.sort();
    scopes
}

async fn api_put(app: &TestApp, path: &str, body: &Value) -> reqwest::Response {
    app.http
        .put(format!("{}/api/v1{path}", app.address))
        .basic_auth(
            crate::helpers::ADMIN_USER,
            Some(crate::helpers::ADMIN_PASSWORD),
        )
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn api_delete(app: &TestApp, path: &str) -> reqwest::Response {
    app.http
        .delete(format!("{}/api/v1{path}", app.address))
        .basic_auth(
            crate::helpers::ADMIN_USER,
            Some(crate::helpers::ADMIN_PASSWORD),
        )
        .send()
        .await
        .unwrap()
}

async fn connect(app: &TestApp, vendor: i64) -> Value {
    let response = app
        .api_post(
            &format!("/vendors/{vendor}/bigcommerce/connect"),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn wait_until<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(tokio::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn add_vendor(app: &TestApp, name: &str) -> i64 {
    let response = app.api_post("/vendors", &json!({ "name": name })).await;
    assert_eq!(response.status(), 201);
    let vendor: Value = response.json().await.unwrap();
    vendor["id"].as_i64().unwrap()
}

/// A vendor store row as the connect use case saves it (sealed secrets are opaque here).
async fn insert_vendor_store(
    app: &TestApp,
    vendor_id: i64,
    store_hash: &str,
) -> Result<i64, wharf::db::DbError> {
    let name = format!("vendor {vendor_id} store");
    let row = wharf::db::stores::NewStoreRow {
        name: &name,
        auth_type: "private",
        store_url: &app.store_spec.domain,
        store_hash,
        client_id: "client-id",
        client_secret_sealed: "sealed",
        client_secret_last4: "1234",
        access_token_sealed: "sealed",
        access_token_last4: "1234",
        vendor_id: Some(vendor_id),
    };
    wharf::db::stores::insert(&app.app.db, &row).await
}

#[tokio::test]
async fn a_vendor_store_is_no_sales_store_but_shares_the_hash_claim() {
    let app = spawn_app_without_workers().await;
    let acme = add_vendor(&app, "Acme Supply").await;
    let store_id = insert_vendor_store(&app, acme, "vendorhash1")
        .await
        .unwrap();

    let db = &app.app.db;
    assert!(wharf::db::stores::list(db).await.unwrap().is_empty());
    assert!(
        wharf::db::stores::get(db, store_id)
            .await
            .unwrap()
            .is_none()
    );
    let any = wharf::db::stores::get_any(db, store_id).await.unwrap();
    assert_eq!(any.and_then(|s| s.vendor_id), Some(acme));
    let stores: Vec<Value> = app.api_get("/stores").await.json().await.unwrap();
    assert!(stores.is_empty(), "{stores:#?}");
    assert_eq!(
        app.api_get(&format!("/stores/{store_id}")).await.status(),
        404
    );

    let shown = app.app.vendor_store(acme).await.unwrap().unwrap();
    assert_eq!(shown.store_id, store_id);
    assert_eq!(shown.vendor_name, "Acme Supply");
    assert_eq!(shown.settings.order_status_id, 11);
    assert_eq!(
        app.app.vendor_for_store(store_id).await.unwrap(),
        Some(acme)
    );
    assert_eq!(app.app.list_vendor_stores().await.unwrap().len(), 1);

    // The same BigCommerce store as a sales store: refused on its field, naming the vendor.
    let mut input = app.store_input("Main");
    input["store_hash"] = json!("VendorHash1");
    let response = app.api_post("/stores", &input).await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(body.contains("store_hash"), "{body}");
    assert!(body.contains("vendor “Acme Supply”"), "{body}");

    // As another vendor's store, or a second store of the same vendor: refused too.
    let other = add_vendor(&app, "Beta Goods").await;
    assert!(matches!(
        insert_vendor_store(&app, other, "vendorhash1").await,
        Err(wharf::db::DbError::Duplicate("store_hash"))
    ));
    assert!(matches!(
        insert_vendor_store(&app, acme, "vendorhash2").await,
        Err(wharf::db::DbError::Duplicate("vendor"))
    ));
    // A sales store may still be called what a vendor store is called inside.
    let mut named = app.store_input(&format!("vendor {acme} store"));
    named["store_hash"] = json!(STORE_HASH);
    assert_eq!(app.api_post("/stores", &named).await.status(), 201);
}

#[tokio::test]
async fn a_vendor_has_no_store_until_it_connects_one() {
    let app = spawn_app().await;
    let acme = add_vendor(&app, "Acme Supply").await;
    assert!(app.app.vendor_store(acme).await.unwrap().is_none());
    assert!(app.app.vendor_store_client(acme).await.is_err());
    assert!(
        app.app.vendor_store(acme + 100).await.is_err(),
        "no such vendor"
    );
}

#[tokio::test]
async fn a_vendor_store_connects_green_registers_its_hooks_and_its_orders_stay_its_own() {
    let app = spawn_app_with_webhooks().await;
    let acme = add_vendor(&app, "Acme Supply").await;
    let form = vendor_store_form(&app, VENDOR_HASH, VENDOR_SCOPES).await;
    let saved = api_put(&app, &format!("/vendors/{acme}/bigcommerce"), &form).await;
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(saved["connection"]["status"], "unchecked");
    assert_eq!(saved["store_hash"], VENDOR_HASH);
    assert_eq!(saved["vendor_name"], "Acme Supply");

    let connected = connect(&app, acme).await;
    assert_eq!(
        connected["connection"]["status"], "connected",
        "{connected:#}"
    );
    let labels: Vec<&str> = connected["connection"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["scope"].as_str())
        .collect();
    for scope in [
        "orders_modify",
        "products_read",
        "inventory_read",
        "store_information_read",
    ] {
        assert!(labels.contains(&scope), "{scope} checked: {labels:?}");
    }
    assert!(
        !labels.contains(&"inventory_modify"),
        "a vendor store's stock is never written"
    );

    // The hooks a vendor store needs, on the vendor's store, by the job Connect queued.
    let token = form["access_token"].as_str().unwrap();
    let mut expected: Vec<String> = wharf::channels::bigcommerce::webhooks::VENDOR_HOOK_SCOPES
        .iter()
        .map(|s| s.to_string())
        .collect();
    expected.sort();
    wait_until("the vendor store's hooks were registered", || async {
        vendor_hooks(&app, token).await.len() >= expected.len()
    })
    .await;
    assert_eq!(vendor_hooks(&app, token).await, expected);
    for scope in [
        "store/sku/inventory/updated",
        "store/product/inventory/updated",
    ] {
        assert!(expected.iter().any(|s| s == scope), "{scope}");
    }

    // An order placed in the vendor's store is delivered to wharf, and makes no merchant order.
    let seeded = app.sim.simulator.seed_catalog(
        VENDOR_HASH,
        CatalogSeed {
            products: 1,
            variants_per_product: 1,
        },
    );
    let product = app
        .sim
        .simulator
        .product(VENDOR_HASH, seeded.product_ids[0])
        .unwrap();
    let line = ShopperLine::catalog(product.id(), Some(product.variants()[0].id()), 1);
    app.sim
        .simulator
        .place_order(VENDOR_HASH, ShopperOrder::new(vec![line]));
    let store_id = connected["store_id"].as_i64().unwrap();
    wait_until("the vendor store's deliveries were received", || async {
        wharf::db::webhooks::count_events(&app.app.db, store_id)
            .await
            .unwrap()
            >= 2
    })
    .await;
    // A delivery queues its work in the transaction that records it: none was queued.
    use sqlx::Row;
    let kinds: Vec<String> = sqlx::query("SELECT kind FROM jobs WHERE store_id = $1")
        .bind(store_id)
        .fetch_all(app.app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| row.get("kind"))
        .filter(|kind: &String| kind != "webhooks.register")
        .collect();
    assert!(kinds.is_empty(), "no sales-store job: {kinds:?}");
    let orders: Vec<Value> = app.api_get("/orders").await.json().await.unwrap();
    assert!(orders.is_empty(), "no merchant order: {orders:#?}");
}

#[tokio::test]
async fn missing_scopes_are_named_in_words_and_a_new_token_turns_it_green() {
    let app = spawn_app().await;
    let acme = add_vendor(&app, "Acme Supply").await;
    let form = vendor_store_form(&app, VENDOR_HASH, &["store_v2_orders_read_only"]).await;
    let path = format!("/vendors/{acme}/bigcommerce");
    assert_eq!(api_put(&app, &path, &form).await.status(), 200);

    let red = connect(&app, acme).await;
    assert_eq!(red["connection"]["status"], "failed");
    let failures: Vec<&str> = red["connection"]["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for missing in [
        "Missing scope: Orders (modify)",
        "Missing scope: Products (read)",
        "Missing scope: Inventory (read)",
        "Missing scope: Information & Settings (read)",
    ] {
        assert!(failures.contains(&missing), "{missing} in {failures:?}");
    }
    let how = red["scopes_to_tick"].as_str().unwrap();
    assert!(how.contains("Settings › API"), "{how}");
    assert!(
        how.contains("Orders: modify") && how.contains("Inventory: read-only"),
        "{how}"
    );

    // Only the token changes; the secret left out is kept.
    let token = vendor_token(&app, VENDOR_HASH, VENDOR_SCOPES).await;
    let fixed = api_put(&app, &path, &json!({ "access_token": token })).await;
    assert_eq!(fixed.status(), 200);
    let fixed: Value = fixed.json().await.unwrap();
    assert_eq!(
        fixed["connection"]["status"], "unchecked",
        "new credentials"
    );
    assert_eq!(fixed["client_secret"], red["client_secret"], "secret kept");
    assert_eq!(
        connect(&app, acme).await["connection"]["status"],
        "connected"
    );
}

#[tokio::test]
async fn bad_fields_and_hashes_in_use_are_refused_on_their_fields() {
    let app = spawn_app().await;
    let acme = add_vendor(&app, "Acme Supply").await;
    let path = format!("/vendors/{acme}/bigcommerce");

    let bad = json!({ "store_url": "http://x", "store_hash": "no/hash", "client_id": "" });
    let response = api_put(&app, &path, &bad).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let text = body.to_string();
    for field in [
        "store_url",
        "store_hash",
        "client_id",
        "client_secret",
        "access_token",
    ] {
        assert!(
            text.contains(&format!("\"{field}\"")),
            "{field} named: {text}"
        );
    }
    assert_eq!(app.api_get(&path).await.status(), 404, "nothing stored");

    // The merchant's sales store cannot be a vendor's store too.
    let main = app.add_store(&app.store_input("Main")).await;
    let mut sales = vendor_store_form(&app, "unused1", VENDOR_SCOPES).await;
    sales["store_hash"] = json!(STORE_HASH);
    let response = api_put(&app, &path, &sales).await;
    assert_eq!(response.status(), 422);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("store_hash") && text.contains("“Main”"),
        "{text}"
    );

    // Nor another vendor's.
    let form = vendor_store_form(&app, VENDOR_HASH, VENDOR_SCOPES).await;
    assert_eq!(api_put(&app, &path, &form).await.status(), 200);
    let beta = add_vendor(&app, "Beta Goods").await;
    let mut again = form.clone();
    again["store_hash"] = json!(VENDOR_HASH.to_uppercase());
    let response = api_put(&app, &format!("/vendors/{beta}/bigcommerce"), &again).await;
    assert_eq!(response.status(), 422);
    let text = response.text().await.unwrap();
    assert!(text.contains("vendor “Acme Supply”"), "{text}");
    assert!(main["id"].as_i64().is_some());
}

#[tokio::test]
async fn secrets_never_show_and_settings_round_trip_until_disconnect() {
    let app = spawn_app().await;
    let acme = add_vendor(&app, "Acme Supply").await;
    let path = format!("/vendors/{acme}/bigcommerce");
    let form = vendor_store_form(&app, VENDOR_HASH, VENDOR_SCOPES).await;
    let secret = form["client_secret"].as_str().unwrap().to_owned();
    let token = form["access_token"].as_str().unwrap().to_owned();
    assert_eq!(api_put(&app, &path, &form).await.status(), 200);
    connect(&app, acme).await;

    let cookie = app.session_cookie().await;
    let page = app
        .get_page(&format!("/vendors/{acme}/bigcommerce"), &cookie)
        .await
        .text()
        .await
        .unwrap();
    let api = app.api_get(&path).await.text().await.unwrap();
    let list = app.api_get("/vendors").await.text().await.unwrap();
    for answer in [&page, &api, &list] {
        assert!(!answer.contains(&secret) && !answer.contains(&token));
    }
    assert!(page.contains("Acme Supply's BigCommerce store"));
    assert!(
        !page.contains(&format!("vendor {acme} store")),
        "internal name shown"
    );
    assert!(page.contains("Awaiting Fulfillment"));

    let settings = json!({
        "order_status_id": "Awaiting Shipment",
        "include_customer_contact": true,
        "send_customer_emails": "yes",
        "stock_location_id": 1,
        "sku_case_insensitive": true,
        "sku_strip_prefix": "ACME-",
    });
    let saved = api_put(&app, &format!("{path}/settings"), &settings).await;
    assert_eq!(saved.status(), 200);
    let shown: Value = app.api_get(&path).await.json().await.unwrap();
    let s = &shown["settings"];
    assert_eq!(s["order_status_id"], 9);
    assert_eq!(s["include_customer_contact"], true);
    assert_eq!(s["send_customer_emails"], true);
    assert_eq!(s["stock_location_id"], 1);
    assert_eq!(s["sku_matching"]["case_insensitive"], true);
    assert_eq!(s["sku_matching"]["strip_prefix"], "ACME-");
    assert_eq!(s["active"], true);

    let bad = json!({ "order_status_id": "Shipped", "active": "perhaps" });
    let response = api_put(&app, &format!("{path}/settings"), &bad).await;
    assert_eq!(response.status(), 422);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("order_status_id") && text.contains("\"active\""),
        "{text}"
    );
    let unchanged: Value = app.api_get(&path).await.json().await.unwrap();
    assert_eq!(
        unchanged["settings"], shown["settings"],
        "nothing half-saved"
    );

    assert_eq!(api_delete(&app, &path).await.status(), 204);
    assert_eq!(app.api_get(&path).await.status(), 404);
    assert_eq!(
        app.api_get(&format!("/vendors/{acme}")).await.status(),
        200,
        "the vendor stays"
    );
    // The hash is free again: the same store may be connected anew.
    assert_eq!(api_put(&app, &path, &form).await.status(), 200);
    let back: Value = app.api_get(&path).await.json().await.unwrap();
    assert_eq!(back["settings"], shown["settings"], "settings kept");
}

#[tokio::test]
async fn disconnect_removes_the_vendor_stores_hooks_by_a_job() {
    let app = spawn_app_with_webhooks().await;
    let acme = add_vendor(&app, "Acme Supply").await;
    let path = format!("/vendors/{acme}/bigcommerce");
    let form = vendor_store_form(&app, VENDOR_HASH, VENDOR_SCOPES).await;
    assert_eq!(api_put(&app, &path, &form).await.status(), 200);
    connect(&app, acme).await;
    let token = form["access_token"].as_str().unwrap();
    let hooks = wharf::channels::bigcommerce::webhooks::VENDOR_HOOK_SCOPES.len();
    wait_until("hooks registered", || async {
        vendor_hooks(&app, token).await.len() == hooks
    })
    .await;
    assert_eq!(api_delete(&app, &path).await.status(), 204);
    wait_until("hooks removed", || async {
        vendor_hooks(&app, token).await.is_empty()
    })
    .await;
}
