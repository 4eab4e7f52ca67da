//! The server-rendered UI (askama templates, htmx): one module per page or group of pages, each
//! with its routes; this one merges them, for `web::router` to put behind sign-in.

mod activity;
mod dashboard;
mod inventory;
mod orders;
mod products;
mod stores;
mod vendors;

use axum::Router;

use crate::app::App;
use crate::domain::tracking_csv::RowError;

pub fn routes() -> Router<App> {
    Router::new()
        .merge(dashboard::routes())
        .merge(stores::routes())
        .merge(products::routes())
        .merge(vendors::routes())
        .merge(orders::routes())
        .merge(inventory::routes())
        .merge(activity::routes())
}

/// A stored time (unix ms) as the pages show it.
fn utc(at_ms: i64) -> String {
    crate::db::to_timestamp(at_ms)
        .strftime("%Y-%m-%d %H:%M:%S UTC")
        .to_string()
}

/// A CSV import's rejected rows as the pages list them, each with its line.
fn rejected_rows(errors: &[RowError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| format!("Line {}: {}", e.line, e.message))
        .collect()
}
