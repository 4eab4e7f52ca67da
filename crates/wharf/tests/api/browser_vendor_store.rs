//! Connecting a vendor's own BigCommerce store in a real headless Chromium, at desk and phone
//! widths: the vendors list leads to the page, a token without the vendor scopes turns Connect
//! red naming them, a new token turns it green, and the settings save.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::browser::{Step, run_in_browser, sign_in};
use crate::browser_phone::wider_than_the_screen;
use crate::helpers::TestApp;
use crate::vendor_store_connect::{VENDOR_SCOPES, add_vendor, vendor_sim_store, vendor_token};

async fn type_into(browser: &Client, id: &str, value: &str) -> Step {
    let field = browser.find(Locator::Id(id)).await?;
    field.clear().await?;
    field.send_keys(value).await?;
    Ok(())
}

async fn click(browser: &Client, id: &str) -> Step {
    browser.find(Locator::Id(id)).await?.click().await?;
    Ok(())
}

/// Waits for the Connect verdict the page answered with.
async fn verdict(browser: &Client, status: &str) -> Step {
    let selector = format!("#connection-status[data-status=\"{status}\"]");
    browser
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&selector))
        .await?;
    Ok(())
}

async fn fits_the_screen(browser: &Client) -> Step {
    let wide = wider_than_the_screen(browser).await?;
    assert!(wide.is_empty(), "sticks out: {wide:?}");
    Ok(())
}

async fn connect_flow(app: &TestApp, browser: &Client, width: u32, hash: &str) -> Step {
    browser.set_window_size(width, 900).await?;
    let vendor = add_vendor(app, &format!("Vendor at {width}")).await;
    let domain = vendor_sim_store(app, hash).await;
    let weak = vendor_token(app, hash, &["store_v2_orders", "store_inventory"]).await;
    let good = vendor_token(app, hash, VENDOR_SCOPES).await;

    browser.goto(&format!("{}/vendors", app.address)).await?;
    let link = format!("a.vendor-bigcommerce[href=\"/vendors/{vendor}/bigcommerce\"]");
    browser.find(Locator::Css(&link)).await?.click().await?;
    browser
        .wait()
        .for_element(Locator::Id("save-vendor-store"))
        .await?;
    let how = browser
        .find(Locator::Id("how-to-grant"))
        .await?
        .text()
        .await?;
    assert!(how.contains("Inventory: read-only"), "{how}");
    fits_the_screen(browser).await?;

    let api_path = format!("https://api.bigcommerce.com/stores/{hash}/v3/");
    type_into(browser, "vendor-store-url", &domain).await?;
    type_into(browser, "vendor-store-hash", &api_path).await?;
    type_into(browser, "vendor-client-id", "browser-vendor").await?;
    type_into(browser, "vendor-client-secret", "browser-vendor-secret").await?;
    type_into(browser, "vendor-access-token", &weak).await?;
    click(browser, "save-vendor-store").await?;
    browser.wait().for_element(Locator::Id("connect")).await?;
    click(browser, "connect").await?;
    verdict(browser, "failed").await?;
    let failures = browser
        .find(Locator::Id("connection-failures"))
        .await?
        .text()
        .await?;
    assert!(
        failures.contains("Missing scope: Products (read)"),
        "{failures}"
    );
    assert!(
        failures.contains("Missing scope: Information & Settings (read)"),
        "{failures}"
    );
    let page = browser.source().await?;
    assert!(!page.contains(&weak) && !page.contains("browser-vendor-secret"));
    fits_the_screen(browser).await?;

    // The fix: a token with the vendor scopes; the secret left empty is kept.
    type_into(browser, "vendor-access-token", &good).await?;
    click(browser, "save-vendor-store").await?;
    browser
        .wait()
        .for_element(Locator::Id("vendor-store-notice"))
        .await?;
    click(browser, "connect").await?;
    verdict(browser, "connected").await?;

    // Settings: a status by name, the customer's contact sent.
    let status = browser.find(Locator::Id("order-status")).await?;
    status.select_by_label("Awaiting Shipment").await?;
    click(browser, "include-customer-contact").await?;
    click(browser, "save-vendor-store-settings").await?;
    let notice = browser
        .wait()
        .for_element(Locator::Id("vendor-store-notice"))
        .await?
        .text()
        .await?;
    assert_eq!(notice, "Settings saved.");
    let store = app.app.vendor_store(vendor).await?.expect("saved");
    assert_eq!(store.settings.order_status_id, 9);
    assert!(store.settings.include_customer_contact);
    assert!(store.is_connected());
    fits_the_screen(browser).await?;

    // Disconnect asks first.
    click(browser, "disconnect-store").await?;
    browser
        .wait()
        .for_element(Locator::Id("confirm-disconnect-store"))
        .await?
        .click()
        .await?;
    let notice = browser
        .wait()
        .for_element(Locator::Id("vendor-store-notice"))
        .await?
        .text()
        .await?;
    assert!(notice.starts_with("Disconnected"), "{notice}");
    assert!(app.app.vendor_store(vendor).await?.is_none());
    Ok(())
}

#[tokio::test]
async fn a_vendor_store_is_connected_red_then_green_in_the_browser_at_1400_and_360_px() {
    run_in_browser("vendor_store", async |app, browser| {
        sign_in(app, browser).await?;
        connect_flow(app, browser, 1400, "vendordesk1").await?;
        connect_flow(app, browser, 360, "vendorphone1").await
    })
    .await;
}
