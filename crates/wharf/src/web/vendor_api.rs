//! The vendor API: what a vendor's own systems call, authenticated by the vendor's token
//! (`Authorization: Bearer whv_…`). A vendor only ever sees its own purchase orders: another
//! vendor's answer 404, exactly like one that does not exist.

use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::error::{ApiError, WebError};
use crate::app::App;
use crate::app::vendors::VendorView;
use crate::db::orders::PurchaseOrder;

pub fn routes(app: App) -> Router<App> {
    Router::new()
        .route("/me", get(me))
        .route("/purchase-orders", get(list_purchase_orders))
        .route("/purchase-orders/{id}", get(get_purchase_order))
        .route_layer(middleware::from_fn_with_state(app, require_vendor))
}

async fn require_vendor(State(app): State<App>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let vendor = match token {
        Some(token) => app.vendor_for_token(token).await.ok().flatten(),
        None => None,
    };
    match vendor {
        Some(vendor) => {
            request.extensions_mut().insert(vendor);
            next.run(request).await
        }
        None => {
            let body = Json(
                json!({ "error": "send your vendor API token as Authorization: Bearer <token>" }),
            );
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                body,
            )
                .into_response()
        }
    }
}

async fn me(Extension(vendor): Extension<VendorView>) -> Json<VendorView> {
    Json(vendor)
}

#[derive(Deserialize)]
struct ListQuery {
    /// "open" (default) or "all".
    status: Option<String>,
}

async fn list_purchase_orders(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<PurchaseOrder>>, ApiError> {
    let only_open = query.status.as_deref() != Some("all");
    Ok(Json(
        app.vendor_purchase_orders(vendor.id, only_open).await?,
    ))
}

async fn get_purchase_order(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Path(id): Path<i64>,
) -> Result<Json<PurchaseOrder>, ApiError> {
    app.vendor_purchase_orders(vendor.id, false)
        .await?
        .into_iter()
        .find(|po| po.id == id)
        .map(Json)
        .ok_or(ApiError(WebError::NotFound))
}
