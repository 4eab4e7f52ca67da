//! A purchase order the vendor's store refused, on a phone in a real headless Chromium: the
//! order page says so in words with Send again, and one click sends it again, once.

use std::time::Duration;

use bigcommerce_sim::Availability;
use fantoccini::{Client, Locator};

use crate::browser::{Step, run_in_browser, sign_in};
use crate::browser_phone::{phone_sized, wider_than_the_screen};
use crate::helpers::TestApp;
use crate::shipments::purchase_order;
use crate::vendor_store_orders::{
    VENDOR_HASH, vendor_orders_with, vendor_shop, vendor_variant_of, wait_for_vendor_order,
};

async fn send_again_flow(app: &TestApp, browser: &Client) -> Step {
    let vs = vendor_shop(app).await;
    let (product, _, _) = vendor_variant_of(app, &vs.vendor_products, &vs.shop.variants[0].2);
    app.sim.simulator.update_product(VENDOR_HASH, product, |p| {
        p.availability = Availability::Disabled;
    });
    let (external, order_id) = vs.shop.order(app, &[(0, 1, 0)]).await;
    let po_id = purchase_order(app, order_id).await["id"].as_i64().unwrap();
    let view = wait_for_vendor_order(app, po_id, &["failed"]).await;
    let reference = view["reference"].as_str().unwrap().to_owned();

    sign_in(app, browser).await?;
    phone_sized(browser).await?;
    let page = format!(
        "{}/stores/{}/orders/{external}",
        app.address, vs.shop.store_id
    );
    browser.goto(&page).await?;
    let block_id = format!("vendor-order-{po_id}");
    let text = browser.find(Locator::Id(&block_id)).await?.text().await?;
    assert!(
        text.contains("Not sent: the vendor's store refused it"),
        "{text}"
    );
    assert!(text.contains(&reference), "{text}");
    assert!(!text.contains('{'), "no raw JSON: {text}");
    let wide = wider_than_the_screen(browser).await?;
    assert!(wide.is_empty(), "wider than a phone: {wide:?}");

    // Fixed with the vendor: one click sends it again.
    app.sim.simulator.update_product(VENDOR_HASH, product, |p| {
        p.availability = Availability::Available;
    });
    browser
        .find(Locator::Css(&format!(
            "#vendor-order-{po_id} button.send-again"
        )))
        .await?
        .click()
        .await?;
    wait_for_vendor_order(app, po_id, &["created"]).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        browser.goto(&page).await?;
        let text = browser
            .find(Locator::Id(&format!("vendor-order-{po_id}")))
            .await?
            .text()
            .await?;
        if text.contains("In the vendor's store") {
            assert!(
                browser
                    .find(Locator::Css(&format!(
                        "#vendor-order-{po_id} button.send-again"
                    )))
                    .await
                    .is_err(),
                "no Send again while the vendor's order exists"
            );
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{text}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        vendor_orders_with(app, &vs.vendor_token, &reference)
            .await
            .len(),
        1
    );
    Ok(())
}

#[tokio::test]
async fn a_refused_purchase_order_is_sent_again_from_the_order_page_on_a_phone() {
    run_in_browser("vendor_store_send_again", send_again_flow).await;
}
