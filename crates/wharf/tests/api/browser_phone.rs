//! wharf on a phone and from the keyboard, in a real headless Chromium: at 360 px every page
//! fits the screen, the navigation folds behind a Menu button that opens from the keyboard and
//! marks the current section, every field has a label, the skip link is the first stop of Tab,
//! and a refused field tells assistive technology what is wrong with it.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::browser::{Step, run_in_browser, sign_in};
use crate::helpers::TestApp;

const PHONE_WIDTH: u32 = 360;

/// Narrows the window to a phone's and checks the page really is that wide.
pub(crate) async fn phone_sized(browser: &Client) -> Step {
    browser.set_window_size(PHONE_WIDTH, 780).await?;
    let width = browser.execute("return window.innerWidth", vec![]).await?;
    assert_eq!(width.as_u64(), Some(u64::from(PHONE_WIDTH)), "window width");
    Ok(())
}

async fn press(browser: &Client, key: Key) -> Step {
    let key = char::from(key);
    let keys = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    browser.perform_actions(keys).await?;
    Ok(())
}

/// How a script describes the focused element: its id, else its class.
async fn focused(browser: &Client) -> Result<String, fantoccini::error::CmdError> {
    let found = browser
        .execute(
            "const e = document.activeElement; return e.id || e.className || e.tagName;",
            vec![],
        )
        .await?;
    Ok(found.as_str().unwrap_or_default().to_owned())
}

/// The elements sticking out to the right of the screen, when the page is wider than it.
pub(crate) async fn wider_than_the_screen(
    browser: &Client,
) -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let found = browser
        .execute(
            r##"
            if (document.documentElement.scrollWidth <= window.innerWidth) return [];
            const wide = Array.from(document.querySelectorAll("body *"))
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
              .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                + (e.className ? "." + String(e.className).split(" ").join(".") : "")
                + " right=" + Math.round(e.getBoundingClientRect().right));
            return [document.documentElement.scrollWidth + "px wide"].concat(wide.slice(0, 6));
            "##,
            vec![],
        )
        .await?;
    Ok(found.as_array().cloned().unwrap_or_default())
}

/// Every input, select and textarea a person fills that has no name to be announced by: no
/// label with words, no aria-label, no aria-labelledby.
pub(crate) async fn unlabelled_fields(
    browser: &Client,
) -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let found = browser
        .execute(
            r#"
            return Array.from(document.querySelectorAll("input, select, textarea"))
              .filter(e => e.type !== "hidden")
              .filter(e => !Array.from(e.labels || []).some(l => l.textContent.trim() !== "")
                && !(e.getAttribute("aria-label") || "").trim()
                && !(e.getAttribute("aria-labelledby") || "").trim())
              .map(e => e.outerHTML.slice(0, 160));
            "#,
            vec![],
        )
        .await?;
    Ok(found.as_array().cloned().unwrap_or_default())
}

/// Signs in on a phone-sized window to a store with products, two vendors, a routed order, its
/// jobs and latency, so every page has something to show; returns every page with the
/// navigation link its section marks.
async fn every_page_of_a_working_shop(
    app: &TestApp,
    browser: &Client,
) -> Result<Vec<(String, &'static str)>, Box<dyn std::error::Error>> {
    let shop = crate::shipments::shop(app).await;
    shop.order(app, &[(0, 2, 0), (1, 1, 0)]).await;
    let store_id = shop.store_id;
    sign_in(app, browser).await?;
    phone_sized(browser).await?;
    // The order's page as the Orders list links it.
    browser.goto(&format!("{}/orders", app.address)).await?;
    let order_page = browser
        .find(Locator::Css("main table a[href*='/orders/']"))
        .await?
        .prop("href")
        .await?
        .ok_or("the order link has no address")?;
    let pages = [
        ("/dashboard".to_owned(), "/dashboard"),
        ("/orders".to_owned(), "/orders"),
        (order_page, "/orders"),
        ("/products".to_owned(), "/products"),
        ("/vendors".to_owned(), "/vendors"),
        ("/inventory".to_owned(), "/inventory"),
        ("/activity".to_owned(), "/activity"),
        ("/latency".to_owned(), "/latency"),
        ("/setup".to_owned(), "/setup"),
        ("/setup/integrations".to_owned(), "/setup"),
        ("/setup/integrations/bigcommerce".to_owned(), "/setup"),
        (
            format!("/setup/integrations/bigcommerce/stores/{store_id}"),
            "/setup",
        ),
        (format!("/stores/{store_id}/rules"), "/setup"),
        ("/account".to_owned(), "/account"),
    ];
    Ok(pages
        .into_iter()
        .map(|(page, section)| {
            if page.starts_with("http") {
                (page, section)
            } else {
                (format!("{}{page}", app.address), section)
            }
        })
        .collect())
}

async fn fits_a_phone_flow(app: &TestApp, browser: &Client) -> Step {
    let mut problems = Vec::new();
    for (page, section) in every_page_of_a_working_shop(app, browser).await? {
        browser.goto(&page).await?;
        let wide = wider_than_the_screen(browser).await?;
        if !wide.is_empty() {
            problems.push(format!("{page} is wider than {PHONE_WIDTH} px: {wide:?}"));
        }
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
        if marked != [section] {
            problems.push(format!(
                "{page}: the current section is {marked:?}, not {section}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

async fn labelled_fields_flow(app: &TestApp, browser: &Client) -> Step {
    let mut problems = Vec::new();
    for (page, _) in every_page_of_a_working_shop(app, browser).await? {
        browser.goto(&page).await?;
        let unlabelled = unlabelled_fields(browser).await?;
        if !unlabelled.is_empty() {
            problems.push(format!("{page} has fields without a label: {unlabelled:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

async fn keyboard_flow(app: &TestApp, browser: &Client) -> Step {
    sign_in(app, browser).await?;
    phone_sized(browser).await?;
    browser.goto(&format!("{}/vendors", app.address)).await?;

    // The first Tab reaches the skip link, and Enter on it moves the keyboard to the content.
    press(browser, Key::Tab).await?;
    assert_eq!(focused(browser).await?, "skip-link");
    let skip = browser.find(Locator::Css(".skip-link")).await?;
    assert!(skip.is_displayed().await?, "the focused skip link is seen");
    press(browser, Key::Enter).await?;
    assert_eq!(focused(browser).await?, "main");

    // The menu: folded, then opened from its button by the keyboard, then folded by Escape.
    let toggle = browser.find(Locator::Id("menu-toggle")).await?;
    let nav = browser.find(Locator::Id("site-nav")).await?;
    assert!(!nav.is_displayed().await?, "the navigation starts folded");
    assert_eq!(
        toggle.attr("aria-expanded").await?.as_deref(),
        Some("false")
    );
    browser
        .execute("document.getElementById('menu-toggle').focus()", vec![])
        .await?;
    press(browser, Key::Enter).await?;
    assert!(nav.is_displayed().await?, "Enter opens the navigation");
    assert_eq!(toggle.attr("aria-expanded").await?.as_deref(), Some("true"));
    assert!(
        wider_than_the_screen(browser).await?.is_empty(),
        "the open navigation fits the screen"
    );
    press(browser, Key::Tab).await?;
    let first_link = browser
        .execute("return document.activeElement.getAttribute('href')", vec![])
        .await?;
    assert_eq!(
        first_link.as_str(),
        Some("/dashboard"),
        "Tab goes on into the links"
    );
    press(browser, Key::Escape).await?;
    assert!(!nav.is_displayed().await?, "Escape folds it again");
    assert_eq!(focused(browser).await?, "menu-toggle");

    // On a wide screen the navigation is always there and the button is not.
    browser.set_window_size(1280, 1000).await?;
    assert!(
        nav.is_displayed().await?,
        "the navigation is shown on a wide screen"
    );
    assert!(
        !toggle.is_displayed().await?,
        "no Menu button on a wide screen"
    );
    Ok(())
}

/// Checks that `field` is marked invalid and described by an element saying `words`.
async fn says_why(browser: &Client, field: &str, words: &str) -> Step {
    let input = browser.find(Locator::Id(field)).await?;
    assert_eq!(
        input.attr("aria-invalid").await?.as_deref(),
        Some("true"),
        "#{field} is marked invalid"
    );
    let described_by = input.attr("aria-describedby").await?.unwrap_or_default();
    let error_id = described_by
        .split_whitespace()
        .find(|id| id.ends_with("-error"))
        .ok_or_else(|| format!("#{field} is described by {described_by:?}, no error"))?;
    let error = browser.find(Locator::Id(error_id)).await?.text().await?;
    assert!(error.contains(words), "#{field}'s error says {error:?}");
    Ok(())
}

async fn field_errors_flow(app: &TestApp, browser: &Client) -> Step {
    sign_in(app, browser).await?;
    phone_sized(browser).await?;

    // Adding a vendor without a name.
    browser.goto(&format!("{}/vendors", app.address)).await?;
    browser
        .find(Locator::Id("add-vendor"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Css("#vendor-name[aria-invalid]"))
        .await?;
    says_why(browser, "vendor-name", "Name is required").await?;
    let email = browser.find(Locator::Id("vendor-email")).await?;
    assert_eq!(
        email.attr("aria-invalid").await?,
        None,
        "a good field is not"
    );

    // Editing a vendor's row with an email that is not one: the error is in that row.
    let vendor = app
        .api_post("/vendors", &serde_json::json!({ "name": "Acme Supply" }))
        .await;
    let vendor: Value = vendor.json().await?;
    let id = vendor["id"].as_i64().ok_or("the new vendor's id")?;
    browser.goto(&format!("{}/vendors", app.address)).await?;
    let email_field = format!("vendor-{id}-email");
    let email = browser.find(Locator::Id(&email_field)).await?;
    email.send_keys("not an address").await?;
    browser
        .find(Locator::Css(&format!(
            "#vendor-{id} form.edit-vendor button"
        )))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Css(&format!("#{email_field}[aria-invalid]")))
        .await?;
    says_why(browser, &email_field, "not an email address").await?;
    // What was typed is kept, to be corrected.
    let kept = browser
        .find(Locator::Id(&email_field))
        .await?
        .prop("value")
        .await?;
    assert_eq!(kept.as_deref(), Some("not an address"));
    Ok(())
}

#[tokio::test]
async fn every_page_fits_a_phone_and_marks_its_section() {
    run_in_browser("phone_pages", fits_a_phone_flow).await;
}

#[tokio::test]
async fn every_field_on_every_page_has_a_label() {
    run_in_browser("phone_labels", labelled_fields_flow).await;
}

#[tokio::test]
async fn the_skip_link_and_the_menu_work_from_the_keyboard_on_a_phone() {
    run_in_browser("phone_keyboard", keyboard_flow).await;
}

#[tokio::test]
async fn a_refused_field_tells_assistive_technology_why() {
    run_in_browser("phone_field_errors", field_errors_flow).await;
}
