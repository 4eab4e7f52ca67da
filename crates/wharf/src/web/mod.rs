//! HTTP: the server-rendered UI (askama + htmx), the JSON API under /api/v1, and sign-in.
//! Handlers stay thin: they parse the request, call a use case on `App`, and render.

mod api;
mod api_answers;
mod api_extract;
mod assets;
mod auth;
mod branding_logo;
mod charts;
mod csrf;
mod csv_body;
mod error;
mod json_body;
mod link_base;
mod nav;
mod next_path;
mod pages;
pub mod portal;
mod probes;
mod security_headers;
mod vendor_api;
mod webhooks;

use axum::middleware;
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::trace::TraceLayer;

use crate::app::App;

pub use auth::SESSION_COOKIE;

pub fn router(app: App) -> Router {
    build(app, Router::new())
}

/// The router of `wharf demo`: also its Mail page, which no real wharf serves.
pub fn demo_router(app: App) -> Router {
    build(app, pages::demo_routes())
}

fn build(app: App, extra_pages: Router<App>) -> Router {
    // Here rather than in main, so every way of running wharf (and every test app) records.
    crate::metrics::install();
    let (operator_api, operator_api_doc) = api::routes();
    let operator_api_doc = Json(operator_api_doc);
    let signed_in_only = Router::new()
        .merge(pages::routes())
        .merge(extra_pages)
        .nest("/api/v1", operator_api)
        .route_layer(middleware::from_fn_with_state(
            app.clone(),
            auth::require_operator,
        ));
    Router::new()
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(probes::readyz))
        .route("/metrics", get(probes::metrics))
        // Public, like any API reference; the operations it describes need signing in.
        .route(
            "/api/v1/openapi.json",
            get(move || async move { operator_api_doc }),
        )
        .route("/webhooks/bigcommerce/{store_id}", post(webhooks::receive))
        .route("/assets/{file}", get(assets::serve))
        .route("/branding/logo", get(branding_logo::serve))
        .merge(signed_in_only)
        .merge(portal::routes(app.clone()))
        .nest("/vendor-api/v1", vendor_api::routes(app.clone()))
        // Under /api and /vendor-api, `json_errors` turns this page into the API's JSON answer.
        .fallback(pages::not_found)
        // Every page's navigation marks the section its path belongs to.
        .layer(middleware::from_fn(nav::remember_path))
        // Before sign-in and every handler: another site's request is refused unread.
        .layer(middleware::from_fn_with_state(app.clone(), csrf::guard))
        // Outside the guard, so a portal page it refuses is in the merchant's branding too.
        .layer(middleware::from_fn_with_state(
            app.clone(),
            portal::brand::scope,
        ))
        // Every error under /api and /vendor-api in the API's shape, whoever answered it.
        .layer(middleware::from_fn(api_extract::json_errors))
        // Outside the guard, so its refusals carry them too.
        .layer(middleware::map_response(security_headers::add))
        // Logs method, path and status only: bodies (which may carry credentials) never.
        .layer(TraceLayer::new_for_http())
        .with_state(app)
}
