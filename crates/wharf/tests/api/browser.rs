//! The Integrations flow in a real headless Chromium: sign in, fill the form, click Connect,
//! see green; with a wrong token, see red with the reason.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{ADMIN_PASSWORD, ADMIN_USER, STORE_HASH, TestApp, spawn_app};

const CHROMIUM: &str = "/usr/bin/chromium";
const GREEN: &str = "rgba(22, 121, 74, 1)";
const RED: &str = "rgba(180, 35, 24, 1)";

pub(crate) struct Browser {
    pub(crate) client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Starts chromedriver and a headless Chromium. Without them, the test fails under CI and is
/// skipped (loudly) on a developer machine.
pub(crate) async fn start_browser() -> Option<Browser> {
    let chromedriver = which("chromedriver");
    if !Path::new(CHROMIUM).exists() || chromedriver.is_none() {
        let message = "browser test needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)";
        if std::env::var_os("CI").is_some() {
            panic!("{message}");
        }
        eprintln!("SKIPPED: {message}");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Command::new(chromedriver.unwrap())
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let profile = tempfile::tempdir().unwrap();
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1280,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    });
    let capabilities = capabilities.as_object().unwrap().clone();
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        match ClientBuilder::native()
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Some(Browser {
                    client,
                    driver,
                    _profile: profile,
                });
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("chromedriver did not accept a session on {url}");
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(program))
        .find(|path| path.exists())
}

pub(crate) type Step = Result<(), Box<dyn std::error::Error>>;

async fn text_of(browser: &Client, id: &str) -> Result<String, fantoccini::error::CmdError> {
    browser.find(Locator::Id(id)).await?.text().await
}

/// The text of `id` once it contains `needle`: a form's answer replaces the page, and until it
/// arrives the old page (with the previous answer) is still there to be found.
async fn text_once(
    browser: &Client,
    id: &str,
    needle: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(text) = text_of(browser, id).await
            && text.contains(needle)
        {
            return Ok(text);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("#{id} never said {needle:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn sign_in(app: &TestApp, browser: &Client) -> Step {
    browser
        .goto(&format!("{}/setup/integrations/bigcommerce", app.address))
        .await?;
    browser
        .find(Locator::Id("username"))
        .await?
        .send_keys(ADMIN_USER)
        .await?;
    browser
        .find(Locator::Id("password"))
        .await?
        .send_keys(ADMIN_PASSWORD)
        .await?;
    browser.find(Locator::Id("sign-in")).await?.click().await?;
    browser.wait().for_element(Locator::Id("add-store")).await?;
    Ok(())
}

async fn add_store_in_form(browser: &Client, fields: &[(&str, &str)]) -> Step {
    browser
        .find(Locator::Id("add-store"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Id("save-store"))
        .await?;
    let auth_type = browser.find(Locator::Id("auth_type")).await?;
    assert!(
        auth_type.text().await?.contains("not available yet"),
        "App (OAuth) is listed as not available"
    );
    for (id, value) in fields {
        browser
            .find(Locator::Id(id))
            .await?
            .send_keys(value)
            .await?;
    }
    browser
        .find(Locator::Id("save-store"))
        .await?
        .click()
        .await?;
    browser.wait().for_element(Locator::Id("connect")).await?;
    Ok(())
}

/// Clicks Connect and waits for htmx to swap in the verdict.
async fn click_connect(browser: &Client, expected_status: &str) -> Step {
    browser.find(Locator::Id("connect")).await?.click().await?;
    // The class too: htmx settles `class` a moment after the swap (to allow CSS transitions),
    // so a new data-status can briefly sit beside the old class and the old colour.
    let selector =
        format!("#connection-status.{expected_status}[data-status=\"{expected_status}\"]");
    browser
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(&selector))
        .await?;
    Ok(())
}

async fn integrations_flow(app: &TestApp, browser: &Client) -> Step {
    sign_in(app, browser).await?;

    let api_path = format!("https://api.bigcommerce.com/stores/{STORE_HASH}/v3/");
    add_store_in_form(
        browser,
        &[
            ("name", "Browser store"),
            ("store_url", &app.store_spec.domain),
            ("store_hash", &api_path),
            ("client_id", "browser-client"),
            ("client_secret", "browser-secret"),
            ("access_token", &app.access_token),
        ],
    )
    .await?;
    click_connect(browser, "connected").await?;
    let status = browser.find(Locator::Id("connection-status")).await?;
    assert!(status.text().await?.starts_with("Connected"));
    assert_eq!(status.css_value("color").await?, GREEN);
    let button = browser.find(Locator::Id("connect")).await?;
    assert_eq!(button.css_value("background-color").await?, GREEN);

    browser
        .goto(&format!("{}/setup/integrations/bigcommerce", app.address))
        .await?;
    // Another BigCommerce store: wharf takes each store hash once.
    let other = app.another_store_input("Wrong token store", "othershop1");
    add_store_in_form(
        browser,
        &[
            ("name", "Wrong token store"),
            ("store_url", other["store_url"].as_str().unwrap()),
            ("store_hash", other["store_hash"].as_str().unwrap()),
            ("client_id", "browser-client"),
            ("client_secret", "browser-secret"),
            ("access_token", "definitely-wrong"),
        ],
    )
    .await?;
    click_connect(browser, "failed").await?;
    let status = browser.find(Locator::Id("connection-status")).await?;
    assert_eq!(status.css_value("color").await?, RED);
    let reasons = browser
        .find(Locator::Id("connection-failures"))
        .await?
        .text()
        .await?;
    assert_eq!(reasons, "Access token rejected by BigCommerce");
    Ok(())
}

async fn invalid_form_flow(app: &TestApp, browser: &Client) -> Step {
    sign_in(app, browser).await?;
    browser
        .find(Locator::Id("add-store"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Id("save-store"))
        .await?;
    browser
        .find(Locator::Id("name"))
        .await?
        .send_keys("Half filled")
        .await?;
    browser
        .find(Locator::Id("store_url"))
        .await?
        .send_keys("http://insecure.example.com")
        .await?;
    browser
        .find(Locator::Id("save-store"))
        .await?
        .click()
        .await?;
    let error = browser
        .wait()
        .for_element(Locator::Id("store_url-error"))
        .await?;
    assert!(error.text().await?.contains("https"));
    browser.find(Locator::Id("store_hash-error")).await?;
    browser.find(Locator::Id("access_token-error")).await?;
    // What was typed (but never a secret) is kept for the correction.
    let name = browser
        .find(Locator::Id("name"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(name.as_deref(), Some("Half filled"));
    assert!(app.app.list_stores().await?.is_empty());
    Ok(())
}

async fn import_flow(app: &TestApp, browser: &Client) -> Step {
    let store_id = app.connected_store().await;
    app.seed_catalog(600, 2);
    // Slow enough that the bar is seen moving, fast enough for a test.
    app.sim.simulator.set_faults(bigcommerce_sim::Faults {
        latency: Duration::from_millis(300),
        ..bigcommerce_sim::Faults::default()
    });
    sign_in(app, browser).await?;
    browser
        .goto(&format!(
            "{}/setup/integrations/bigcommerce/stores/{store_id}",
            app.address
        ))
        .await?;
    browser
        .find(Locator::Id("import-products"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Id("import-progress"))
        .await?;
    browser
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("#import-progress[data-status=\"completed\"]"))
        .await?;
    let bar = browser.find(Locator::Id("import-progress")).await?;
    assert_eq!(bar.attr("data-percent").await?.as_deref(), Some("100"));
    assert_eq!(text_of(browser, "import-percent").await?, "100%");
    assert_eq!(
        text_of(browser, "import-products").await?,
        "Import products"
    );
    assert_eq!(text_of(browser, "import-pages").await?, "3 / 3");
    assert_eq!(text_of(browser, "import-products-read").await?, "600");
    Ok(())
}

/// The operator records a partial shipment on the order page, sees BigCommerce take it, has a
/// bad one refused with the field named, and uploads tracking as CSV.
async fn shipment_flow(app: &TestApp, browser: &Client) -> Step {
    let shop = crate::shipments::shop(app).await;
    let (external, _) = shop.order(app, &[(0, 2, 0)]).await;
    sign_in(app, browser).await?;
    let order_page = format!("{}/stores/{}/orders/{external}", app.address, shop.store_id);
    browser.goto(&order_page).await?;
    browser
        .find(Locator::Css("details.record-shipment summary"))
        .await?
        .click()
        .await?;
    let form = browser.find(Locator::Css("form.shipment-form")).await?;
    // Spaces satisfy the browser's `required`; wharf itself says what is wrong.
    form.find(Locator::Css("input[name=tracking_number]"))
        .await?
        .send_keys("   ")
        .await?;
    form.find(Locator::Css("input[name=carrier]"))
        .await?
        .send_keys("Fedex")
        .await?;
    form.find(Locator::Css("button.record-shipment-button"))
        .await?
        .click()
        .await?;
    let error = browser
        .wait()
        .for_element(Locator::Css("p.field-error[data-field=tracking_number]"))
        .await?;
    // In words, without the form's field key, and tied to its field.
    assert_eq!(error.text().await?, "Tracking number is required");
    let tracking = browser
        .find(Locator::Css(
            "form.shipment-form input[name=tracking_number]",
        ))
        .await?;
    assert_eq!(
        tracking.attr("aria-invalid").await?.as_deref(),
        Some("true")
    );
    assert_eq!(
        tracking.attr("aria-describedby").await?,
        error.attr("id").await?
    );
    assert!(app.sim.simulator.shipments(STORE_HASH, external).is_empty());

    // The form is open again, with the error; ship one of the two.
    let form = browser.find(Locator::Css("form.shipment-form")).await?;
    form.find(Locator::Css("input[name=tracking_number]"))
        .await?
        .send_keys("FX-BROWSER-1")
        .await?;
    form.find(Locator::Css("input[name=carrier]"))
        .await?
        .send_keys("Fedex")
        .await?;
    let quantity = form.find(Locator::Css("input[type=number]")).await?;
    quantity.clear().await?;
    quantity.send_keys("1").await?;
    form.find(Locator::Css("button.record-shipment-button"))
        .await?
        .click()
        .await?;
    browser
        .wait()
        .for_element(Locator::Css("#shipments tr.shipment"))
        .await?;
    // The push runs in the background: reload until the row says it is in BigCommerce.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        browser.goto(&order_page).await?;
        if browser
            .find(Locator::Css("#shipments tr.shipment.pushed"))
            .await
            .is_ok()
        {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never pushed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let shipped = app.sim.simulator.shipments(STORE_HASH, external);
    assert_eq!(shipped.len(), 1);
    assert_eq!(shipped[0].tracking_number, "FX-BROWSER-1");
    assert_eq!(shipped[0].shipping_provider, "fedex");
    assert!(
        browser
            .find(Locator::Css(".badge.partially_shipped"))
            .await
            .is_ok()
    );

    // The rest by CSV on the orders page, with a bad row reported by its line.
    browser.goto(&format!("{}/orders", app.address)).await?;
    let sku = &shop.variants[0].2;
    browser
        .find(Locator::Id("tracking-csv"))
        .await?
        .send_keys(&format!(
            "order,sku,quantity,tracking_number,carrier\n{external},{sku},1,FX-CSV-2,FedEx\n{external},NOPE,1,FX-CSV-2,FedEx\n"
        ))
        .await?;
    browser
        .find(Locator::Id("upload-tracking"))
        .await?
        .click()
        .await?;
    let result = browser
        .wait()
        .for_element(Locator::Id("tracking-result"))
        .await?
        .text()
        .await?;
    assert!(result.starts_with("1 shipment(s) recorded"), "{result}");
    let errors = text_of(browser, "tracking-errors").await?;
    assert!(
        errors.contains("Line 3") && errors.contains("NOPE"),
        "{errors}"
    );
    Ok(())
}

/// The operator uploads a vendor's stock on the Inventory page, pushes it, and sees a hand edit
/// in BigCommerce reported by the drift check.
async fn inventory_flow(app: &TestApp, browser: &Client) -> Step {
    let shop = crate::inventory::stocked_store(app).await;
    let (_, variant_id, sku) = &shop.by_variant[0];
    sign_in(app, browser).await?;
    browser.goto(&format!("{}/inventory", app.address)).await?;
    let vendor = browser
        .find(Locator::Id(&format!("vendor-{}", shop.vendor_id)))
        .await?;
    // Chosen as a file: wharf.js (no inline script, under the CSP) reads it into the form.
    let file = app.dir.path().join("stock-upload.csv");
    let content = format!("sku,quantity\n{sku},17\nNOPE,1\n");
    std::fs::write(&file, &content)?;
    vendor
        .find(Locator::Css("input[type=file]"))
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let textarea = vendor.find(Locator::Css("textarea[name=csv]")).await?;
    while textarea.prop("value").await?.as_deref() != Some(content.as_str()) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the chosen file never reached the form"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    vendor
        .find(Locator::Css("button.upload-stock"))
        .await?
        .click()
        .await?;
    let result = text_once(browser, "inventory-result", "applied").await?;
    assert!(result.starts_with("2 stock level(s) applied"), "{result}");
    let vendor = browser
        .find(Locator::Id(&format!("vendor-{}", shop.vendor_id)))
        .await?;
    assert!(
        vendor.text().await?.contains("NOPE"),
        "unmatched SKUs are listed"
    );

    browser
        .find(Locator::Css(&format!(
            "#store-{} button.push-inventory",
            shop.store_id
        )))
        .await?
        .click()
        .await?;
    let result = text_once(browser, "inventory-result", "pushed").await?;
    assert!(result.contains("pushed"), "{result}");
    let level = app.sim.simulator.variant_level(STORE_HASH, 1, *variant_id);
    assert_eq!(level, Some(17));

    app.sim
        .simulator
        .set_variant_level(STORE_HASH, 1, *variant_id, 99);
    browser
        .find(Locator::Css(&format!(
            "#store-{} button.drift-check",
            shop.store_id
        )))
        .await?
        .click()
        .await?;
    let result = text_once(browser, "inventory-result", "checked").await?;
    assert!(result.contains("1 difference"), "{result}");
    let drift = browser
        .find(Locator::Css(&format!(
            "#store-{} table.drift",
            shop.store_id
        )))
        .await?
        .text()
        .await?;
    assert!(
        drift.contains(sku.as_str()) && drift.contains("99"),
        "{drift}"
    );
    Ok(())
}

/// A page on another port of the same host (same-site, so SameSite=Strict still sends the
/// session cookie) posts the Vendors form to wharf: refused, and no vendor is added.
async fn another_origin_flow(app: &TestApp, browser: &Client) -> Step {
    sign_in(app, browser).await?;
    let attack = format!(
        r#"<!doctype html><title>Win</title><form method="post" action="{}/vendors">
        <input name="name" value="Evil Vendor"><input name="email" value="">
        <button id="attack" type="submit">Claim your prize</button></form>"#,
        app.address
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let other_origin = format!("http://{}", listener.local_addr()?);
    let page = axum::Router::new().route(
        "/",
        axum::routing::get(move || async move { axum::response::Html(attack) }),
    );
    tokio::spawn(axum::serve(listener, page).into_future());
    browser.goto(&other_origin).await?;
    browser.find(Locator::Id("attack")).await?.click().await?;
    let answer = browser.wait().for_element(Locator::Css("main h1")).await?;
    assert_eq!(answer.text().await?, "Not possible");
    assert!(app.app.list_vendors().await?.is_empty(), "no vendor added");
    Ok(())
}

pub(crate) async fn run_in_browser<F>(name: &str, flow: F)
where
    F: for<'a> AsyncFnOnce(&'a TestApp, &'a Client) -> Step,
{
    run_in_browser_on(spawn_app().await, name, flow).await;
}

/// [`run_in_browser`] on an app the test started (with e-mail, say).
pub(crate) async fn run_in_browser_on<F>(app: TestApp, name: &str, flow: F)
where
    F: for<'a> AsyncFnOnce(&'a TestApp, &'a Client) -> Step,
{
    let Some(browser) = start_browser().await else {
        return;
    };
    let result = flow(&app, &browser.client).await;
    if result.is_err() {
        let _ = std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target"));
        if let Ok(png) = browser.client.screenshot().await {
            let path = format!(
                "{}/../../target/browser-failure-{name}.png",
                env!("CARGO_MANIFEST_DIR")
            );
            let _ = std::fs::write(&path, png);
            eprintln!("screenshot of the failure: {path}");
        }
    }
    let _ = browser.client.clone().close().await;
    drop(browser);
    result.unwrap_or_else(|e| panic!("browser flow {name} failed: {e}"));
}

#[tokio::test]
async fn the_merchant_connects_a_store_in_the_browser() {
    run_in_browser("integrations", integrations_flow).await;
}

#[tokio::test]
async fn the_form_names_each_bad_field_in_the_browser() {
    run_in_browser("invalid_form", invalid_form_flow).await;
}

#[tokio::test]
async fn the_merchant_imports_products_and_sees_the_progress_reach_100_percent() {
    run_in_browser("import", import_flow).await;
}

#[tokio::test]
async fn the_operator_records_shipments_on_the_order_page_and_by_csv() {
    run_in_browser("shipments", shipment_flow).await;
}

#[tokio::test]
async fn the_operator_uploads_stock_pushes_it_and_sees_drift_on_the_inventory_page() {
    run_in_browser("inventory", inventory_flow).await;
}

#[tokio::test]
async fn a_page_on_another_port_cannot_add_a_vendor_in_the_operators_name() {
    run_in_browser("another_origin", another_origin_flow).await;
}

/// The dashboard of `wharf demo`, watched in a browser: orders, shipments and published stock
/// levels all go up while the demo's shopper and vendors work.
#[tokio::test]
async fn the_demo_dashboard_shows_every_flow_moving() {
    let Some(browser) = start_browser().await else {
        return;
    };
    let demo = crate::demo::start_demo();
    let result = async {
        let browser = &browser.client;
        browser.goto(&format!("{}/dashboard", demo.url)).await?;
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
        browser
            .wait()
            .for_element(Locator::Id("orders-received"))
            .await?;
        let read = |id: &'static str| async move {
            let text = browser.find(Locator::Id(id)).await?.text().await?;
            Ok::<i64, fantoccini::error::CmdError>(text.trim().parse().unwrap_or(-1))
        };
        let first = (
            read("orders-received").await?,
            read("shipments-pushed").await?,
            read("levels-published").await?,
        );
        let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            browser.refresh().await?;
            let now = (
                read("orders-received").await?,
                read("shipments-pushed").await?,
                read("levels-published").await?,
            );
            if now.0 > first.0 && now.1 > first.1 && now.2 > 0 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the dashboard did not move: {first:?} then {now:?}"
            );
        }
        Ok::<(), Box<dyn std::error::Error>>(())
    }
    .await;
    let _ = browser.client.clone().close().await;
    result.unwrap_or_else(|e| panic!("demo dashboard in the browser: {e}"));
}
