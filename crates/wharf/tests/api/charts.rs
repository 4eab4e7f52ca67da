//! The pictures: the dashboard charts orders in, shipments out, stock pushes and each store's
//! API quota per hour, and the Latency page each flow's p50 and p99 per hour — SVG drawn by
//! the server, with its summary in words and its numbers in a table.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{TestApp, spawn_app, spawn_app_without_workers};
use crate::shipments::{purchase_order, ship, shop, wait_for_shipment};

/// An hour of work: an order in, its shipment out to BigCommerce and the stock push that
/// follows the vendor's stock report. Returns once the push is done and measured.
pub(crate) async fn a_busy_hour(app: &TestApp) {
    let shop = shop(app).await;
    let (_, order_id) = shop.order(app, &[(0, 1, 0)]).await;
    let po = purchase_order(app, order_id).await;
    let response = ship(
        app,
        &shop.alpha_token,
        po["id"].as_i64().unwrap(),
        json!({
            "tracking_number": "1Z999AA10123456784",
            "carrier": "UPS",
            "lines": [{ "line_id": po["lines"][0]["order_line_id"], "quantity": 1 }],
        }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let shipment: serde_json::Value = response.json().await.unwrap();
    wait_for_shipment(app, shipment["id"].as_i64().unwrap(), &["pushed"]).await;
    // Stock the vendor reports is pushed by a job of its own, a moment later.
    let response = app
        .http
        .put(format!("{}/vendor-api/v1/stock", app.address))
        .bearer_auth(&shop.alpha_token)
        .json(&json!({ "items": [{ "sku": shop.variants[0].2, "quantity": 7 }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let since = wharf::db::now_ms() - 3_600_000;
    loop {
        let pushes = app.app.flows_per_hour(since).await.unwrap().stock_pushes;
        let latency = app.app.latency_by_hour(since).await.unwrap();
        let stock_measured = latency
            .iter()
            .any(|flow| flow.flow == "inventory" && !flow.hours.is_empty());
        if !pushes.is_empty() && stock_measured {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "no stock push ran");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The test app may spend the whole quota, so it counts nothing; a process keeping to half
    // of it (wharf's default) counts its requests in the database both share.
    let mut settings = app.settings.clone();
    settings.server.api_quota_share = 0.5;
    let counted = wharf::app::App::open(&settings).await.unwrap();
    counted.connect_store(shop.store_id).await.unwrap();
}

/// The markup of the chart `id`: from its `<figure>` to the figure's end.
pub(crate) fn chart<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<figure class=\"chart\" id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no chart {id} in {page}"));
    let end = start + page[start..].find("</figure>").unwrap();
    &page[start..end]
}

/// The drawn points of the series `name` in a chart's markup.
fn points_of(chart: &str, name: &str) -> usize {
    let start = chart
        .find(&format!("<g class=\"series\" data-series=\"{name}\">"))
        .unwrap_or_else(|| panic!("no series {name} in {chart}"));
    let end = start + chart[start..].find("</g>").unwrap();
    chart[start..end].matches("<circle").count()
}

#[tokio::test]
async fn the_dashboard_charts_each_flow_and_the_stores_quota_per_hour() {
    let app = spawn_app().await;
    a_busy_hour(&app).await;
    let cookie = app.session_cookie().await;
    let page = app
        .get_page("/dashboard", &cookie)
        .await
        .text()
        .await
        .unwrap();

    assert_eq!(page.matches("<svg").count(), 4, "three flows and one store");
    for (id, noun) in [
        ("chart-orders-in", "orders"),
        ("chart-shipments-out", "shipments"),
        ("chart-stock-pushes", "pushes"),
    ] {
        let chart = chart(&page, id);
        // Counts draw every hour of the day, zero or not.
        assert_eq!(points_of(chart, noun), 24, "{chart}");
        assert!(chart.contains(&format!("{noun}: ")), "{chart}");
        assert!(chart.contains("role=\"img\""), "{chart}");
        assert!(chart.contains("<td data-label=\"Hour (UTC)\">"), "{chart}");
    }
    let orders = chart(&page, "chart-orders-in");
    assert!(orders.contains("orders: 1 in all"), "{orders}");
    let shipments = chart(&page, "chart-shipments-out");
    assert!(shipments.contains("shipments: 1 in all"), "{shipments}");

    let quota = &page[page.find("<section class=\"quota\"").unwrap()..];
    assert!(quota.contains("<h3>Main store</h3>"), "{quota}");
    // The simulator's quota, from its rate-limit headers: 150 requests per 30 s.
    assert!(
        quota.contains("of the store&#39;s 150 requests in the current 30 s window")
            || quota.contains("of the store's 150 requests in the current 30 s window"),
        "{quota}"
    );
    let share = chart(quota, "chart-quota-1");
    assert_eq!(points_of(share, "share used"), 1, "{share}");
    assert!(share.contains("peaked at"), "{share}");
}

#[tokio::test]
async fn an_empty_dashboard_draws_empty_charts_that_say_so() {
    let app = spawn_app_without_workers().await;
    let cookie = app.session_cookie().await;
    let page = app
        .get_page("/dashboard", &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(page.matches("<svg").count(), 3);
    let orders = chart(&page, "chart-orders-in");
    assert!(orders.contains("No orders in the last 24 h"), "{orders}");
    assert!(
        !orders.contains("<circle") && !orders.contains("<table"),
        "{orders}"
    );
}

#[tokio::test]
async fn the_latency_page_draws_each_flows_p50_and_p99_per_hour() {
    let app = spawn_app_without_workers().await;
    let now = wharf::db::now_ms();
    app.app.record_lag("orders", now - 2400).await;
    for ms in 1..=100 {
        app.app.record_lag("shipments", now - ms * 10).await;
    }
    let cookie = app.session_cookie().await;
    let page = app
        .get_page("/latency", &cookie)
        .await
        .text()
        .await
        .unwrap();

    assert_eq!(page.matches("<svg").count(), 3, "one chart per flow");
    let shipments = chart(&page, "latency-chart-shipments");
    assert_eq!(points_of(shipments, "p50"), 1, "{shipments}");
    assert_eq!(points_of(shipments, "p99"), 1, "{shipments}");
    assert!(shipments.contains("Shipments latency"), "{shipments}");
    // The lines differ by their dashes, not only their colour.
    assert!(
        shipments.contains("stroke-dasharray=\"none\""),
        "{shipments}"
    );
    assert!(
        shipments.contains("stroke-dasharray=\"8 4\""),
        "{shipments}"
    );
    let orders = chart(&page, "latency-chart-orders");
    // 2.4 s, and however long recording it took.
    assert!(orders.contains("p99 peaked at 2."), "{orders}");
    assert!(orders.contains("<td data-label=\"p99\">2."), "{orders}");
    let stock = chart(&page, "latency-chart-inventory");
    assert!(stock.contains("No samples in the last 24 h"), "{stock}");
}
