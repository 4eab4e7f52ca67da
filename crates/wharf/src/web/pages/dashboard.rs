//! The dashboard, `/dashboard` (and `/`, which leads there): what needs doing, at a glance.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;

use crate::app::App;
use crate::db::dashboard::FlowCounts;
use crate::domain::order::RoutingState;
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
}

/// What needs doing, at a glance: the first page after signing in.
async fn dashboard(State(app): State<App>) -> Result<impl IntoResponse, PageError> {
    let stores = app.list_stores().await?;
    let (_, products) = app.search_catalog(None, "", 1, 0).await?;
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
    })
}
