//! Orders in a real headless Chromium: an order in Needs attention shows the line no rule
//! matches, one click assigns it to a vendor and routes the order; the list pages through more
//! than a page of history, and finds the order by SKU and by number; its address holds its
//! BigCommerce number.

use bigcommerce_sim::{ShopperLine, ShopperOrder};
use fantoccini::{Client, Locator};

use crate::browser::{Step, run_in_browser, sign_in};
use crate::helpers::{STORE_HASH, TestApp};
use crate::orders::{add_vendor, store_with_catalog, variant};

async fn orders_flow(app: &TestApp, browser: &Client) -> Step {
    let (store_id, seeded) = store_with_catalog(app).await;
    add_vendor(app, "Alpha Supply").await;
    let (product, variant_id, sku) = variant(app, &seeded, 7);
    // The oldest order, so that the newest page of the list does not hold it.
    let number = app.sim.simulator.place_order(
        STORE_HASH,
        ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant_id), 1)]),
    );
    app.app.poll_orders(store_id).await?;
    app.sim.simulator.seed_orders(STORE_HASH, 55);
    app.app.poll_orders(store_id).await?;
    let order_path = format!("/stores/{store_id}/orders/{number}");
    let link_selector = format!("a[href='{order_path}']");
    let order_link = Locator::Css(&link_selector);

    sign_in(app, browser).await?;
    browser.goto(&format!("{}/orders", app.address)).await?;
    assert!(
        browser.find(order_link).await.is_err(),
        "not on the first page"
    );
    browser
        .find(Locator::Id("older-orders"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Id("newer-orders"))
        .await?;
    assert!(
        browser
            .current_url()
            .await?
            .query()
            .unwrap_or("")
            .contains("cursor=")
    );
    browser.find(order_link).await?.click().await?;
    browser
        .wait()
        .for_element(Locator::Id("unmatched-lines"))
        .await?;
    assert_eq!(browser.current_url().await?.path(), order_path);

    let line = browser
        .find(Locator::Css("tr.unmatched-line"))
        .await?
        .text()
        .await?;
    assert!(line.contains(&sku), "{line}");
    assert_eq!(
        browser
            .find(Locator::Id("routing-state"))
            .await?
            .text()
            .await?,
        "Needs attention"
    );
    browser
        .find(Locator::Css("tr.unmatched-line button.assign-line-button"))
        .await?
        .click()
        .await?;
    // The form posts, and the order's page comes back routed.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let state = match browser.find(Locator::Id("routing-state")).await {
            Ok(badge) => badge.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if state == "Routed" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still {state:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let timeline = browser.find(Locator::Id("timeline")).await?.text().await?;
    assert!(
        timeline.contains("Every line now has a vendor"),
        "{timeline}"
    );
    assert!(
        timeline.contains("Purchase order for Alpha Supply"),
        "{timeline}"
    );
    assert_eq!(browser.current_url().await?.path(), order_path);

    // Found by its SKU and by its number.
    for search in [sku.clone(), format!("#{number}")] {
        browser.goto(&format!("{}/orders", app.address)).await?;
        let field = browser.find(Locator::Id("order-q")).await?;
        field.send_keys(&search).await?;
        browser
            .find(Locator::Id("find-orders"))
            .await?
            .click()
            .await?;
        browser.wait().for_element(order_link).await?;
        let rows = browser.find_all(Locator::Css("tr.order-row")).await?;
        if search.starts_with('#') {
            assert_eq!(rows.len(), 1, "only order #{number}");
        }
        let address = browser.current_url().await?;
        assert!(
            address.query().unwrap_or("").contains("q="),
            "the search is in the address: {address}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn an_order_in_needs_attention_is_routed_in_one_click_and_found_again() {
    run_in_browser("orders", orders_flow).await;
}
