//! The vendor portal in a real headless Chromium, as a vendor's warehouse person meets it.

use fantoccini::{Client, Locator};

use crate::browser::{Step, run_in_browser};
use crate::helpers::TestApp;
use crate::portal_helpers::{sign_in_browser, vendor_with_user};

async fn sign_in_and_out_flow(app: &TestApp, browser: &Client) -> Step {
    let login = vendor_with_user(app, "Acme Supply", "pat@acme.example").await;
    sign_in_browser(app, browser, &login.email, &login.password).await?;
    let vendor = browser
        .find(Locator::Id("vendor-name"))
        .await?
        .text()
        .await?;
    assert_eq!(vendor, "Acme Supply");
    browser.find(Locator::Id("sign-out")).await?.click().await?;
    browser.wait().for_element(Locator::Id("sign-in")).await?;
    browser.goto(&format!("{}/vendor/", app.address)).await?;
    browser.wait().for_element(Locator::Id("sign-in")).await?;
    Ok(())
}

#[tokio::test]
async fn a_vendor_user_signs_in_and_out_in_the_browser() {
    run_in_browser("portal_sign_in", sign_in_and_out_flow).await;
}
