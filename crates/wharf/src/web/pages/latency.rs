//! The Latency page, `/latency`: how long each flow takes from a change to its effect — the
//! last hour's percentiles in a table, and each flow's p50 and p99 per hour of the last day
//! as a chart.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::app::App;
use crate::app::latency::{FlowHours, FlowLatency};
use crate::db::now_ms;
use crate::web::charts::{ChartView, Hours, LineChart, Series, Stroke, Unit};
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new().route("/latency", get(latency))
}

#[derive(Template, WebTemplate)]
#[template(path = "latency/index.html")]
struct LatencyPage {
    signed_in: bool,
    flows: Vec<FlowLatency>,
    charts: Vec<ChartView>,
}

impl LatencyPage {
    fn ms(&self, value: &Option<i64>) -> String {
        match value {
            None => "—".to_owned(),
            Some(ms) if *ms < 10_000 => format!("{ms} ms"),
            Some(ms) => format!("{:.1} s", *ms as f64 / 1000.0),
        }
    }

    fn flow_name(&self, flow: &str) -> &'static str {
        flow_name(flow)
    }
}

/// A flow as the page names it.
fn flow_name(flow: &str) -> &'static str {
    match flow {
        "orders" => "Orders",
        "shipments" => "Shipments",
        "inventory" => "Stock",
        _ => "Other",
    }
}

async fn latency(State(app): State<App>) -> Result<impl IntoResponse, PageError> {
    let hours = Hours::last_day(now_ms());
    let charts = app
        .latency_by_hour(hours.first_ms)
        .await?
        .iter()
        .map(|flow| latency_chart(flow, hours).draw())
        .collect();
    Ok(LatencyPage {
        signed_in: true,
        flows: app.latency_last_hour().await?,
        charts,
    })
}

/// A flow's p50 (solid) and p99 (dashed) per hour.
fn latency_chart(flow: &FlowHours, hours: Hours) -> LineChart {
    let line = |name: &str, stroke, pick: fn(&crate::app::latency::HourLatency) -> i64| {
        let points = flow.hours.iter().map(|h| (h.hour_ms, pick(h) as f64));
        Series::from_points(name, stroke, hours, points)
    };
    LineChart {
        id: format!("latency-chart-{}", flow.flow),
        title: format!("{} latency", flow_name(flow.flow)),
        measures: "latency".into(),
        unit: Unit::Millis,
        hours,
        series: vec![
            line("p50", Stroke::Solid, |h| h.p50_ms),
            line("p99", Stroke::Dashed, |h| h.p99_ms),
        ],
        when_empty: "no samples in the last 24 h".into(),
    }
}
