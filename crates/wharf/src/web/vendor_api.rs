//! The vendor API: what a vendor's own systems call, authenticated by the vendor's token
//! (`Authorization: Bearer whv_…`). A vendor only ever sees its own purchase orders: another
//! vendor's answer 404, exactly like one that does not exist.

use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::error::{ApiError, WebError};
use super::json_body::JsonBody;
use crate::app::App;
use crate::app::inventory::{StockImportReport, StockInput, StockReport};
use crate::app::shipments::TrackingReport;
use crate::app::vendors::VendorView;
use crate::db::orders::PurchaseOrder;
use crate::db::shipments::ShipmentView;
use crate::domain::shipment::{ShipmentInput, ShipmentSource};

pub fn routes(app: App) -> Router<App> {
    Router::new()
        .route("/me", get(me))
        .route("/purchase-orders", get(list_purchase_orders))
        .route("/purchase-orders/{id}", get(get_purchase_order))
        .route("/purchase-orders/{id}/shipments", post(record_shipment))
        .route("/shipments/csv", post(upload_tracking))
        .route("/shipments/{id}", get(get_shipment))
        .route("/stock", put(set_stock))
        .route("/stock/csv", post(upload_stock))
        .route("/stock/unmatched", get(unmatched_skus))
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

/// Records a shipment of one of the vendor's purchase orders: 201 with the shipment, queued for
/// BigCommerce; 422 naming each bad field; 409 when the purchase order is cancelled.
async fn record_shipment(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Path(purchase_order_id): Path<i64>,
    JsonBody(input): JsonBody<ShipmentInput>,
) -> Result<(StatusCode, Json<ShipmentView>), ApiError> {
    let shipment = app
        .record_shipment(
            purchase_order_id,
            Some(vendor.id),
            ShipmentSource::VendorApi,
            &input,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(shipment)))
}

async fn get_shipment(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Path(id): Path<i64>,
) -> Result<Json<ShipmentView>, ApiError> {
    let shipment = app.shipment(id).await?;
    let own = match shipment.purchase_order_id {
        Some(po) => app
            .vendor_purchase_orders(vendor.id, false)
            .await?
            .iter()
            .any(|p| p.id == po),
        None => false,
    };
    if !own {
        return Err(ApiError(WebError::NotFound));
    }
    Ok(Json(shipment))
}

#[derive(Deserialize)]
struct UploadQuery {
    store_id: i64,
}

/// A tracking CSV (order, sku, quantity, tracking_number, carrier[, tracking_url,
/// shipping_method]) for the vendor's own purchase orders of one store.
async fn upload_tracking(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Query(query): Query<UploadQuery>,
    body: String,
) -> Result<Json<TrackingReport>, ApiError> {
    Ok(Json(
        app.import_tracking_csv(query.store_id, Some(vendor.id), &body)
            .await?,
    ))
}

/// Sets the vendor's absolute stock levels: `{"items": [{"sku", "quantity", "warehouse"?}]}`.
/// Refused whole (422, naming each bad item) if any item is invalid.
async fn set_stock(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    JsonBody(input): JsonBody<StockInput>,
) -> Result<Json<StockReport>, ApiError> {
    Ok(Json(app.set_vendor_stock(vendor.id, &input).await?))
}

/// A stock CSV (sku, quantity[, warehouse]): valid rows applied, bad ones reported by line; a
/// mostly invalid file is refused whole.
async fn upload_stock(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    body: String,
) -> Result<Json<StockImportReport>, ApiError> {
    Ok(Json(app.import_stock_csv(vendor.id, &body, None).await?))
}

/// The vendor's SKUs that match no item of any store.
async fn unmatched_skus(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(app.unmatched_skus(vendor.id).await?))
}
