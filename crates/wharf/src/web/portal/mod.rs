//! The vendor portal under `/vendor/`: vendor users sign in (`sign_in`), follow invitation and
//! reset links (`links`), and work on their vendor's purchase orders, shipments and stock in
//! the merchant's branding (`brand`), with a navigation of their own (`nav`).
//!
//! Sessions are the portal's own (`session`): a cookie scoped to `/vendor`, rows in
//! `vendor_sessions`; an operator's session gets nothing here but the sign-in page, and a
//! vendor user's gets nothing of the operators'. Every signed-in handler takes a
//! [`PortalUser`] and passes its `vendor_id` to the use case, so another vendor's ids answer
//! 404. Forms carry the CSRF token like the operators' (`web::csrf` reads the portal cookie on
//! portal paths).

mod account;
pub mod brand;
pub mod error;
pub mod extract;
mod feed_form;
mod feeds;
mod home;
mod links;
pub mod nav;
mod path_id;
mod po_actions;
mod purchase_orders;
pub mod session;
mod ship;
mod ship_form;
mod sign_in;
mod stock;
pub mod words;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use axum::routing::{any, get, post};
use axum_extra::extract::CookieJar;

use crate::app::App;

pub use session::{PORTAL_COOKIE, PortalUser};

/// Every portal route, with full paths (`/vendor/…`) for `web::router` to merge.
pub fn routes(app: App) -> Router<App> {
    let public = Router::new()
        .route("/vendor/login", get(sign_in::page).post(sign_in::sign_in))
        .route("/vendor/logout", post(sign_in::sign_out))
        .route("/vendor/brand.css", get(brand::stylesheet))
        .route(
            "/vendor/forgot",
            get(links::forgot_page).post(links::forgot),
        )
        .route(
            "/vendor/invitation/{token}",
            get(links::link_page).post(links::set_password),
        )
        .route(
            "/vendor/reset/{token}",
            get(links::link_page).post(links::set_password),
        )
        .route("/vendor/{*rest}", any(not_found));
    Router::new()
        .merge(public)
        .merge(
            signed_in_routes().route_layer(middleware::from_fn_with_state(
                app,
                session::require_portal_user,
            )),
        )
}

/// The pages of a signed-in vendor user: each module of the portal's work merges its routes
/// here.
fn signed_in_routes() -> Router<App> {
    Router::new()
        .route("/vendor", get(home::page))
        .route("/vendor/", get(home::page))
        .merge(account::routes())
        .merge(work_routes())
}

/// The vendor's work: purchase orders, shipping and stock, each through the vendor API's use
/// cases with the user's vendor.
fn work_routes() -> Router<App> {
    Router::new()
        .route("/vendor/purchase-orders", get(purchase_orders::list))
        .route("/vendor/purchase-orders/{id}", get(purchase_orders::show))
        .route("/vendor/purchase-orders/{id}/shipments", post(ship::record))
        .route(
            "/vendor/purchase-orders/{id}/accept",
            post(po_actions::accept),
        )
        .route(
            "/vendor/purchase-orders/{id}/lines/{line}/decline",
            post(po_actions::decline),
        )
        .route(
            "/vendor/purchase-orders/{id}/packing-slip.pdf",
            get(po_actions::packing_slip),
        )
        .route("/vendor/packing-slips.pdf", get(po_actions::packing_slips))
        .route("/vendor/ship", get(ship::page))
        .route("/vendor/ship/tracking", post(ship::upload_tracking))
        .route("/vendor/stock", get(stock::page))
        .route("/vendor/stock/upload", post(stock::upload))
        .route("/vendor/stock/feeds", post(feeds::add))
        .route("/vendor/stock/feeds/{id}", post(feeds::edit))
        .route("/vendor/stock/feeds/{id}/run", post(feeds::run))
        .route("/vendor/stock/feeds/{id}/delete", post(feeds::delete))
}

/// An address under `/vendor/` no route serves: a page in the portal's layout, with its
/// navigation for a signed-in vendor user.
async fn not_found(State(app): State<App>, jar: CookieJar) -> Response {
    let signed_in = matches!(session::signed_in_user(&app, &jar).await, Ok(Some(_)));
    error::portal_error_page(
        signed_in,
        StatusCode::NOT_FOUND,
        "Not found",
        "There is nothing at this address.",
    )
}
