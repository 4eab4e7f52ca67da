//! The dashboard, `/dashboard` (and `/`, which leads there): what needs doing, at a glance,
//! and what moved in the last 24 hours — orders in, shipments out, stock pushes and each
//! store's API quota used by wharf — as charts.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;

use crate::app::App;
use crate::app::api_usage::{StoreApiUse, WindowShare};
use crate::app::throughput::FlowsPerHour;
use crate::db::dashboard::{FlowCounts, HourCount};
use crate::db::now_ms;
use crate::domain::order::RoutingState;
use crate::web::charts::{ChartView, Hours, LineChart, Series, Stroke, Unit};
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/dashboard") }))
        .route("/dashboard", get(dashboard))
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    signed_in: bool,
    stores_connected: usize,
    stores_total: usize,
    products: i64,
    vendors: usize,
    needing_attention: i64,
    routed: usize,
    failed_jobs: i64,
    flows: FlowCounts,
    flow_charts: Vec<ChartView>,
    quotas: Vec<QuotaView>,
}

/// A store's quota use: the current window in words, the last day as a chart.
struct QuotaView {
    store_id: i64,
    store_name: String,
    window: Option<WindowShare>,
    chart: ChartView,
}

impl QuotaView {
    /// "12 of 150 requests in the current 30 s window (8%)".
    fn window_words(&self) -> String {
        match &self.window {
            // At a share of 100% wharf leaves the quota to the store's headers and counts nothing.
            None => "No requests counted: wharf counts them when it keeps to a share of the quota below 100%.".to_owned(),
            Some(w) => format!(
                "wharf used {} of the store's {} requests in the current {} window ({:.0}%).",
                w.used,
                w.quota,
                window_length(w.window_ms),
                w.percent()
            ),
        }
    }
}

fn window_length(window_ms: i64) -> String {
    if window_ms % 1000 == 0 {
        format!("{} s", window_ms / 1000)
    } else {
        format!("{window_ms} ms")
    }
}

/// What needs doing, at a glance: the first page after signing in.
async fn dashboard(State(app): State<App>) -> Result<impl IntoResponse, PageError> {
    let stores = app.list_stores().await?;
    let (_, products) = app.search_catalog(None, "", 1, 0).await?;
    let hours = Hours::last_day(now_ms());
    Ok(DashboardPage {
        signed_in: true,
        stores_connected: stores.iter().filter(|s| s.is_connected()).count(),
        stores_total: stores.len(),
        products,
        vendors: app.list_vendors().await?.len(),
        needing_attention: app.count_needing_attention().await?,
        routed: app
            .list_orders(None, Some(RoutingState::Routed), 100_000, 0)
            .await?
            .len(),
        failed_jobs: app.count_failed_jobs().await?,
        flows: app.flow_counts().await?,
        flow_charts: flow_charts(&app.flows_per_hour(hours.first_ms).await?, hours),
        quotas: app
            .api_use(hours.first_ms)
            .await?
            .into_iter()
            .map(|store| quota_view(store, hours))
            .collect(),
    })
}

/// Orders in, shipments out and stock pushes: a chart each, as their sizes differ.
fn flow_charts(flows: &FlowsPerHour, hours: Hours) -> Vec<ChartView> {
    let chart = |id: &str, title: &str, noun: &str, counts: &[HourCount]| {
        LineChart {
            id: id.to_owned(),
            title: title.to_owned(),
            measures: noun.to_owned(),
            unit: Unit::Count,
            hours,
            series: vec![Series::counts(
                noun,
                Stroke::Solid,
                hours,
                counts.iter().map(|c| (c.hour_at, c.count)),
            )],
            when_empty: format!("no {noun} in the last 24 h"),
        }
        .draw()
    };
    vec![
        chart("chart-orders-in", "Orders in", "orders", &flows.orders_in),
        chart(
            "chart-shipments-out",
            "Shipments out",
            "shipments",
            &flows.shipments_out,
        ),
        chart(
            "chart-stock-pushes",
            "Stock pushes",
            "pushes",
            &flows.stock_pushes,
        ),
    ]
}

fn quota_view(store: StoreApiUse, hours: Hours) -> QuotaView {
    let chart = LineChart {
        id: format!("chart-quota-{}", store.store_id),
        title: format!("{}: API quota used by wharf", store.store_name),
        measures: "share of the quota".into(),
        unit: Unit::Percent,
        hours,
        series: vec![Series::from_points(
            "share used",
            Stroke::Solid,
            hours,
            store.per_hour.iter().copied(),
        )],
        when_empty: "no requests in the last 24 h".into(),
    }
    .draw();
    QuotaView {
        store_id: store.store_id,
        store_name: store.store_name,
        window: store.window,
        chart,
    }
}
