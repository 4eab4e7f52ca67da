//! The server-rendered UI (askama templates, htmx): one module per page or group of pages, each
//! with its routes; this one merges them, for `web::router` to put behind sign-in.

mod account;
mod activity;
mod dashboard;
mod format;
mod inventory;
mod orders;
mod products;
mod stores;
mod vendors;

use axum::Router;

use crate::app::App;

pub fn routes() -> Router<App> {
    Router::new()
        .merge(account::routes())
        .merge(dashboard::routes())
        .merge(stores::routes())
        .merge(products::routes())
        .merge(vendors::routes())
        .merge(orders::routes())
        .merge(inventory::routes())
        .merge(activity::routes())
}
