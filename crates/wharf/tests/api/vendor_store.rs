//! A vendor's own BigCommerce store for tests: a second simulated store (made through the
//! simulator's `POST /__sim/stores`) seeded with the merchant's catalog, saved in wharf as the
//! vendor's store with a real, sealed token.

use secrecy::SecretString;
use serde_json::{Value, json};

use crate::helpers::{STORE_HASH, TestApp};
use bigcommerce_sim::CatalogSeed;

pub(crate) struct VendorStore {
    pub vendor_id: i64,
    /// Its `stores` row: where its webhooks are delivered.
    pub store_id: i64,
    pub hash: String,
    /// The vendor store's product ids, in the merchant's order (the seeding is the same).
    pub product_ids: Vec<u64>,
}

pub(crate) struct Merchant {
    pub store_id: i64,
    pub product_ids: Vec<u64>,
}

/// The merchant's store, connected, with `products` seeded products of 2 variants imported.
pub(crate) async fn merchant_with_catalog(app: &TestApp, products: usize) -> Merchant {
    let store_id = app.connected_store().await;
    let seeded = app.seed_catalog(products, 2);
    app.import_all(store_id).await;
    Merchant {
        store_id,
        product_ids: seeded.product_ids,
    }
}

/// A vendor named `name` whose own store (`hash`) holds the same seeded catalog as the
/// merchant's.
pub(crate) async fn vendor_with_store(
    app: &TestApp,
    name: &str,
    hash: &str,
    products: usize,
) -> VendorStore {
    let response = app
        .http
        .post(format!("{}/__sim/stores", app.sim.base_url))
        .json(&json!({ "hash": hash }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let seeded = app.sim.simulator.seed_catalog(
        hash,
        CatalogSeed {
            products,
            variants_per_product: 2,
        },
    );
    let response = app.api_post("/vendors", &json!({ "name": name })).await;
    assert_eq!(response.status(), 201);
    let vendor: Value = response.json().await.unwrap();
    let vendor_id = vendor["id"].as_i64().unwrap();
    let token = app.token_on(
        hash,
        &[
            "store_v2_orders",
            "store_v2_products_read_only",
            "store_v2_information_read_only",
            "store_inventory_read_only",
        ],
    );
    let cipher = &app.app.cipher;
    let store_name = format!("vendor {vendor_id} store");
    let row = wharf::db::stores::NewStoreRow {
        name: &store_name,
        auth_type: "private",
        store_url: &format!("store-{hash}.mybigcommerce.com"),
        store_hash: hash,
        client_id: "vendor-client",
        client_secret_sealed: &cipher.seal(
            "stores.client_secret",
            &SecretString::from("vendor-secret".to_owned()),
        ),
        client_secret_last4: "cret",
        access_token_sealed: &cipher.seal("stores.access_token", &SecretString::from(token)),
        access_token_last4: "oken",
        vendor_id: Some(vendor_id),
    };
    let store_id = wharf::db::stores::insert(&app.app.db, &row).await.unwrap();
    VendorStore {
        vendor_id,
        store_id,
        hash: hash.to_owned(),
        product_ids: seeded.product_ids,
    }
}

/// Routes every item of the merchant's store to the vendor: its stock counts.
pub(crate) async fn route_everything_to(app: &TestApp, merchant_store: i64, vendor: &str) {
    let response = app
        .api_post(
            &format!("/stores/{merchant_store}/assignments"),
            &json!({ "rule": "default", "vendor": vendor }),
        )
        .await;
    assert_eq!(response.status(), 200);
}

/// The merchant's product `k`'s variants: (variant id, SKU).
pub(crate) fn merchant_variants(
    app: &TestApp,
    merchant: &Merchant,
    k: usize,
) -> Vec<(u64, String)> {
    variants_of(app, STORE_HASH, merchant.product_ids[k])
}

fn variants_of(app: &TestApp, hash: &str, product_id: u64) -> Vec<(u64, String)> {
    let product = app.sim.simulator.product(hash, product_id).unwrap();
    product
        .variants()
        .iter()
        .map(|v| (v.id(), v.sku.clone()))
        .collect()
}

/// The vendor's product `k`'s variants: (variant id, SKU).
pub(crate) fn vendor_variants(app: &TestApp, vendor: &VendorStore, k: usize) -> Vec<(u64, String)> {
    variants_of(app, &vendor.hash, vendor.product_ids[k])
}

/// Reads the vendor's catalog as the button and the API do (a queued job), and waits until
/// the match shows `matched` matched items.
pub(crate) async fn read_catalog_through_the_api(
    app: &TestApp,
    vendor: &VendorStore,
    matched: i64,
) -> Value {
    let response = app
        .api_post(
            &format!("/vendors/{}/bigcommerce/catalog-read", vendor.vendor_id),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let page = matches(app, vendor, "matched").await;
        if page["counts"]["matched"] == matched {
            return page;
        }
        assert!(tokio::time::Instant::now() < deadline, "{page:#}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

pub(crate) async fn matches(app: &TestApp, vendor: &VendorStore, state: &str) -> Value {
    let response = app
        .api_get(&format!(
            "/vendors/{}/bigcommerce/matches?state={state}",
            vendor.vendor_id
        ))
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub(crate) fn skus_in(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["merchant_sku"].as_str().map(str::to_owned))
        .collect()
}
