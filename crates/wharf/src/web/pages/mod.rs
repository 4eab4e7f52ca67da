//! The server-rendered UI (askama templates, htmx): one module per page or group of pages, each
//! with its routes; this one merges them, for `web::router` to put behind sign-in.

mod account;
mod activity;
mod branding;
mod dashboard;
mod demo_mail;
mod extract;
mod format;
mod inventory;
mod inventory_items;
mod labels;
mod latency;
mod orders;
mod products;
mod rules;
mod setup;
mod store_choice;
mod stores;
mod vendor_mail;
mod vendor_store;
mod vendor_matches;
mod vendor_users;
mod vendors;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::CookieJar;

use crate::app::App;
use crate::web::error::error_page;

pub fn routes() -> Router<App> {
    Router::new()
        .merge(account::routes())
        .merge(dashboard::routes())
        .merge(stores::routes())
        .merge(products::routes())
        .merge(rules::routes())
        .merge(vendors::routes())
        .merge(vendor_users::routes())
        .merge(vendor_store::routes())
        .merge(vendor_matches::routes())
        .merge(vendor_mail::routes())
        .merge(orders::routes())
        .merge(inventory::routes())
        .merge(inventory_items::routes())
        .merge(activity::routes())
        .merge(latency::routes())
        .merge(setup::routes())
        .merge(branding::routes())
}

/// The demo's own pages: its Mail page.
pub fn demo_routes() -> Router<App> {
    demo_mail::routes()
}

/// The answer to an address no route serves: a page in wharf's layout, with the navigation for
/// a signed-in operator (who most likely followed an old link) and without it for anyone else.
pub async fn not_found(State(app): State<App>, jar: CookieJar) -> Response {
    let signed_in = match jar.get(crate::web::auth::SESSION_COOKIE) {
        Some(cookie) => matches!(app.session_user(cookie.value()).await, Ok(Some(_))),
        None => false,
    };
    error_page(
        signed_in,
        StatusCode::NOT_FOUND,
        "Not found",
        "There is nothing at this address.",
    )
}
