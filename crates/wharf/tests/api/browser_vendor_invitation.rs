//! The start of a vendor's first day, in a real headless Chromium and a real SMTP server
//! (aiosmtpd): the invitation arrives by e-mail, its link sets the password and signs in, the
//! next purchase order arrives by e-mail too and its link opens it, and the vendor accepts and
//! ships it until BigCommerce (the simulator) says Shipped. Another vendor's user sees none of
//! it. (`browser_portal_work.rs` walks the rest of the day: partial shipments, the packing
//! slip, can't fulfil, a stock upload.)

use std::time::Duration;

use bigcommerce_sim::{ShopperAddress, ShopperLine, ShopperOrder};
use fantoccini::{Client, Locator};
use serde_json::json;

use crate::browser::{Step, run_in_browser_on};
use crate::helpers::{MAIL_PUBLIC_URL, STORE_HASH, TestApp, spawn_app_with_mail};
use crate::inventory::stocked_store;
use crate::mail_server::{MailServer, Received};
use crate::portal_helpers::vendor_with_user;
use crate::shipments::client;

const PASSWORD: &str = "a long walk to the depot";

/// The link a mail carries that starts with `path` on wharf, as this test's wharf serves it.
fn link_in(mail: &Received, path: &str, app: &TestApp) -> String {
    let prefix = format!("{MAIL_PUBLIC_URL}{path}");
    let start = mail
        .text
        .find(&prefix)
        .unwrap_or_else(|| panic!("a link to {path} in {}", mail.text));
    let link: String = mail.text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    link.replacen(MAIL_PUBLIC_URL, &format!("{}/", app.address), 1)
}

#[tokio::test]
async fn a_vendor_is_invited_by_mail_and_ships_the_order_the_next_mail_announces() {
    let server = MailServer::start();
    let app = spawn_app_with_mail(&server.url()).await;
    run_in_browser_on(app, "vendor_invitation", async |app, browser| {
        first_day(app, browser, &server).await
    })
    .await;
}

async fn first_day(app: &TestApp, browser: &Client, server: &MailServer) -> Step {
    let shop = stocked_store(app).await;
    let invited = app
        .api_post(
            &format!("/vendors/{}/users", shop.vendor_id),
            &json!({ "name": "Pat", "email": "pat@alpha.example" }),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let invitation = server.wait_for(1).await.remove(0);
    assert_eq!(invitation.to, "pat@alpha.example");

    // The invitation's link: choose a password, and the portal opens signed in.
    browser
        .goto(&link_in(&invitation, "vendor/invitation/", app))
        .await?;
    for field in ["password", "password_again"] {
        browser
            .find(Locator::Id(field))
            .await?
            .send_keys(PASSWORD)
            .await?;
    }
    browser
        .find(Locator::Id("set-password"))
        .await?
        .click()
        .await?;
    let vendor = browser
        .wait()
        .for_element(Locator::Id("vendor-name"))
        .await?;
    assert_eq!(vendor.text().await?, "Alpha Supply");

    // A new order: its purchase order is announced by mail, and the mail's link opens it.
    let (product, variant, _) = shop.by_variant[0].clone();
    let mut order = ShopperOrder::new(vec![ShopperLine::catalog(product, Some(variant), 2)]);
    order.addresses = vec![ShopperAddress::sample(0)];
    let number = app.sim.simulator.place_order(STORE_HASH, order);
    app.app.poll_orders(shop.store_id).await?;
    let received = server.wait_for(2).await;
    let announced = received
        .iter()
        .find(|m| m.subject.starts_with("New purchase order"))
        .unwrap_or_else(|| panic!("a new purchase order mail: {received:#?}"));
    assert_eq!(announced.to, "pat@alpha.example");
    assert!(announced.subject.contains(&format!("#{number}")));
    let purchase_order_page = link_in(announced, "vendor/purchase-orders/", app);
    browser.goto(&purchase_order_page).await?;
    let title = browser.wait().for_element(Locator::Id("po-title")).await?;
    assert!(title.text().await?.contains(&format!("Order #{number}")));

    browser.find(Locator::Id("accept")).await?.click().await?;
    browser.wait().for_element(Locator::Id("accepted")).await?;
    browser
        .find(Locator::Id("tracking-number"))
        .await?
        .send_keys("1Z999AA10123456799")
        .await?;
    browser
        .find(Locator::Id("carrier"))
        .await?
        .send_keys("UPS")
        .await?;
    browser
        .find(Locator::Id("record-shipment"))
        .await?
        .click()
        .await?;
    let left = browser
        .wait()
        .for_element(Locator::Id("left-to-ship"))
        .await?;
    assert_eq!(left.text().await?, "Everything on this order is shipped.");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let order = client(app).order(number, false).await?;
        if order.status_id == 2 && order.items_shipped == 2 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the order never showed Shipped in BigCommerce"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Another vendor's user: none of it.
    let other = vendor_with_user(app, "Beta Goods", "sam@beta.example").await;
    let path = purchase_order_page.replacen(&app.address, "", 1);
    assert_eq!(other.get(app, &path).await.status(), 404);
    let list = other
        .get(app, "/vendor/purchase-orders?status=all")
        .await
        .text()
        .await?;
    assert!(!list.contains(&format!("Order #{number}")), "{list}");

    // Two events, two mails: nothing twice.
    assert_eq!(server.received().len(), 2);
    Ok(())
}
