//! The README's screenshots, taken from a running `wharf demo` in real Chromium at a desktop's
//! and a phone's width. Not part of the test run (it waits for the demo's cast to fill the
//! charts); run it when the pages change:
//!
//! ```sh
//! cargo test -p wharf --test api screenshots -- --ignored
//! ```

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::browser::{Step, start_browser};
use crate::demo::{Demo, start_demo};

const OUT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/screenshots");

/// Window sizes: a desktop's, and a phone's (taller, as a phone scrolls).
const SIZES: [(u32, u32); 2] = [(1400, 1000), (360, 1500)];

async fn sign_in(demo: &Demo, browser: &Client) -> Step {
    browser.goto(&format!("{}/", demo.url)).await?;
    browser
        .find(Locator::Id("username"))
        .await?
        .send_keys("admin")
        .await?;
    browser
        .find(Locator::Id("password"))
        .await?
        .send_keys(&demo.password)
        .await?;
    browser.find(Locator::Id("sign-in")).await?.click().await?;
    browser.wait().for_element(Locator::Css("main h1")).await?;
    Ok(())
}

/// Waits until the cast has shipped orders and the latency charts have lines: what makes the
/// pictures worth looking at.
async fn wait_for_a_working_day(demo: &Demo, browser: &Client) -> Step {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(240);
    loop {
        browser.goto(&format!("{}/latency", demo.url)).await?;
        let lines = browser
            .find_all(Locator::Css("main svg polyline, main svg path"))
            .await?
            .len();
        browser.goto(&format!("{}/orders", demo.url)).await?;
        let orders = browser
            .find_all(Locator::Css("main table a[href*='/orders/']"))
            .await?
            .len();
        if lines >= 2 && orders >= 5 {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("after 4 minutes: {orders} orders, {lines} chart lines").into());
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

/// The pages worth a picture: the dashboard, the latency charts, an order (the newest), the
/// inventory of one SKU, the branding settings and the demo's mail.
async fn pages(
    demo: &Demo,
    browser: &Client,
) -> Result<Vec<(&'static str, String)>, Box<dyn std::error::Error>> {
    browser.goto(&format!("{}/orders", demo.url)).await?;
    let order = browser
        .find(Locator::Css("main table a[href*='/orders/']"))
        .await?
        .attr("href")
        .await?
        .ok_or("an order link without an address")?;
    browser.goto(&format!("{}/inventory", demo.url)).await?;
    let items = browser
        .find(Locator::Css("main a[href^='/inventory/stores/']"))
        .await?
        .attr("href")
        .await?
        .ok_or("a store's items link without an address")?;
    Ok(vec![
        ("dashboard", "/".to_owned()),
        ("latency", "/latency".to_owned()),
        ("order", order),
        ("inventory-sku", items),
        ("branding", "/settings/branding".to_owned()),
        ("mail", "/mail".to_owned()),
    ])
}

/// The vendor portal as a demo vendor's person sees it: the purchase orders, one of them, the
/// stock and the account.
async fn portal_pages(
    demo: &Demo,
    browser: &Client,
) -> Result<Vec<(&'static str, String)>, Box<dyn std::error::Error>> {
    let (email, password) = &demo.portal_login;
    browser.goto(&format!("{}/vendor/login", demo.url)).await?;
    browser
        .find(Locator::Id("email"))
        .await?
        .send_keys(email)
        .await?;
    browser
        .find(Locator::Id("password"))
        .await?
        .send_keys(password)
        .await?;
    browser.find(Locator::Id("sign-in")).await?.click().await?;
    browser.wait().for_element(Locator::Css("main h1")).await?;
    browser
        .goto(&format!("{}/vendor/purchase-orders?status=all", demo.url))
        .await?;
    let purchase_order = browser
        .find(Locator::Css("main a.po-link"))
        .await?
        .attr("href")
        .await?
        .ok_or("a purchase order link without an address")?;
    Ok(vec![
        (
            "portal-purchase-orders",
            "/vendor/purchase-orders".to_owned(),
        ),
        ("portal-purchase-order", purchase_order),
        ("portal-stock", "/vendor/stock".to_owned()),
        ("portal-account", "/vendor/account".to_owned()),
    ])
}

async fn capture(demo: &Demo, browser: &Client, pages: &[(&'static str, String)]) -> Step {
    for (width, height) in SIZES {
        browser.set_window_size(width, height).await?;
        for (name, path) in pages {
            browser.goto(&format!("{}{path}", demo.url)).await?;
            browser.wait().for_element(Locator::Css("main h1")).await?;
            let png = browser.screenshot().await?;
            std::fs::write(format!("{OUT_DIR}/{name}-{width}.png"), png)?;
        }
    }
    Ok(())
}

async fn take_screenshots(demo: &Demo, browser: &Client) -> Step {
    sign_in(demo, browser).await?;
    wait_for_a_working_day(demo, browser).await?;
    let pages = pages(demo, browser).await?;
    std::fs::create_dir_all(OUT_DIR)?;
    capture(demo, browser, &pages).await?;
    let portal = portal_pages(demo, browser).await?;
    capture(demo, browser, &portal).await
}

#[tokio::test]
#[ignore = "writes docs/screenshots from a running demo; run with --ignored"]
async fn screenshots() {
    let demo = start_demo();
    let Some(browser) = start_browser().await else {
        return;
    };
    let result = take_screenshots(&demo, &browser.client).await;
    let _ = browser.client.clone().close().await;
    drop(browser);
    result.unwrap_or_else(|e| panic!("screenshots: {e}"));
}
