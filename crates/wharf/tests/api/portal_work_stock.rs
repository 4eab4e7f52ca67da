//! The portal's Stock page: a stock file applied and reported by line (and its levels reaching
//! BigCommerce), every reported SKU with what it is in the shop, when the stock was last fresh,
//! and the vendor's feeds — none of it another vendor's to see or change.

use crate::helpers::{TestApp, spawn_app};
use crate::inventory::stocked_store;
use crate::portal_helpers::{PortalLogin, portal_user};
use crate::vendor_stock::{add_vendor, level, push};

async fn text(response: reqwest::Response) -> String {
    response.text().await.unwrap()
}

fn from<'a>(page: &'a str, marker: &str) -> &'a str {
    &page[page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} is on the page"))..]
}

async fn upload(app: &TestApp, user: &PortalLogin, csv: &str) -> reqwest::Response {
    user.post(app, "/vendor/stock/upload", &[("csv", csv)])
        .await
}

/// The row of `sku` in the reported list.
fn reported_row<'a>(page: &'a str, sku: &str) -> &'a str {
    let rows = from(page, "id=\"reported-stock\"");
    let row = from(rows, &format!("<code>{sku}</code>"));
    &row[..row.find("</tr>").unwrap()]
}

#[tokio::test]
async fn a_stock_file_applies_what_works_reports_the_rest_by_line_and_reaches_bigcommerce() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let alpha = portal_user(&app, shop.vendor_id, "pat@alpha.example").await;
    let (_, variant, sku) = shop.by_variant[0].clone();

    let csv = format!("sku,quantity\n{sku},17\nBAD-ROW,lots\n,4\nJUNK-1,3\n");
    let response = upload(&app, &alpha, &csv).await;
    assert_eq!(response.status(), 200);
    let page = text(response).await;
    let answer = from(&page, "id=\"stock-upload\"");
    assert!(
        answer.contains("2 stock level(s) applied; 2 row(s) not applied."),
        "{answer}"
    );
    let errors = from(answer, "id=\"stock-errors\"");
    assert!(errors.contains("data-label=\"Line\">3<") && errors.contains("data-label=\"Line\">4<"));
    assert!(
        !errors.contains("data-label=\"Line\">2<") && !errors.contains("data-label=\"Line\">5<")
    );

    push(&app, shop.store_id).await;
    assert_eq!(
        level(&app, variant),
        Some(17),
        "the upload's level is in BigCommerce"
    );

    // A file broken as a whole changes nothing, and says why beside the field.
    let response = upload(&app, &alpha, "colour,size\nred,m\n").await;
    assert_eq!(response.status(), 422);
    let page = text(response).await;
    assert!(page.contains("aria-describedby=\"stock-csv-error\""));
    assert!(reported_row(&page, &sku).contains("data-label=\"Quantity\">17<"));
}

#[tokio::test]
async fn every_reported_sku_is_listed_with_its_item_unmatched_or_not_routed_to_the_vendor() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let alpha = portal_user(&app, shop.vendor_id, "pat@alpha.example").await;
    let (beta_id, _) = add_vendor(&app, "Beta Goods").await;
    let beta = portal_user(&app, beta_id, "sam@beta.example").await;
    let (product, _, sku) = shop.by_variant[0].clone();
    let name = app
        .sim
        .simulator
        .product(crate::helpers::STORE_HASH, product)
        .unwrap()
        .name
        .clone();
    let (_, _, other_sku) = shop.by_variant[1].clone();

    let before = text(alpha.get(&app, "/vendor/stock").await).await;
    assert!(before.contains("id=\"no-reported\"") && before.contains("not reported stock yet"));
    upload(
        &app,
        &alpha,
        &format!("sku,quantity,warehouse\n{sku},5,east\nJUNK-1,3,east\n"),
    )
    .await;
    // Beta reports an item whose orders go to Alpha.
    upload(&app, &beta, &format!("sku,quantity\n{other_sku},9\n")).await;

    let page = text(alpha.get(&app, "/vendor/stock").await).await;
    assert!(from(&page, "id=\"last-report\"").contains("last reported"));
    let matched = reported_row(&page, &sku);
    assert!(
        matched.contains("Matched") && matched.contains(&name),
        "{matched}"
    );
    assert!(matched.contains("data-label=\"Warehouse\">east<"));
    assert!(reported_row(&page, "JUNK-1").contains("Unmatched"));
    assert!(
        !page.contains(&format!("<code>{other_sku}</code>")),
        "never another vendor's rows"
    );

    let theirs = text(beta.get(&app, "/vendor/stock").await).await;
    assert!(reported_row(&theirs, &other_sku).contains("Not routed to you"));
    assert!(!theirs.contains("JUNK-1") && !theirs.contains(&format!("<code>{sku}</code>")));

    // Searching keeps the SKUs containing the text, in any case; wildcards match themselves.
    let found = text(alpha.get(&app, "/vendor/stock?q=junk").await).await;
    assert!(
        found.contains("<code>JUNK-1</code>") && !found.contains(&format!("<code>{sku}</code>"))
    );
    let none = text(alpha.get(&app, "/vendor/stock?q=%25").await).await;
    assert!(none.contains("id=\"no-reported\""), "{none}");
}

#[tokio::test]
async fn the_reported_list_pages_through_a_large_catalog() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let alpha = portal_user(&app, shop.vendor_id, "pat@alpha.example").await;
    let csv: String = std::iter::once("sku,quantity\n".to_owned())
        .chain((0..55).map(|i| format!("BULK-{i:03},1\n")))
        .collect();
    upload(&app, &alpha, &csv).await;
    let page = text(alpha.get(&app, "/vendor/stock").await).await;
    assert_eq!(page.matches("class=\"reported\"").count(), 50);
    assert!(page.contains("id=\"more-reported\""));
    let href = from(&page, "href=\"/vendor/stock?q=");
    let href = href[6..href[6..].find('"').unwrap() + 6].replace("&#38;", "&");
    assert!(href.contains("after_sku=BULK-049"), "{href}");
    let next = text(alpha.get(&app, &href).await).await;
    assert_eq!(next.matches("class=\"reported\"").count(), 5);
    assert!(next.contains("BULK-054") && !next.contains("BULK-049<"));
    assert!(!next.contains("id=\"more-reported\""));
}

#[tokio::test]
async fn stale_stock_is_said_in_words() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let alpha = portal_user(&app, shop.vendor_id, "pat@alpha.example").await;
    app.app
        .set_stock_terms(
            shop.vendor_id,
            &wharf::app::inventory::StockTermsInput {
                stale_after_secs: Some(3600),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let page = text(alpha.get(&app, "/vendor/stock").await).await;
    assert!(page.contains("older than 1 hour as none"), "{page}");
    assert!(page.contains("id=\"stale\""), "no report yet is stale");
    upload(
        &app,
        &alpha,
        &format!("sku,quantity\n{},1\n", shop.by_variant[0].2),
    )
    .await;
    let page = text(alpha.get(&app, "/vendor/stock").await).await;
    assert!(!page.contains("id=\"stale\""), "a report just now is fresh");
}

#[tokio::test]
async fn a_vendor_sets_up_fixes_runs_and_deletes_its_feed_and_no_other_vendor_can() {
    let app = spawn_app().await;
    let shop = stocked_store(&app).await;
    let alpha = portal_user(&app, shop.vendor_id, "pat@alpha.example").await;
    let (beta_id, _) = add_vendor(&app, "Beta Goods").await;
    let beta = portal_user(&app, beta_id, "sam@beta.example").await;
    let (_, variant, sku) = shop.by_variant[0].clone();
    let body = format!("code,on_hand\n{sku},23\n");
    let feed_server = axum::Router::new().route(
        "/stock.csv",
        axum::routing::get(move || {
            let body = body.clone();
            async move { body }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/stock.csv?key=feed-secret",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, feed_server).await });

    // A bad interval is said beside its field.
    let response = alpha
        .post(
            &app,
            "/vendor/stock/feeds",
            &[("url", &url), ("interval_minutes", "0")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        text(response)
            .await
            .contains("id=\"new-feed-interval-error\"")
    );

    let response = alpha
        .post(
            &app,
            "/vendor/stock/feeds",
            &[
                ("url", &url),
                ("interval_minutes", "30"),
                ("sku_column", "code"),
                ("quantity_column", "on_hand"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let page = text(response).await;
    assert!(from(&page, "id=\"feed-result\"").contains("Feed set up"));
    assert!(
        !page.contains("feed-secret"),
        "the feed's key is never shown"
    );
    assert!(page.contains("Fetched every 30 minutes"));
    let feed_id = app.app.feeds(Some(shop.vendor_id)).await.unwrap()[0].id;

    let response = alpha
        .post(&app, &format!("/vendor/stock/feeds/{feed_id}/run"), &[])
        .await;
    assert_eq!(response.status(), 200);
    let page = text(response).await;
    assert!(
        from(&page, &format!("id=\"feed-{feed_id}-result\"")).contains("1 stock level(s) applied"),
        "{page}"
    );
    push(&app, shop.store_id).await;
    assert_eq!(level(&app, variant), Some(23));

    let response = alpha
        .post(
            &app,
            &format!("/vendor/stock/feeds/{feed_id}"),
            &[
                ("url", ""),
                ("interval_minutes", "120"),
                ("sku_column", "code"),
                ("quantity_column", "on_hand"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(text(response).await.contains("Fetched every 2 hours"));
    let response = alpha
        .post(
            &app,
            &format!("/vendor/stock/feeds/{feed_id}"),
            &[("url", "ftp://nowhere"), ("interval_minutes", "120")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        text(response)
            .await
            .contains(&format!("id=\"feed-{feed_id}-url-error\""))
    );

    // Beta: Alpha's feed is nowhere, and nothing of it answers.
    let theirs = text(beta.get(&app, "/vendor/stock").await).await;
    assert!(!theirs.contains(&format!("feed-{feed_id}")) && !theirs.contains("stock.csv"));
    for action in ["", "/run", "/delete"] {
        let response = beta
            .post(
                &app,
                &format!("/vendor/stock/feeds/{feed_id}{action}"),
                &[("interval_minutes", "1")],
            )
            .await;
        assert_eq!(response.status(), 404, "{action}");
    }
    let feeds = app.app.feeds(Some(shop.vendor_id)).await.unwrap();
    assert_eq!(
        (feeds.len(), feeds[0].interval_secs),
        (1, 7200),
        "unchanged by Beta"
    );

    let response = alpha
        .post(&app, &format!("/vendor/stock/feeds/{feed_id}/delete"), &[])
        .await;
    assert_eq!(response.status(), 200);
    assert!(text(response).await.contains("is deleted"));
    assert_eq!(app.app.feeds(Some(shop.vendor_id)).await.unwrap().len(), 0);
}
