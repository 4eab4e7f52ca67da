//! The vendor store's levels come back as the vendor's stock, through the intake feeds use
//! (buffers, staleness, routed-to-you), under the merchant's SKUs: read in full, after an
//! inventory webhook, and by the cheaper levels-only drift read.

use std::time::Duration;

use secrecy::SecretString;
use serde_json::json;

use crate::helpers::{STORE_HASH, TestApp, spawn_app};
use crate::vendor_store::{
    Merchant, VendorStore, merchant_variants, merchant_with_catalog, route_everything_to,
    vendor_variants, vendor_with_store,
};

const PRODUCTS: usize = 6;
/// Product 4 tracks by variant in the seeded catalog.
const K: usize = 4;

async fn setup(app: &TestApp) -> (Merchant, VendorStore) {
    let merchant = merchant_with_catalog(app, PRODUCTS).await;
    let vendor = vendor_with_store(app, "Acme Supply", "vendorstock1", PRODUCTS).await;
    route_everything_to(app, merchant.store_id, "Acme Supply").await;
    (merchant, vendor)
}

fn set_vendor_level(app: &TestApp, vendor: &VendorStore, j: usize, quantity: i64) {
    let variant = vendor_variants(app, vendor, K)[j].0;
    assert!(
        app.sim
            .simulator
            .set_variant_level(&vendor.hash, 1, variant, quantity)
    );
}

/// Waits (generously) until the merchant's store shows `quantity` for product K's variant `j`.
async fn merchant_level_becomes(app: &TestApp, merchant: &Merchant, j: usize, quantity: i64) {
    let variant = merchant_variants(app, merchant, K)[j].0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let level = app.sim.simulator.variant_level(STORE_HASH, 1, variant);
        if level == Some(quantity) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the merchant's level is {level:?}, not {quantity}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_read_reports_matched_levels_as_the_vendors_stock_and_never_unmatched_ones() {
    let app = spawn_app().await;
    let (merchant, vendor) = setup(&app).await;
    set_vendor_level(&app, &vendor, 0, 7);
    // Product 2 is ambiguous in the vendor's store: both variants carry one SKU.
    let twice = merchant_variants(&app, &merchant, 2)[0].1.clone();
    app.sim
        .simulator
        .update_product(&vendor.hash, vendor.product_ids[2], |p| {
            p.variants_mut()[1].sku = twice.clone();
        });

    let report = app.app.read_vendor_catalog(vendor.vendor_id).await.unwrap();
    assert!(report.stock_reported > 0, "{report:?}");
    merchant_level_becomes(&app, &merchant, 0, 7).await;

    let reported = wharf::db::inventory::matched_skus(&app.app.db, vendor.vendor_id)
        .await
        .unwrap();
    assert!(reported.contains(&merchant_variants(&app, &merchant, K)[0].1));
    assert!(!reported.contains(&twice), "ambiguous: not reported");
    let lost = merchant_variants(&app, &merchant, 2)[1].1.clone();
    assert!(!reported.contains(&lost), "unmatched: not reported");

    // A product gone from the vendor's store reports 0 on the next full read.
    assert!(
        app.sim
            .simulator
            .delete_product(&vendor.hash, vendor.product_ids[K])
    );
    app.app.read_vendor_catalog(vendor.vendor_id).await.unwrap();
    merchant_level_becomes(&app, &merchant, 0, 0).await;
}

#[tokio::test]
async fn an_inventory_webhook_from_the_vendors_store_moves_the_merchants_level() {
    let app = spawn_app().await;
    let (merchant, vendor) = setup(&app).await;
    set_vendor_level(&app, &vendor, 1, 5);
    app.app.read_vendor_catalog(vendor.vendor_id).await.unwrap();
    merchant_level_becomes(&app, &merchant, 1, 5).await;

    // The vendor sells some: its store says so by webhook.
    set_vendor_level(&app, &vendor, 1, 2);
    let secret = "vendor-hook-secret";
    wharf::db::webhooks::set_secret(
        &app.app.db,
        vendor.store_id,
        &app.app.cipher.seal(
            wharf::app::webhooks::SECRET_PURPOSE,
            &SecretString::from(secret.to_owned()),
        ),
    )
    .await
    .unwrap();
    let variant = vendor_variants(&app, &vendor, K)[1].0;
    let body = json!({"scope": "store/sku/inventory/updated", "store_id": "1",
        "data": {"type": "sku", "id": variant, "inventory": {"product_id": vendor.product_ids[K],
            "variant_id": variant, "method": "absolute", "value": 2}},
        "hash": "inv-1", "created_at": 1_700_000_000, "producer": format!("stores/{}", vendor.hash)});
    let response = app
        .http
        .post(format!(
            "{}/webhooks/bigcommerce/{}",
            app.address, vendor.store_id
        ))
        .header("x-wharf-webhook-secret", secret)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    merchant_level_becomes(&app, &merchant, 1, 2).await;
}

#[tokio::test]
async fn the_drift_read_catches_a_change_no_webhook_told_of() {
    let app = spawn_app().await;
    let (merchant, vendor) = setup(&app).await;
    set_vendor_level(&app, &vendor, 0, 4);
    app.app.read_vendor_catalog(vendor.vendor_id).await.unwrap();
    merchant_level_becomes(&app, &merchant, 0, 4).await;

    set_vendor_level(&app, &vendor, 0, 9);
    let reported = app
        .app
        .read_vendor_store_levels(vendor.vendor_id, None)
        .await
        .unwrap();
    assert!(reported > 0);
    merchant_level_becomes(&app, &merchant, 0, 9).await;
}

#[tokio::test]
async fn the_chosen_location_is_the_only_stock_that_counts() {
    let app = spawn_app().await;
    let (merchant, vendor) = setup(&app).await;
    set_vendor_level(&app, &vendor, 0, 6);
    let choose = |location: Option<i64>| {
        let app = &app;
        let vendor_id = vendor.vendor_id;
        async move {
            let mut conn = app.app.db.pool().acquire().await.unwrap();
            let mut settings = wharf::db::vendor_store_settings::get(&mut conn, vendor_id)
                .await
                .unwrap();
            settings.stock_location_id = location;
            wharf::db::vendor_store_settings::save(&mut conn, vendor_id, &settings)
                .await
                .unwrap();
        }
    };
    // A location the vendor keeps none of this at: nothing to sell.
    choose(Some(2)).await;
    app.app.read_vendor_catalog(vendor.vendor_id).await.unwrap();
    merchant_level_becomes(&app, &merchant, 0, 0).await;
    choose(Some(1)).await;
    app.app.read_vendor_catalog(vendor.vendor_id).await.unwrap();
    merchant_level_becomes(&app, &merchant, 0, 6).await;
}
