//! A vendor's working day in the portal, in a real headless Chromium: a new purchase order is
//! marked, shipped in two halves until BigCommerce (the simulator) says Shipped, and a stock
//! upload changes the level in BigCommerce; every page fits a 360 px phone with every field
//! labelled.

use std::time::Duration;

use bigcommerce_sim::{ShopperAddress, ShopperLine, ShopperOrder};
use fantoccini::{Client, Locator};

use crate::browser::{Step, run_in_browser};
use crate::browser_phone::{phone_sized, unlabelled_fields, wider_than_the_screen};
use crate::helpers::{STORE_HASH, TestApp};
use crate::inventory::stocked_store;
use crate::portal_helpers::{portal_user, sign_in_browser};
use crate::shipments::{client, purchase_order};
use crate::vendor_stock::level;

/// Waits until `done` holds, for what the workers do in the background; fails after 30 s.
async fn eventually<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Fills the ship form: tracking number, carrier and how many of the line ship now.
async fn ship(browser: &Client, tracking: &str, quantity_field: &str, quantity: &str) -> Step {
    browser
        .find(Locator::Id("tracking-number"))
        .await?
        .send_keys(tracking)
        .await?;
    browser
        .find(Locator::Id("carrier"))
        .await?
        .send_keys("UPS")
        .await?;
    let field = browser.find(Locator::Id(quantity_field)).await?;
    field.clear().await?;
    field.send_keys(quantity).await?;
    browser
        .find(Locator::Id("record-shipment"))
        .await?
        .click()
        .await?;
    // The notice naming this shipment: the page before it may show the previous one's.
    let notice = format!("//section[@id='recorded'][contains(., '{tracking}')]");
    browser.wait().for_element(Locator::XPath(&notice)).await?;
    Ok(())
}

async fn vendor_day(app: &TestApp, browser: &Client) -> Step {
    let shop = stocked_store(app).await;
    let user = portal_user(app, shop.vendor_id, "pat@alpha.example").await;
    let (product, variant, _) = shop.by_variant[0].clone();
    let mut order = ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant), 2)]);
    order.addresses = vec![ShopperAddress::sample(0)];
    let number = app.sim.simulator.place_order(STORE_HASH, order);
    app.app.poll_orders(shop.store_id).await?;
    let order_id = app
        .app
        .order_by_number(shop.store_id, number as i64)
        .await?
        .id;
    let po = purchase_order(app, order_id).await;
    let quantity_field = format!("qty-{}", po["lines"][0]["order_line_id"]);

    sign_in_browser(app, browser, &user.email, &user.password).await?;
    browser
        .goto(&format!("{}/vendor/purchase-orders", app.address))
        .await?;
    let row = format!("#po-{}", po["id"]);
    let marked = browser
        .find(Locator::Css(&format!("{row} .badge.new")))
        .await?;
    assert_eq!(marked.text().await?, "New");
    browser
        .find(Locator::Css(&format!("{row} a.po-link")))
        .await?
        .click()
        .await?;
    let title = browser.wait().for_element(Locator::Id("po-title")).await?;
    assert!(title.text().await?.contains(&format!("Order #{number}")));

    // Accept it: the page says who accepted it, and the packing slip link answers a PDF.
    browser.find(Locator::Id("accept")).await?.click().await?;
    let accepted = browser.wait().for_element(Locator::Id("accepted")).await?;
    assert!(
        accepted
            .text()
            .await?
            .starts_with("Accepted by User pat@alpha.example on ")
    );
    let slip = browser
        .find(Locator::Id("packing-slip"))
        .await?
        .attr("href")
        .await?
        .expect("the packing slip link has an address");
    let response = app.get_page(&slip, &user.cookie).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(response.bytes().await?.starts_with(b"%PDF-"));

    ship(browser, "1Z999AA10123456784", &quantity_field, "1").await?;
    let left = browser
        .find(Locator::Id("left-to-ship"))
        .await?
        .text()
        .await?;
    assert_eq!(left, "1 left to ship.");
    // The form offers what is left: the other one.
    let offered = browser
        .find(Locator::Id(&quantity_field))
        .await?
        .prop("value")
        .await?;
    assert_eq!(offered.as_deref(), Some("1"));
    ship(browser, "1Z999AA10123456785", &quantity_field, "1").await?;
    let left = browser
        .find(Locator::Id("left-to-ship"))
        .await?
        .text()
        .await?;
    assert_eq!(left, "Everything on this order is shipped.");
    eventually("the order is Shipped in BigCommerce", || async {
        let order = client(app).order(number, false).await.unwrap();
        order.status_id == 2 && order.items_shipped == 2
    })
    .await;
    assert_eq!(app.sim.simulator.shipments(STORE_HASH, number).len(), 2);

    let (_, other_variant, other_sku) = shop.by_variant[1].clone();
    browser
        .goto(&format!("{}/vendor/stock", app.address))
        .await?;
    browser
        .find(Locator::Id("stock-csv"))
        .await?
        .send_keys(&format!("sku,quantity\n{other_sku},37\n"))
        .await?;
    browser
        .find(Locator::Id("upload-stock"))
        .await?
        .click()
        .await?;
    let result = browser
        .wait()
        .for_element(Locator::Id("stock-result"))
        .await?;
    assert!(result.text().await?.starts_with("1 stock level(s) applied"));
    eventually("the level is in BigCommerce", || async {
        level(app, other_variant) == Some(37)
    })
    .await;

    // A second purchase order: one line of it can't be fulfilled, and is passed on.
    let lines = vec![
        ShopperLine::catalog(shop.by_variant[2].0, Some(shop.by_variant[2].1), 1),
        ShopperLine::catalog(shop.by_variant[3].0, Some(shop.by_variant[3].1), 1),
    ];
    let mut second = ShopperOrder::new(lines);
    second.addresses = vec![ShopperAddress::sample(1)];
    let second_number = app.sim.simulator.place_order(STORE_HASH, second);
    app.app.poll_orders(shop.store_id).await?;
    let second_id = app
        .app
        .order_by_number(shop.store_id, second_number as i64)
        .await?
        .id;
    let second_po = purchase_order(app, second_id).await;
    let passed_on = &second_po["lines"][0]["order_line_id"];
    browser
        .goto(&format!(
            "{}/vendor/purchase-orders/{}",
            app.address, second_po["id"]
        ))
        .await?;
    browser
        .find(Locator::Id(&format!("reason-{passed_on}")))
        .await?
        .send_keys("Out of stock until March")
        .await?;
    browser
        .find(Locator::Id(&format!("decline-{passed_on}")))
        .await?
        .click()
        .await?;
    let declined = browser
        .wait()
        .for_element(Locator::Id("declined-lines"))
        .await?;
    assert!(declined.text().await?.contains("Out of stock until March"));
    assert!(
        browser
            .find(Locator::Id(&format!("qty-{passed_on}")))
            .await
            .is_err(),
        "the line is gone from the ship form"
    );

    phone_sized(browser).await?;
    for path in [
        "/vendor/purchase-orders".to_owned(),
        "/vendor/purchase-orders?status=all".to_owned(),
        format!("/vendor/purchase-orders/{}", po["id"]),
        // Still open, with a "can't fulfil" form on its line.
        format!("/vendor/purchase-orders/{}", second_po["id"]),
        "/vendor/ship".to_owned(),
        "/vendor/stock".to_owned(),
    ] {
        browser.goto(&format!("{}{path}", app.address)).await?;
        browser.wait().for_element(Locator::Css("main h1")).await?;
        let wide = wider_than_the_screen(browser).await?;
        assert!(wide.is_empty(), "{path} is wider than a phone: {wide:?}");
        let unlabelled = unlabelled_fields(browser).await?;
        assert!(
            unlabelled.is_empty(),
            "{path} has unlabelled fields: {unlabelled:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_vendor_ships_an_order_in_two_halves_and_updates_stock_in_the_browser() {
    run_in_browser("portal_work", vendor_day).await;
}
