//! The JSON API: the same use cases as the pages, for scripts and other systems.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};

use serde::{Deserialize, Serialize};

use super::error::{ApiError, WebError};
use super::json_body::JsonBody;
use crate::app::App;
use crate::app::catalog::ImportView;
use crate::app::inventory::{
    DriftReport, FeedInput, InventoryView, PushReport, StockImportReport, StockInput, StockReport,
    StockTermsInput,
};
use crate::app::orders::{OrderDetail, PollReport, RoutingPreview};
use crate::app::shipments::TrackingReport;
use crate::app::stores::StoreView;
use crate::app::vendors::{AssignmentInput, CreatedVendor, CsvReport, VendorView};
use crate::db::catalog::CatalogRow;
use crate::db::inventory::{Feed, Warehouse};
use crate::db::orders::OrderSummary;
use crate::db::shipments::ShipmentView;
use crate::domain::catalog::ImportMode;
use crate::domain::order::RoutingState;
use crate::domain::shipment::{ShipmentInput, ShipmentSource};
use crate::domain::store::NewStoreInput;
use crate::domain::vendor::VendorInput;
use crate::domain::{FieldError, FieldErrors};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/stores", get(list_stores).post(add_store))
        .route("/stores/{id}", get(get_store))
        .route("/stores/{id}/connect", post(connect_store))
        .route("/stores/{id}/imports", post(start_import))
        .route("/imports/{id}", get(get_import))
        .route("/products", get(list_products))
        .route("/vendors", get(list_vendors).post(add_vendor))
        .route("/vendors/{id}", get(get_vendor).put(update_vendor))
        .route("/stores/{id}/assignments", post(assign))
        .route("/stores/{id}/assignments/csv", post(assign_from_csv))
        .route("/stores/{id}/orders/sync", post(sync_orders))
        .route("/stores/{id}/routing", put(set_routing))
        .route("/orders", get(list_orders))
        .route("/orders/{id}", get(get_order))
        .route("/orders/{id}/routing-preview", get(preview_routing))
        .route("/purchase-orders/{id}/shipments", post(record_shipment))
        .route("/shipments/{id}", get(get_shipment))
        .route("/shipments/{id}/retry", post(retry_shipment))
        .route("/stores/{id}/shipments/csv", post(upload_tracking))
        .route("/vendors/{id}/stock", put(set_stock))
        .route("/vendors/{id}/stock/csv", post(upload_stock))
        .route("/vendors/{id}/stock/unmatched", get(unmatched_skus))
        .route("/vendors/{id}/stock-terms", put(set_stock_terms))
        .route("/vendors/{id}/warehouses", get(list_warehouses))
        .route("/warehouses/{id}", put(map_warehouse))
        .route("/vendors/{id}/feeds", get(list_feeds).post(add_feed))
        .route("/feeds/{id}/run", post(run_feed))
        .route("/stores/{id}/inventory", get(inventory))
        .route("/stores/{id}/inventory/push", post(push_inventory))
        .route("/stores/{id}/inventory/drift-check", post(check_drift))
}

async fn list_stores(State(app): State<App>) -> Result<Json<Vec<StoreView>>, ApiError> {
    Ok(Json(app.list_stores().await?))
}

async fn add_store(
    State(app): State<App>,
    JsonBody(input): JsonBody<NewStoreInput>,
) -> Result<(StatusCode, Json<StoreView>), ApiError> {
    Ok((StatusCode::CREATED, Json(app.add_store(&input).await?)))
}

async fn get_store(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<StoreView>, ApiError> {
    Ok(Json(app.store(id).await?))
}

/// Runs Connect. 200 either way: the verdict is in `connection.status`, with the failed checks.
async fn connect_store(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<StoreView>, ApiError> {
    Ok(Json(app.connect_store(id).await?))
}

#[derive(Deserialize, Default)]
struct StartImport {
    /// "full" (default) or "incremental".
    #[serde(default)]
    mode: Option<String>,
}

/// Queues an import (202); an import already queued or running is returned instead.
async fn start_import(
    State(app): State<App>,
    Path(id): Path<i64>,
    body: Option<JsonBody<StartImport>>,
) -> Result<(StatusCode, Json<ImportView>), ApiError> {
    let mode = match body.and_then(|JsonBody(b)| b.mode).as_deref() {
        None | Some("full") => ImportMode::Full,
        Some("incremental") => ImportMode::Incremental,
        Some(other) => {
            let error = FieldError::new(
                "mode",
                format!("mode must be full or incremental, not {other:?}"),
            );
            return Err(ApiError(WebError::Invalid(FieldErrors(vec![error]))));
        }
    };
    Ok((
        StatusCode::ACCEPTED,
        Json(app.start_import(id, mode).await?),
    ))
}

async fn get_import(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<ImportView>, ApiError> {
    Ok(Json(app.import_view(id).await?))
}

#[derive(Deserialize)]
struct ProductsQuery {
    #[serde(default)]
    q: String,
    store_id: Option<i64>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize)]
struct ProductsPage {
    total: i64,
    page: i64,
    per_page: i64,
    variants: Vec<CatalogRow>,
}

/// Variants with their products, searched by SKU or name.
async fn list_products(
    State(app): State<App>,
    Query(query): Query<ProductsQuery>,
) -> Result<Json<ProductsPage>, ApiError> {
    let per_page = query.per_page.unwrap_or(100).clamp(1, 500);
    let page = query.page.unwrap_or(1).max(1);
    let (variants, total) = app
        .search_catalog(query.store_id, &query.q, per_page, (page - 1) * per_page)
        .await?;
    Ok(Json(ProductsPage {
        total,
        page,
        per_page,
        variants,
    }))
}

async fn list_vendors(State(app): State<App>) -> Result<Json<Vec<VendorView>>, ApiError> {
    Ok(Json(app.list_vendors().await?))
}

/// 201 with the vendor and its API token — the only time the token is shown.
async fn add_vendor(
    State(app): State<App>,
    JsonBody(input): JsonBody<VendorInput>,
) -> Result<(StatusCode, Json<CreatedVendor>), ApiError> {
    Ok((StatusCode::CREATED, Json(app.add_vendor(&input).await?)))
}

async fn get_vendor(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<VendorView>, ApiError> {
    Ok(Json(app.vendor(id).await?))
}

async fn update_vendor(
    State(app): State<App>,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<VendorInput>,
) -> Result<Json<VendorView>, ApiError> {
    Ok(Json(app.update_vendor(id, &input).await?))
}

#[derive(Serialize)]
struct AssignmentOutcome {
    /// Orders that were waiting in Needs attention and are routed now.
    orders_routed: usize,
}

/// One rule: `{"rule": "sku"|"brand"|"sku_prefix"|"default", …, "vendor": "<name>"}`.
async fn assign(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    JsonBody(rule): JsonBody<AssignmentInput>,
) -> Result<Json<AssignmentOutcome>, ApiError> {
    app.assign(store_id, &rule).await?;
    Ok(Json(AssignmentOutcome {
        orders_routed: app.reroute_needing_attention(store_id).await?,
    }))
}

#[derive(Serialize)]
struct CsvOutcome {
    #[serde(flatten)]
    report: CsvReport,
    orders_routed: usize,
}

/// A CSV body (columns sku, vendor): valid rows applied, bad rows reported with their line.
async fn assign_from_csv(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    body: String,
) -> Result<Json<CsvOutcome>, ApiError> {
    let report = app.import_assignments_csv(store_id, &body).await?;
    Ok(Json(CsvOutcome {
        report,
        orders_routed: app.reroute_needing_attention(store_id).await?,
    }))
}

async fn sync_orders(
    State(app): State<App>,
    Path(store_id): Path<i64>,
) -> Result<Json<PollReport>, ApiError> {
    app.store(store_id).await?;
    app.poll_orders(store_id)
        .await
        .map(Json)
        .map_err(|e| ApiError(WebError::Internal(e.to_string())))
}

#[derive(Deserialize)]
struct OrdersQuery {
    store_id: Option<i64>,
    /// waiting | routed | needs_attention | cancelled
    state: Option<String>,
    page: Option<i64>,
}

async fn list_orders(
    State(app): State<App>,
    Query(query): Query<OrdersQuery>,
) -> Result<Json<Vec<OrderSummary>>, ApiError> {
    let state = match query.state.as_deref() {
        None | Some("") => None,
        Some(text) => Some(RoutingState::parse(text).ok_or_else(|| {
            ApiError(WebError::Invalid(FieldErrors(vec![FieldError::new(
                "state",
                "state must be waiting, routed, needs_attention or cancelled",
            )])))
        })?),
    };
    let page = query.page.unwrap_or(1).max(1);
    Ok(Json(
        app.list_orders(query.store_id, state, 100, (page - 1) * 100)
            .await?,
    ))
}

async fn get_order(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<OrderDetail>, ApiError> {
    Ok(Json(app.order_detail(id).await?))
}

/// Dry run: how the order's unrouted lines would split now; creates nothing.
async fn preview_routing(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<RoutingPreview>, ApiError> {
    Ok(Json(app.preview_routing(id).await?))
}

#[derive(Deserialize, Serialize)]
struct RoutingSettings {
    /// BigCommerce status ids whose orders create purchase orders (default 11 and 9).
    routed_status_ids: Vec<i64>,
}

async fn set_routing(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    JsonBody(settings): JsonBody<RoutingSettings>,
) -> Result<Json<RoutingSettings>, ApiError> {
    let routed_status_ids = app
        .set_routed_statuses(store_id, &settings.routed_status_ids)
        .await?;
    Ok(Json(RoutingSettings { routed_status_ids }))
}

/// Records a shipment on a purchase order for its vendor (201); 422 names each bad field, 409
/// when the purchase order is cancelled.
async fn record_shipment(
    State(app): State<App>,
    Path(purchase_order_id): Path<i64>,
    JsonBody(input): JsonBody<ShipmentInput>,
) -> Result<(StatusCode, Json<ShipmentView>), ApiError> {
    let shipment = app
        .record_shipment(purchase_order_id, None, ShipmentSource::Operator, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(shipment)))
}

async fn get_shipment(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<ShipmentView>, ApiError> {
    Ok(Json(app.shipment(id).await?))
}

/// Queues a failed (or held) shipment for BigCommerce again.
async fn retry_shipment(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<ShipmentView>, ApiError> {
    Ok(Json(app.retry_shipment(id).await?))
}

/// A tracking CSV for the store's orders: valid rows recorded, bad ones reported by line.
async fn upload_tracking(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    body: String,
) -> Result<Json<TrackingReport>, ApiError> {
    app.store(store_id).await?;
    Ok(Json(app.import_tracking_csv(store_id, None, &body).await?))
}

async fn set_stock(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
    JsonBody(input): JsonBody<StockInput>,
) -> Result<Json<StockReport>, ApiError> {
    Ok(Json(app.set_vendor_stock(vendor_id, &input).await?))
}

async fn upload_stock(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
    body: String,
) -> Result<Json<StockImportReport>, ApiError> {
    Ok(Json(app.import_stock_csv(vendor_id, &body, None).await?))
}

async fn unmatched_skus(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(app.unmatched_skus(vendor_id).await?))
}

async fn set_stock_terms(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
    JsonBody(input): JsonBody<StockTermsInput>,
) -> Result<StatusCode, ApiError> {
    app.set_stock_terms(vendor_id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_warehouses(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
) -> Result<Json<Vec<Warehouse>>, ApiError> {
    Ok(Json(
        crate::db::inventory::warehouses(&app.db, Some(vendor_id))
            .await
            .map_err(crate::app::stores::StoreError::from)?,
    ))
}

#[derive(Deserialize)]
struct WarehouseMapping {
    location_id: i64,
}

async fn map_warehouse(
    State(app): State<App>,
    Path(warehouse_id): Path<i64>,
    JsonBody(input): JsonBody<WarehouseMapping>,
) -> Result<StatusCode, ApiError> {
    app.set_warehouse_location(warehouse_id, input.location_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_feeds(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
) -> Result<Json<Vec<Feed>>, ApiError> {
    Ok(Json(app.feeds(Some(vendor_id)).await?))
}

async fn add_feed(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
    JsonBody(input): JsonBody<FeedInput>,
) -> Result<(StatusCode, Json<Feed>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(app.add_feed(vendor_id, &input).await?),
    ))
}

/// Fetches the feed now; 200 with what it applied, or 422 with why nothing was.
async fn run_feed(
    State(app): State<App>,
    Path(feed_id): Path<i64>,
) -> Result<Json<StockImportReport>, ApiError> {
    match app.run_feed(feed_id).await? {
        Ok(report) => Ok(Json(report)),
        Err(message) => Err(ApiError(WebError::Invalid(FieldErrors(vec![
            FieldError::new("feed", message),
        ])))),
    }
}

async fn inventory(
    State(app): State<App>,
    Path(store_id): Path<i64>,
) -> Result<Json<InventoryView>, ApiError> {
    app.store(store_id).await?;
    Ok(Json(app.inventory_view(store_id).await?))
}

#[derive(Deserialize, Default)]
struct PushInput {
    #[serde(default)]
    full: bool,
}

/// Pushes the store's changed levels now (all of them with `{"full": true}`).
async fn push_inventory(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    body: Option<JsonBody<PushInput>>,
) -> Result<Json<PushReport>, ApiError> {
    app.store(store_id).await?;
    let full = body.map(|JsonBody(b)| b.full).unwrap_or(false);
    app.push_inventory_now(store_id, full)
        .await
        .map(Json)
        .map_err(|e| ApiError(WebError::Internal(e.to_string())))
}

/// Compares BigCommerce's levels with wharf's now; differences are recorded and repaired.
async fn check_drift(
    State(app): State<App>,
    Path(store_id): Path<i64>,
) -> Result<Json<DriftReport>, ApiError> {
    app.store(store_id).await?;
    app.check_drift(store_id)
        .await
        .map(Json)
        .map_err(|e| ApiError(WebError::Internal(e.to_string())))
}
