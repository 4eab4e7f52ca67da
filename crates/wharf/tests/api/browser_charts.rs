//! The charts in a real headless Chromium: after an order, its shipment and a stock push, the
//! dashboard and the Latency page draw their SVG charts with points on the lines and a summary
//! in words a screen reader announces; at 360 px no chart is wider than the screen.

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::browser::{Step, run_in_browser, sign_in};
use crate::helpers::TestApp;

/// What a screen reader announces for a chart: the texts its `aria-labelledby` names.
const ACCESSIBLE_NAME: &str = "const svg = document.querySelector(arguments[0]);
    return svg.getAttribute('aria-labelledby').split(' ')
        .map(id => document.getElementById(id).textContent).join(' ');";

/// Each chart's width and right edge, and the width of the screen.
const WIDTHS: &str = "return {
    charts: [...document.querySelectorAll('svg.chart-svg')].map(svg => {
        const box = svg.getBoundingClientRect();
        return { width: box.width, right: box.right };
    }),
    screen: document.documentElement.clientWidth,
};";

async fn accessible_name(
    browser: &Client,
    svg: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let name = browser
        .execute(ACCESSIBLE_NAME, vec![Value::from(svg)])
        .await?;
    Ok(name.as_str().unwrap_or_default().to_owned())
}

async fn count(browser: &Client, css: &str) -> Result<usize, fantoccini::error::CmdError> {
    Ok(browser.find_all(Locator::Css(css)).await?.len())
}

async fn charts_flow(app: &TestApp, browser: &Client) -> Step {
    crate::charts::a_busy_hour(app).await;
    sign_in(app, browser).await?;

    browser.goto(&format!("{}/dashboard", app.address)).await?;
    assert_eq!(
        count(browser, "svg").await?,
        4,
        "three flows and the store's quota"
    );
    for (id, noun) in [
        ("chart-orders-in", "orders"),
        ("chart-shipments-out", "shipments"),
        ("chart-stock-pushes", "pushes"),
    ] {
        let path = browser
            .find(Locator::Css(&format!("#{id} g.series path")))
            .await?
            .attr("d")
            .await?
            .unwrap_or_default();
        assert_eq!(path.matches(['M', 'L']).count(), 24, "{id}: {path}");
        let name = accessible_name(browser, &format!("#{id} svg")).await?;
        // One order and one shipment. Each change pushes stock at once (the vendor's rule,
        // the order's allocation, the shipment, the report), as one push or several,
        // depending on how they fall: at least one, each counted.
        let counted = name
            .split(&format!("{noun}: "))
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<u32>().ok());
        let expected = if noun == "pushes" {
            1..=u32::MAX
        } else {
            1..=1
        };
        assert!(
            counted.is_some_and(|n| expected.contains(&n)),
            "{id}: {name}"
        );
    }
    assert_eq!(count(browser, "#chart-quota-1 g.series circle").await?, 1);
    let quota = accessible_name(browser, "#chart-quota-1 svg").await?;
    assert!(quota.contains("share used peaked at"), "{quota}");

    browser.goto(&format!("{}/latency", app.address)).await?;
    assert_eq!(count(browser, "svg").await?, 3, "one chart per flow");
    // The shipment's push and the stock push were measured (an order read by a poll is not).
    for flow in ["shipments", "inventory"] {
        for series in ["p50", "p99"] {
            let points = count(
                browser,
                &format!("#latency-chart-{flow} g.series[data-series='{series}'] circle"),
            )
            .await?;
            assert_eq!(points, 1, "{flow} {series}");
        }
        let name = accessible_name(browser, &format!("#latency-chart-{flow} svg")).await?;
        assert!(name.contains("p99 peaked at"), "{flow}: {name}");
    }
    // The numbers as text, one click away.
    browser
        .find(Locator::Css("#latency-chart-shipments details summary"))
        .await?
        .click()
        .await?;
    let table = browser
        .find(Locator::Css("#latency-chart-shipments details table"))
        .await?
        .text()
        .await?;
    assert!(table.contains("p99"), "{table}");

    browser.set_window_size(360, 800).await?;
    for page in ["/dashboard", "/latency"] {
        browser.goto(&format!("{}{page}", app.address)).await?;
        let widths = browser.execute(WIDTHS, vec![]).await?;
        let screen = widths["screen"].as_f64().unwrap();
        assert!(screen <= 360.0, "the window is 360 px wide: {widths}");
        let charts = widths["charts"].as_array().unwrap();
        assert!(!charts.is_empty(), "{page}");
        for chart in charts {
            let (width, right) = (
                chart["width"].as_f64().unwrap(),
                chart["right"].as_f64().unwrap(),
            );
            assert!(
                width > 200.0 && right <= screen,
                "{page}: {chart} on {screen} px"
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn the_dashboard_and_latency_charts_draw_their_lines_and_fit_a_phone() {
    run_in_browser("charts", charts_flow).await;
}
