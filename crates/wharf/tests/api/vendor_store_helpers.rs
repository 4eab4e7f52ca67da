//! Setting up a vendor's own store for the vendor-store order tests.

use serde_json::Value;

use crate::helpers::TestApp;

/// Connects the simulated store `store_hash` as the vendor's own store and reads its catalog
/// (so its variants match the merchant's SKUs); returns the store's id.
///
/// The store is added and connected through the sales-store API (which seals its secrets and
/// runs the Connect checks), then given to the vendor: the same row the vendor connect use case
/// saves.
pub(crate) async fn connect_vendor_store(app: &TestApp, vendor_id: i64, store_hash: &str) -> i64 {
    let input = app.another_store_input("Alpha's own store", store_hash);
    let store: Value = app.add_store(&input).await;
    let store_id = store["id"].as_i64().unwrap();
    assert_eq!(
        app.connect(store_id).await["connection"]["status"],
        "connected"
    );
    sqlx::query("UPDATE stores SET vendor_id = $1 WHERE id = $2")
        .bind(vendor_id)
        .bind(store_id)
        .execute(app.app.db.pool())
        .await
        .unwrap();
    read_vendor_catalog(app, vendor_id).await;
    store_id
}

/// Reads the vendor's store's catalog and matches it to the merchant's items, now.
pub(crate) async fn read_vendor_catalog(app: &TestApp, vendor_id: i64) {
    app.app
        .read_vendor_catalog(vendor_id)
        .await
        .expect("the vendor's catalog is read");
}
