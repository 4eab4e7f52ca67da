//! A vendor's own BigCommerce store: a `stores` row with its vendor set. It shares the sales
//! stores' hash claim, but no reader of sales stores (lists, pages, syncs) ever sees it, and a
//! delivery from it never creates merchant orders.

use serde_json::{Value, json};

use crate::helpers::{STORE_HASH, TestApp, spawn_app, spawn_app_without_workers};

async fn add_vendor(app: &TestApp, name: &str) -> i64 {
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
