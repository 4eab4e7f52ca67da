//! The vendor store's matches page in a real headless Chromium, at a phone's width: the tabs
//! with their counts, each line in words, and the button that reads the catalog again.

use fantoccini::{Client, Locator};

use crate::browser::{Step, run_in_browser, sign_in};
use crate::browser_phone::{phone_sized, wider_than_the_screen};
use crate::helpers::TestApp;
use crate::vendor_store::{merchant_variants, merchant_with_catalog, vendor_with_store};

#[tokio::test]
async fn the_matches_page_shows_each_state_in_words_on_a_phone() {
    run_in_browser("vendor_matches", matches_flow).await;
}

async fn matches_flow(app: &TestApp, browser: &Client) -> Step {
    let merchant = merchant_with_catalog(app, 6).await;
    let vendor = vendor_with_store(app, "Acme Supply", "vendorpage1", 6).await;
    let missing = merchant_variants(app, &merchant, 4)[0].1.clone();
    app.sim
        .simulator
        .update_product(&vendor.hash, vendor.product_ids[4], |p| {
            p.variants_mut()[0].sku = "EXTRA-1".to_owned();
            p.variants_mut()[0].upc = String::new();
            p.variants_mut()[0].gtin = String::new();
        });
    app.app.read_vendor_catalog(vendor.vendor_id).await?;

    sign_in(app, browser).await?;
    phone_sized(browser).await?;
    browser
        .goto(&format!(
            "{}/vendors/{}/bigcommerce/matches",
            app.address, vendor.vendor_id
        ))
        .await?;
    let wide = wider_than_the_screen(browser).await?;
    assert!(wide.is_empty(), "wider than a phone: {wide:?}");
    let tabs = browser
        .find(Locator::Id("match-tabs"))
        .await?
        .text()
        .await?;
    assert!(
        tabs.contains("Matched (10)") && tabs.contains("Unmatched (2)"),
        "{tabs}"
    );

    browser
        .find(Locator::Id("tab-unmatched"))
        .await?
        .click()
        .await?;
    let table = browser.find(Locator::Id("matches")).await?.text().await?;
    assert!(table.contains(&missing), "{table}");
    assert!(
        table.contains("None of yours") && table.contains("EXTRA-1"),
        "{table}"
    );
    assert!(wider_than_the_screen(browser).await?.is_empty());

    browser
        .find(Locator::Id("read-vendor-catalog"))
        .await?
        .click()
        .await?;
    // The click posts and the answer is a new page: wait for it rather than read the old one.
    let notice = browser
        .wait()
        .for_element(Locator::Css("p.notice"))
        .await?
        .text()
        .await?;
    assert!(notice.contains("will be read in a moment"), "{notice}");
    Ok(())
}
