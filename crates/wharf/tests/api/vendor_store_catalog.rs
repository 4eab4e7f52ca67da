//! The vendor's own BigCommerce store's catalog: read (never written), matched to the
//! merchant's items by SKU with the feeds' options, then by barcode, ambiguity listed and never
//! guessed; what purchase order lines look up.

use serde_json::Value;

use crate::helpers::{TestApp, spawn_app};
use crate::vendor_store::{
    Merchant, VendorStore, matches, merchant_variants, merchant_with_catalog,
    read_catalog_through_the_api, skus_in, vendor_variants, vendor_with_store,
};
use wharf::domain::vendor_match::MatchState;

const PRODUCTS: usize = 6;

/// Edits a vendor variant as the vendor would in its control panel.
fn edit_vendor_variant(
    app: &TestApp,
    vendor: &VendorStore,
    k: usize,
    j: usize,
    sku: &str,
    upc: &str,
) {
    assert!(
        app.sim
            .simulator
            .update_product(&vendor.hash, vendor.product_ids[k], |p| {
                let v = &mut p.variants_mut()[j];
                v.sku = sku.to_owned();
                v.upc = upc.to_owned();
                v.gtin = String::new();
            })
    );
}

fn reason_of<'a>(page: &'a Value, sku: &str) -> &'a str {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["merchant_sku"] == sku)
        .unwrap_or_else(|| panic!("{sku} listed in {page:#}"))["reason"]
        .as_str()
        .unwrap()
}

async fn setup(app: &TestApp) -> (Merchant, VendorStore) {
    let merchant = merchant_with_catalog(app, PRODUCTS).await;
    let vendor = vendor_with_store(app, "Acme Supply", "vendorstore1", PRODUCTS).await;
    (merchant, vendor)
}

#[tokio::test]
async fn the_vendors_variants_match_by_sku_then_barcode_and_ambiguity_is_listed_not_guessed() {
    let app = spawn_app().await;
    let (merchant, vendor) = setup(&app).await;
    // Product 0's first variant has its own SKU in the vendor's store, but the same barcode.
    let own_sku = merchant_variants(&app, &merchant, 0)[0].1.clone();
    let upc = app
        .sim
        .simulator
        .product(&vendor.hash, vendor.product_ids[0])
        .unwrap()
        .variants()[0]
        .upc
        .clone();
    assert!(!upc.is_empty());
    edit_vendor_variant(&app, &vendor, 0, 0, "ACME-OWN-1", &upc);
    // Product 2's two variants both carry its first variant's SKU.
    let twice = merchant_variants(&app, &merchant, 2)[0].1.clone();
    let lost = merchant_variants(&app, &merchant, 2)[1].1.clone();
    edit_vendor_variant(&app, &vendor, 2, 1, &twice, "");
    // Product 4's first variant is the vendor's own, with no barcode.
    let missing = merchant_variants(&app, &merchant, 4)[0].1.clone();
    edit_vendor_variant(&app, &vendor, 4, 0, "EXTRA-1", "");

    app.sim.simulator.reset_stats();
    let page = read_catalog_through_the_api(&app, &vendor, 8).await;
    // Read only: every request to BigCommerce was a GET.
    let stats = app.sim.simulator.request_stats();
    assert!(stats.total > 0);
    for endpoint in stats.by_endpoint.keys() {
        assert!(endpoint.starts_with("GET "), "{endpoint} in {stats:#?}");
    }

    assert_eq!(page["counts"]["matched"], 8, "{page:#}");
    assert_eq!(page["counts"]["ambiguous"], 1, "{page:#}");
    assert_eq!(page["counts"]["unmatched"], 3, "{page:#}");
    let by_barcode = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["merchant_sku"] == own_sku.as_str())
        .expect("matched by barcode");
    assert_eq!(by_barcode["matched_by"], "barcode");
    assert_eq!(by_barcode["vendor_sku"], "ACME-OWN-1");

    let ambiguous = matches(&app, &vendor, "ambiguous").await;
    assert_eq!(skus_in(&ambiguous), std::slice::from_ref(&twice));
    let why = reason_of(&ambiguous, &twice);
    assert!(why.contains("2 variants"), "{why}");
    let unmatched = matches(&app, &vendor, "unmatched").await;
    let listed = skus_in(&unmatched);
    assert!(
        listed.contains(&lost) && listed.contains(&missing),
        "{unmatched:#}"
    );
    assert!(
        unmatched["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["merchant_sku"].is_null() && i["vendor_sku"] == "EXTRA-1"),
        "the vendor's variant that matches nothing: {unmatched:#}"
    );

    // What purchase order lines look up.
    let asked = vec![own_sku.clone(), twice.clone(), "NO-SUCH-SKU".to_owned()];
    let refs = app
        .app
        .vendor_variants_for_lines(vendor.vendor_id, &asked)
        .await
        .unwrap();
    assert_eq!(refs.len(), 3);
    let matched = &refs[&own_sku];
    assert_eq!(matched.state, MatchState::Matched);
    assert_eq!(matched.product_id, Some(vendor.product_ids[0] as i64));
    assert_eq!(
        matched.variant_id,
        Some(vendor_variants(&app, &vendor, 0)[0].0 as i64)
    );
    assert!(matched.purchasable);
    assert_eq!(refs[&twice].state, MatchState::Ambiguous);
    assert_eq!(refs[&twice].variant_id, None);
    assert_eq!(refs["NO-SUCH-SKU"].state, MatchState::Unmatched);
    assert!(!refs["NO-SUCH-SKU"].reason.is_empty());
}

#[tokio::test]
async fn case_and_prefix_options_match_a_vendor_that_spells_skus_its_own_way() {
    let app = spawn_app().await;
    let (_, vendor) = setup(&app).await;
    // The vendor writes "acme-" and lowercase before each SKU, and keeps no barcodes.
    for id in &vendor.product_ids {
        app.sim.simulator.update_product(&vendor.hash, *id, |p| {
            p.sku = format!("acme-{}", p.sku.to_lowercase());
            for v in p.variants_mut() {
                v.sku = format!("acme-{}", v.sku.to_lowercase());
                v.upc = String::new();
                v.gtin = String::new();
            }
            p.upc = String::new();
            p.gtin = String::new();
        });
    }
    let report = app.app.read_vendor_catalog(vendor.vendor_id).await.unwrap();
    assert_eq!(report.matched, 0, "{report:?}");

    let mut conn = app.app.db.pool().acquire().await.unwrap();
    let mut settings = wharf::db::vendor_store_settings::get(&mut conn, vendor.vendor_id)
        .await
        .unwrap();
    settings.sku_matching.case_insensitive = true;
    settings.sku_matching.strip_prefix = Some("ACME-".to_owned());
    wharf::db::vendor_store_settings::save(&mut conn, vendor.vendor_id, &settings)
        .await
        .unwrap();
    drop(conn);
    let report = app.app.read_vendor_catalog(vendor.vendor_id).await.unwrap();
    assert_eq!(report.matched, 11, "{report:?}");
    assert_eq!((report.unmatched, report.ambiguous), (0, 0), "{report:?}");
}

#[tokio::test]
async fn the_matches_are_listed_in_words_on_the_vendors_page_and_by_the_cli() {
    let app = spawn_app().await;
    let (merchant, vendor) = setup(&app).await;
    let missing = merchant_variants(&app, &merchant, 4)[0].1.clone();
    edit_vendor_variant(&app, &vendor, 4, 0, "EXTRA-1", "");
    let output = crate::cli::wharf(&app, &["vendor", "read-catalog", "Acme Supply"]).await;
    assert!(output.status.success(), "{output:?}");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        said.contains("10 matched, 2 unmatched, 0 ambiguous"),
        "{said}"
    );

    let cookie = app.session_cookie().await;
    let path = format!(
        "/vendors/{}/bigcommerce/matches?state=unmatched",
        vendor.vendor_id
    );
    let response = app.get_page(&path, &cookie).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("Matched (10)"), "tabs with counts");
    assert!(page.contains("Unmatched (2)"));
    assert!(page.contains(&missing));
    assert!(
        page.contains("store has no variant with this SKU"),
        "the reason in words"
    );

    let output = crate::cli::wharf(
        &app,
        &["vendor", "matches", "Acme Supply", "--state", "unmatched"],
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(&missing) && text.contains("EXTRA-1"),
        "{text}"
    );
}
