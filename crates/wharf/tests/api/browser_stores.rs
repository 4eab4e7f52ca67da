//! A store's life and its routing rules in a real headless Chromium (issue 17, items 1 and 2):
//! a store saved with a wrong token is fixed by an edit, disabled and removed; a store's rules
//! are listed in the order they are tried, edited and deleted, and the products page shows and
//! filters the vendor each variant routes to.

use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::browser::{Step, run_in_browser, sign_in};
use crate::helpers::{STORE_HASH, TestApp};
use crate::shipments::shop;

const STORES: &str = "/setup/integrations/bigcommerce";

async fn field(browser: &Client, id: &str) -> Result<Element, fantoccini::error::CmdError> {
    browser.find(Locator::Id(id)).await
}

async fn click(browser: &Client, id: &str) -> Step {
    field(browser, id).await?.click().await?;
    Ok(())
}

/// Clicks Connect and waits until htmx has swapped in this verdict.
async fn connect_until(browser: &Client, status: &str) -> Step {
    click(browser, "connect").await?;
    let selector = format!("#connection-status.{status}[data-status=\"{status}\"]");
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&selector))
        .await?;
    Ok(())
}

/// The text of every element `css` selects, in page order.
/// The texts of the elements `css` selects. A page a form's answer is replacing can turn an
/// element stale between finding it and reading it: the read is tried again on the new page.
async fn texts(browser: &Client, css: &str) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let mut tries = 0;
    loop {
        match read_texts(browser, css).await {
            Err(_) if tries < 40 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            done => return done,
        }
    }
}

async fn read_texts(
    browser: &Client,
    css: &str,
) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let mut out = Vec::new();
    for element in browser.find_all(Locator::Css(css)).await? {
        out.push(element.text().await?.trim().to_owned());
    }
    Ok(out)
}

/// Every input and select under `scope` has a `<label>` of its own.
async fn assert_inputs_labelled(browser: &Client, scope: &str) -> Step {
    let fields = browser
        .find_all(Locator::Css(&format!(
            "{scope} input:not([type=hidden]), {scope} select"
        )))
        .await?;
    assert!(!fields.is_empty(), "no field under {scope}");
    for field in fields {
        let id = field.attr("id").await?.unwrap_or_default();
        assert!(!id.is_empty(), "a field under {scope} has no id to label");
        let label = browser
            .find(Locator::Css(&format!("label[for='{id}']")))
            .await
            .map_err(|_| format!("#{id} has no label"))?;
        assert!(
            !label.text().await?.trim().is_empty(),
            "#{id}'s label is empty"
        );
    }
    Ok(())
}

/// Every cell of `table`'s first row carries its column's heading in `data-label` (what the
/// narrow-screen layout shows beside it).
async fn assert_cells_labelled(browser: &Client, table: &str) -> Step {
    let headings = texts(browser, &format!("{table} thead th")).await?;
    let mut labels = Vec::new();
    for cell in browser
        .find_all(Locator::Css(&format!("{table} tbody tr:first-child > td")))
        .await?
    {
        labels.push(cell.attr("data-label").await?.unwrap_or_default());
    }
    assert_eq!(labels, headings, "{table}");
    Ok(())
}

async fn store_lifecycle_flow(app: &TestApp, browser: &Client) -> Step {
    sign_in(app, browser).await?;
    app.add_store(&app.another_store_input("Other shop", "othershop2"))
        .await;
    browser.refresh().await?;
    assert_cells_labelled(browser, "table.stores").await?;
    click(browser, "add-store").await?;
    browser
        .wait()
        .for_element(Locator::Id("save-store"))
        .await?;
    for (id, value) in [
        ("name", "Corner shop"),
        ("store_url", app.store_spec.domain.as_str()),
        ("store_hash", STORE_HASH),
        ("client_id", "corner-client"),
        ("client_secret", "corner-secret"),
        ("access_token", "a-token-bigcommerce-refuses"),
    ] {
        field(browser, id).await?.send_keys(value).await?;
    }
    click(browser, "save-store").await?;
    browser.wait().for_element(Locator::Id("connect")).await?;
    connect_until(browser, "failed").await?;
    let failures = field(browser, "connection-failures").await?.text().await?;
    assert!(failures.contains("Access token"), "{failures}");

    // Edit: the right token, then Connect turns green.
    browser
        .find(Locator::Css("#edit-store summary"))
        .await?
        .click()
        .await?;
    // A bad address is refused beside its field, nothing saved.
    let url = field(browser, "edit-store_url").await?;
    url.clear().await?;
    url.send_keys("http://insecure.example.com").await?;
    click(browser, "save-edit").await?;
    browser
        .wait()
        .for_element(Locator::Id("edit-store_url-error"))
        .await?;
    let url = field(browser, "edit-store_url").await?;
    assert_eq!(url.attr("aria-invalid").await?.as_deref(), Some("true"));
    // The error first, then the field's hint.
    assert_eq!(
        url.attr("aria-describedby").await?.as_deref(),
        Some("edit-store_url-error edit-store_url-help")
    );
    url.clear().await?;
    url.send_keys(&app.store_spec.domain).await?;
    field(browser, "edit-access_token")
        .await?
        .send_keys(&app.access_token)
        .await?;
    click(browser, "save-edit").await?;
    browser
        .wait()
        .for_element(Locator::Css(
            "#connection-status[data-status=\"unchecked\"]",
        ))
        .await?;
    connect_until(browser, "connected").await?;

    // Disable: the page says so, and Remove is offered only now.
    assert!(field(browser, "remove-needs-disable").await.is_ok());
    click(browser, "disable-store").await?;
    let badge = browser
        .wait()
        .for_element(Locator::Id("store-disabled"))
        .await?;
    assert_eq!(badge.text().await?, "Disabled");

    // A wrong name is refused with the error beside the field; nothing is removed.
    field(browser, "remove-confirm-name")
        .await?
        .send_keys("Corner")
        .await?;
    click(browser, "remove-delete-orders").await?;
    click(browser, "remove-store").await?;
    let error = browser
        .wait()
        .for_element(Locator::Id("remove-confirm-name-error"))
        .await?;
    assert!(error.text().await?.contains("“Corner shop”"));
    let input = field(browser, "remove-confirm-name").await?;
    assert_eq!(input.attr("aria-invalid").await?.as_deref(), Some("true"));
    assert_eq!(
        input.attr("aria-describedby").await?.as_deref(),
        Some("remove-confirm-name-error")
    );
    assert_eq!(input.prop("value").await?.as_deref(), Some("Corner"));
    assert_eq!(
        field(browser, "remove-delete-orders")
            .await?
            .prop("checked")
            .await?
            .as_deref(),
        Some("true"),
        "the choice made is kept"
    );
    assert_eq!(app.app.list_stores().await?.len(), 2);

    // The right name removes it: back on the list, it is gone.
    let input = field(browser, "remove-confirm-name").await?;
    input.clear().await?;
    input.send_keys("Corner shop").await?;
    click(browser, "remove-store").await?;
    browser.wait().for_element(Locator::Id("add-store")).await?;
    assert!(browser.current_url().await?.path().ends_with(STORES));
    let listed = texts(browser, "table.stores tbody td[data-label=Name]").await?;
    assert_eq!(
        listed,
        ["Other shop"],
        "only the removed store left the list"
    );
    Ok(())
}

#[tokio::test]
async fn a_store_with_a_wrong_token_is_fixed_disabled_and_removed_in_the_browser() {
    run_in_browser("store_lifecycle", store_lifecycle_flow).await;
}

/// Adds a rule through the API (the page edits and removes; the Vendors page adds).
async fn add_rule(app: &TestApp, store_id: i64, rule: Value) {
    let response = app
        .api_post(&format!("/stores/{store_id}/assignments"), &rule)
        .await;
    assert_eq!(response.status(), 200, "{rule}");
}

/// The number a "N variants" / "1 variant" / "none" text says.
fn count_of(covered: &str) -> usize {
    covered
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The row of the rules table whose kind cell says `kind`.
async fn rule_row(browser: &Client, kind: &str) -> Result<Element, Box<dyn std::error::Error>> {
    for row in browser.find_all(Locator::Css("tr.rule-row")).await? {
        if row.find(Locator::Css("td.rule-kind")).await?.text().await? == kind {
            return Ok(row);
        }
    }
    Err(format!("no {kind} rule on the page").into())
}

/// Waits until the rules page's result line (a form's answer replaces the page, which may
/// still show the previous answer) starts with `prefix`.
async fn result_saying(browser: &Client, prefix: &str) -> Step {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(result) = field(browser, "rules-result").await
            && result.text().await.is_ok_and(|t| t.starts_with(prefix))
        {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("the rules page never said {prefix:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn rules_flow(app: &TestApp, browser: &Client) -> Step {
    // A connected, imported store, vendors Alpha Supply (the default) and Beta Goods.
    let shop = shop(app).await;
    let store = shop.store_id;
    let catalog: Value = app
        .api_get(&format!("/products?store_id={store}"))
        .await
        .json()
        .await?;
    let total = catalog["total"].as_u64().unwrap() as usize;
    let variants = catalog["variants"].as_array().unwrap();
    assert_eq!(variants.len(), total, "one page holds them all");
    let sku_of = |v: &Value| {
        v["variant_sku"]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let brand_of = |v: &Value| v["brand_name"].as_str().map(str::to_owned);
    // One variant by SKU, the others of one brand by brand, one of another brand by a prefix.
    let by_sku = variants
        .iter()
        .find_map(sku_of)
        .expect("a variant with a SKU");
    let brand = variants
        .iter()
        .filter(|v| sku_of(v).as_ref() != Some(&by_sku))
        .find_map(brand_of)
        .expect("a branded variant");
    let by_prefix = variants
        .iter()
        .filter(|v| brand_of(v).as_deref() != Some(brand.as_str()))
        .filter_map(sku_of)
        .find(|sku| *sku != by_sku)
        .expect("a variant of another brand");
    let prefix = &by_prefix[..by_prefix.len() - 1];
    add_rule(
        app,
        store,
        json!({ "rule": "sku_prefix", "prefix": prefix, "vendor": "Beta Goods" }),
    )
    .await;
    add_rule(
        app,
        store,
        json!({ "rule": "brand", "brand": brand, "vendor": "Beta Goods" }),
    )
    .await;
    add_rule(
        app,
        store,
        json!({ "rule": "sku", "sku": by_sku, "vendor": "Beta Goods" }),
    )
    .await;

    sign_in(app, browser).await?;
    browser
        .goto(&format!("{}/stores/{store}/rules", app.address))
        .await?;
    assert_eq!(
        texts(browser, "tr.rule-row td.rule-kind").await?,
        ["SKU", "Brand", "SKU prefix", "Store default"],
        "the rules in the order they are tried"
    );
    assert_cells_labelled(browser, "table.rules").await?;
    assert_inputs_labelled(browser, "table.rules").await?;
    let covered = texts(browser, "tr.rule-row td.covered").await?;
    assert!(covered[..3].iter().all(|c| count_of(c) >= 1), "{covered:?}");
    assert_eq!(
        covered.iter().map(|c| count_of(c)).sum::<usize>(),
        total,
        "every variant is decided by one rule: {covered:?}"
    );
    let by_brand = count_of(&covered[1]);

    // Edit: the brand's variants go to Alpha Supply.
    let row = rule_row(browser, "Brand").await?;
    row.find(Locator::Css(
        "select[name=vendor] option[value='Alpha Supply']",
    ))
    .await?
    .click()
    .await?;
    row.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    result_saying(browser, "Saved.").await?;
    let row = rule_row(browser, "Brand").await?;
    let chosen = row
        .find(Locator::Css("select[name=vendor]"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(chosen.as_deref(), Some("Alpha Supply"));

    // Delete the SKU rule, after the confirm step.
    rule_row(browser, "SKU")
        .await?
        .find(Locator::Css("button.remove-rule"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Id("confirm-remove-rule"))
        .await?
        .click()
        .await?;
    result_saying(browser, "Removed the SKU rule").await?;
    assert_eq!(
        texts(browser, "tr.rule-row td.rule-kind").await?,
        ["Brand", "SKU prefix", "Store default"]
    );

    // The default holds the rest in Needs attention: they have no vendor.
    browser
        .find(Locator::Css("#default-rule option[value='']"))
        .await?
        .click()
        .await?;
    browser
        .find(Locator::Css("#default-rule button"))
        .await?
        .click()
        .await?;
    result_saying(browser, "Saved").await?;
    let covered = texts(browser, "tr.rule-row td.covered").await?;
    let (brand_count, prefix_count) = (count_of(&covered[0]), count_of(&covered[1]));
    assert!(brand_count >= by_brand, "{covered:?}");

    // Products: the vendor each variant routes to, and the filters.
    browser.goto(&format!("{}/products", app.address)).await?;
    assert_cells_labelled(browser, "table.products").await?;
    assert_inputs_labelled(browser, "form.search").await?;
    let vendors = texts(browser, "tr.variant-row td.vendor").await?;
    assert!(!vendors.is_empty());
    assert!(
        vendors
            .iter()
            .all(|v| ["Alpha Supply", "Beta Goods", "No vendor"].contains(&v.as_str())),
        "{vendors:?}"
    );
    let unrouted = total - brand_count - prefix_count;
    for (option, shown, count) in [
        ("Alpha Supply", "Alpha Supply", brand_count),
        ("Beta Goods", "Beta Goods", prefix_count),
        ("No vendor", "No vendor", unrouted),
    ] {
        let select = field(browser, "vendor-filter").await?;
        select.select_by_label(option).await?;
        let value = select.prop("value").await?.unwrap_or_default();
        let filtered = format!("vendor={value}");
        browser
            .find(Locator::Css("form.search button[type=submit]"))
            .await?
            .click()
            .await?;
        let wanted = format!("{count} variant");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            // The click navigates: until the new page is in, the count may be the old page's
            // or gone (a stale element), so a failed read is "not yet", not a failure.
            let said = match field(browser, "result-count").await {
                Ok(count) => count.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            let url = browser.current_url().await?;
            if url.query().is_some_and(|q| q.contains(&filtered)) && said.starts_with(&wanted) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{option}: {said:?}, never {wanted}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let rows = texts(browser, "tr.variant-row td.vendor").await?;
        assert_eq!(rows.len(), count.min(50), "{option}: {rows:?}");
        assert!(rows.iter().all(|v| v == shown), "{option}: {rows:?}");
    }
    Ok(())
}

#[tokio::test]
async fn the_rules_page_lists_edits_and_deletes_rules_and_products_show_their_vendor() {
    run_in_browser("rules", rules_flow).await;
}
