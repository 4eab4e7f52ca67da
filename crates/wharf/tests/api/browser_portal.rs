//! The vendor portal in a real headless Chromium, as a vendor's warehouse person meets it: an
//! invitation link, a password, the home page, the Account page's token, signing out — and
//! every portal page on a 360 px phone.

use fantoccini::{Client, Locator};
use wharf::domain::vendor::VendorInput;
use wharf::domain::vendor_user::VendorUserInput;

use crate::browser::{Step, run_in_browser};
use crate::browser_phone::{PHONE_WIDTH, phone_sized, unlabelled_fields, wider_than_the_screen};
use crate::helpers::TestApp;
use crate::portal_helpers::sign_in_browser;

const PASSWORD: &str = "a long portal password";

/// A vendor and an invitation for Pat, as the operator would send it.
async fn invitation(app: &TestApp) -> Result<String, Box<dyn std::error::Error>> {
    let vendor = app
        .app
        .add_vendor(&VendorInput {
            name: "Acme Supply".into(),
            email: String::new(),
        })
        .await?
        .vendor
        .id;
    let base: url::Url = app.address.parse()?;
    let input = VendorUserInput {
        name: "Pat".into(),
        email: "pat@acme.example".into(),
    };
    Ok(app
        .app
        .invite_vendor_user(vendor, &input, Some(&base))
        .await?
        .invitation_link)
}

async fn text(browser: &Client, id: &str) -> Result<String, fantoccini::error::CmdError> {
    browser.find(Locator::Id(id)).await?.text().await
}

async fn accept_invitation(browser: &Client, link: &str) -> Step {
    browser.goto(link).await?;
    browser
        .find(Locator::Id("password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    browser
        .find(Locator::Id("password_again"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    browser
        .find(Locator::Id("set-password"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Id("vendor-name"))
        .await?;
    Ok(())
}

async fn a_vendors_first_day_flow(app: &TestApp, browser: &Client) -> Step {
    let link = invitation(app).await?;
    accept_invitation(browser, &link).await?;
    assert_eq!(text(browser, "vendor-name").await?, "Acme Supply");

    // Signed out, then in again with the new password.
    browser.find(Locator::Id("sign-out")).await?.click().await?;
    browser.wait().for_element(Locator::Id("sign-in")).await?;
    sign_in_browser(app, browser, "pat@acme.example", PASSWORD).await?;

    // Account, from the navigation, which marks it.
    browser
        .find(Locator::Css("#site-nav a[href='/vendor/account']"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Id("rotate-token"))
        .await?;
    let marked = browser
        .find(Locator::Css("#site-nav a[aria-current='page']"))
        .await?
        .text()
        .await?;
    assert_eq!(marked, "Account");
    let masked = text(browser, "masked-token").await?;
    browser
        .find(Locator::Id("rotate-token"))
        .await?
        .click()
        .await?;
    let new_token = browser
        .wait()
        .for_element(Locator::Id("new-token"))
        .await?
        .text()
        .await?;
    assert!(new_token.starts_with("whv_"), "{new_token}");
    let me = app
        .http
        .get(format!("{}/vendor-api/v1/me", app.address))
        .bearer_auth(&new_token)
        .send()
        .await?;
    assert_eq!(me.status(), 200, "the token shown works");

    // Shown once: the page again shows only its last four characters.
    browser
        .goto(&format!("{}/vendor/account", app.address))
        .await?;
    let masked_again = text(browser, "masked-token").await?;
    assert_ne!(masked_again, masked);
    assert!(!browser.source().await?.contains(&new_token));

    browser.find(Locator::Id("sign-out")).await?.click().await?;
    browser.wait().for_element(Locator::Id("sign-in")).await?;
    browser
        .goto(&format!("{}/vendor/account", app.address))
        .await?;
    browser.wait().for_element(Locator::Id("sign-in")).await?;
    assert!(!browser.source().await?.to_lowercase().contains("wharf"));
    Ok(())
}

async fn portal_on_a_phone_flow(app: &TestApp, browser: &Client) -> Step {
    phone_sized(browser).await?;
    let link = invitation(app).await?;
    let mut problems = Vec::new();
    let signed_out_pages = [
        link.clone(),
        format!("{}/vendor/login", app.address),
        format!("{}/vendor/forgot", app.address),
        format!("{}/vendor/invitation/unknown", app.address),
    ];
    for page in &signed_out_pages {
        browser.goto(page).await?;
        check_page(browser, page, &mut problems).await?;
    }
    accept_invitation(browser, &link).await?;
    for (page, section) in [
        ("/vendor/", None),
        ("/vendor/account", Some("/vendor/account")),
    ] {
        let page = format!("{}{page}", app.address);
        browser.goto(&page).await?;
        check_page(browser, &page, &mut problems).await?;
        let nav = browser.find(Locator::Id("site-nav")).await?;
        if nav.is_displayed().await? {
            problems.push(format!("{page}: the navigation is open before it is asked"));
        }
        let mut marked = Vec::new();
        for link in browser
            .find_all(Locator::Css("#site-nav a[aria-current='page']"))
            .await?
        {
            marked.push(link.attr("href").await?.unwrap_or_default());
        }
        if marked.first().map(String::as_str) != section {
            problems.push(format!("{page}: the current section is {marked:?}"));
        }
    }
    // The menu opens from its button.
    browser
        .find(Locator::Id("menu-toggle"))
        .await?
        .click()
        .await?;
    assert!(
        browser
            .find(Locator::Id("site-nav"))
            .await?
            .is_displayed()
            .await?
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

async fn check_page(browser: &Client, page: &str, problems: &mut Vec<String>) -> Step {
    let wide = wider_than_the_screen(browser).await?;
    if !wide.is_empty() {
        problems.push(format!("{page} is wider than {PHONE_WIDTH} px: {wide:?}"));
    }
    let unlabelled = unlabelled_fields(browser).await?;
    if !unlabelled.is_empty() {
        problems.push(format!("{page} has fields without a label: {unlabelled:?}"));
    }
    if browser.source().await?.to_lowercase().contains("wharf") {
        problems.push(format!("{page} names wharf"));
    }
    Ok(())
}

#[tokio::test]
async fn a_vendor_accepts_the_invitation_signs_in_replaces_the_token_and_signs_out() {
    run_in_browser("portal_first_day", a_vendors_first_day_flow).await;
}

#[tokio::test]
async fn every_portal_page_fits_a_phone_with_labelled_fields() {
    run_in_browser("portal_phone", portal_on_a_phone_flow).await;
}
