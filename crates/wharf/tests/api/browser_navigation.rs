//! Finding one's way in a real headless Chromium: Setup and Integrations in the navigation are
//! pages that lead to the stores, and a wrong address is a page in wharf's layout, not a
//! framework's plain text.

use fantoccini::{Client, Locator};

use crate::browser::{Step, run_in_browser, sign_in};
use crate::helpers::TestApp;

async fn heading(browser: &Client) -> Result<String, fantoccini::error::CmdError> {
    browser.find(Locator::Css("main h1")).await?.text().await
}

async fn navigation_flow(app: &TestApp, browser: &Client) -> Step {
    sign_in(app, browser).await?;
    browser
        .find(Locator::Css("header nav a[href='/setup']"))
        .await?
        .click()
        .await?;
    browser.wait().for_element(Locator::Id("setup")).await?;
    assert_eq!(heading(browser).await?, "Setup");
    browser
        .find(Locator::Id("setup-integrations"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Id("integrations"))
        .await?;
    assert_eq!(heading(browser).await?, "Integrations");
    browser
        .find(Locator::Id("integration-bigcommerce"))
        .await?
        .click()
        .await?;
    browser.wait().for_element(Locator::Id("add-store")).await?;
    assert!(
        browser
            .current_url()
            .await?
            .path()
            .ends_with("/setup/integrations/bigcommerce"),
        "the BigCommerce stores page"
    );
    // The breadcrumb leads back.
    browser
        .find(Locator::Css(".crumbs a[href='/setup']"))
        .await?
        .click()
        .await?;
    browser.wait().for_element(Locator::Id("setup")).await?;

    for address in ["/orders/abc", "/nowhere"] {
        browser.goto(&format!("{}{address}", app.address)).await?;
        assert_eq!(heading(browser).await?, "Not found", "{address}");
        let body = browser.find(Locator::Css("body")).await?.text().await?;
        assert!(body.contains("There is nothing at this address."), "{body}");
        assert!(!body.contains("Cannot parse"), "{body}");
        // Still inside wharf: the navigation is there to go on.
        browser
            .find(Locator::Css("header nav a[href='/orders']"))
            .await?;
    }
    Ok(())
}

#[tokio::test]
async fn setup_leads_to_the_stores_and_a_wrong_address_is_a_page() {
    run_in_browser("navigation", navigation_flow).await;
}
