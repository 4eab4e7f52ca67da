//! The JSON API: the same use cases as the pages, for scripts and other systems.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Json, Router};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use serde::{Deserialize, Serialize};

use super::error::{ApiError, ErrorBody, WebError};
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

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wharf operator API",
        description = "The operator's API: stores and Connect, the catalog import, vendors and \
                       their assignment rules, orders and their purchase orders, shipments, \
                       and inventory. The same use cases as the pages."
    ),
    servers((url = "/api/v1")),
    modifiers(&OperatorSignIn),
    security(("operator_password" = []), ("operator_session" = [])),
    components(schemas(ErrorBody))
)]
struct OperatorApiDoc;

struct OperatorSignIn;

impl Modify for OperatorSignIn {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let password = HttpBuilder::new()
            .scheme(HttpAuthScheme::Basic)
            .description(Some("The operator's username and password"))
            .build();
        components.add_security_scheme("operator_password", SecurityScheme::Http(password));
        components.add_security_scheme(
            "operator_session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(super::SESSION_COOKIE))),
        );
    }
}

/// The routes and their OpenAPI document, registered together so they cannot drift apart.
pub fn routes() -> (Router<App>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(OperatorApiDoc::openapi())
        .routes(routes!(list_stores, add_store))
        .routes(routes!(get_store))
        .routes(routes!(connect_store))
        .routes(routes!(start_import))
        .routes(routes!(get_import))
        .routes(routes!(list_products))
        .routes(routes!(list_vendors, add_vendor))
        .routes(routes!(get_vendor, update_vendor))
        .routes(routes!(assign))
        .routes(routes!(assign_from_csv))
        .routes(routes!(sync_orders))
        .routes(routes!(set_routing))
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(preview_routing))
        .routes(routes!(record_shipment))
        .routes(routes!(get_shipment))
        .routes(routes!(retry_shipment))
        .routes(routes!(upload_tracking))
        .routes(routes!(set_stock))
        .routes(routes!(upload_stock))
        .routes(routes!(unmatched_skus))
        .routes(routes!(set_stock_terms))
        .routes(routes!(list_warehouses))
        .routes(routes!(map_warehouse))
        .routes(routes!(list_feeds, add_feed))
        .routes(routes!(run_feed))
        .routes(routes!(inventory))
        .routes(routes!(push_inventory))
        .routes(routes!(check_drift))
        .split_for_parts()
}

#[utoipa::path(
    get,
    path = "/stores",
    responses(
        (status = 200, description = "OK", body = Vec<StoreView>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
async fn list_stores(State(app): State<App>) -> Result<Json<Vec<StoreView>>, ApiError> {
    Ok(Json(app.list_stores().await?))
}

#[utoipa::path(
    post,
    path = "/stores",
    request_body = NewStoreInput,
    responses(
        (status = 201, description = "Added, not yet connected", body = StoreView),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
async fn add_store(
    State(app): State<App>,
    JsonBody(input): JsonBody<NewStoreInput>,
) -> Result<(StatusCode, Json<StoreView>), ApiError> {
    Ok((StatusCode::CREATED, Json(app.add_store(&input).await?)))
}

#[utoipa::path(
    get,
    path = "/stores/{id}",
    params(("id" = i64, Path, description = "The store's id")),
    responses(
        (status = 200, description = "OK", body = StoreView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn get_store(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<StoreView>, ApiError> {
    Ok(Json(app.store(id).await?))
}

#[utoipa::path(
    post,
    path = "/stores/{id}/connect",
    params(("id" = i64, Path, description = "The store's id")),
    responses(
        (status = 200, description = "The verdict is in `connection.status`, with each failed check", body = StoreView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
/// Runs Connect. 200 either way: the verdict is in `connection.status`, with the failed checks.
async fn connect_store(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<StoreView>, ApiError> {
    Ok(Json(app.connect_store(id).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct StartImport {
    /// "full" (default) or "incremental".
    #[serde(default)]
    mode: Option<String>,
}

#[utoipa::path(
    post,
    path = "/stores/{id}/imports",
    params(("id" = i64, Path, description = "The store's id")),
    request_body(content = Option<StartImport>, description = "Optional; a full import without it"),
    responses(
        (status = 202, description = "Queued (or the import already queued or running)", body = ImportView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
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

#[utoipa::path(
    get,
    path = "/imports/{id}",
    params(("id" = i64, Path, description = "The import's id")),
    responses(
        (status = 200, description = "OK", body = ImportView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn get_import(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<ImportView>, ApiError> {
    Ok(Json(app.import_view(id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ProductsQuery {
    #[serde(default)]
    q: String,
    store_id: Option<i64>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ProductsPage {
    total: i64,
    page: i64,
    per_page: i64,
    variants: Vec<CatalogRow>,
}

#[utoipa::path(
    get,
    path = "/products",
    params(ProductsQuery),
    responses(
        (status = 200, description = "OK", body = ProductsPage),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
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

#[utoipa::path(
    get,
    path = "/vendors",
    responses(
        (status = 200, description = "OK", body = Vec<VendorView>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
async fn list_vendors(State(app): State<App>) -> Result<Json<Vec<VendorView>>, ApiError> {
    Ok(Json(app.list_vendors().await?))
}

#[utoipa::path(
    post,
    path = "/vendors",
    request_body = VendorInput,
    responses(
        (status = 201, description = "Added; its API token is shown this once", body = CreatedVendor),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
/// 201 with the vendor and its API token — the only time the token is shown.
async fn add_vendor(
    State(app): State<App>,
    JsonBody(input): JsonBody<VendorInput>,
) -> Result<(StatusCode, Json<CreatedVendor>), ApiError> {
    Ok((StatusCode::CREATED, Json(app.add_vendor(&input).await?)))
}

#[utoipa::path(
    get,
    path = "/vendors/{id}",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "OK", body = VendorView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn get_vendor(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<VendorView>, ApiError> {
    Ok(Json(app.vendor(id).await?))
}

#[utoipa::path(
    put,
    path = "/vendors/{id}",
    params(("id" = i64, Path, description = "The vendor's id")),
    request_body = VendorInput,
    responses(
        (status = 200, description = "OK", body = VendorView),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
async fn update_vendor(
    State(app): State<App>,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<VendorInput>,
) -> Result<Json<VendorView>, ApiError> {
    Ok(Json(app.update_vendor(id, &input).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
struct AssignmentOutcome {
    /// Orders that were waiting in Needs attention and are routed now.
    orders_routed: usize,
}

#[utoipa::path(
    post,
    path = "/stores/{id}/assignments",
    params(("id" = i64, Path, description = "The store's id")),
    request_body = AssignmentInput,
    responses(
        (status = 200, description = "OK", body = AssignmentOutcome),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
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

#[derive(Serialize, utoipa::ToSchema)]
struct CsvOutcome {
    #[serde(flatten)]
    report: CsvReport,
    orders_routed: usize,
}

#[utoipa::path(
    post,
    path = "/stores/{id}/assignments/csv",
    params(("id" = i64, Path, description = "The store's id")),
    request_body(content = String, content_type = "text/csv", description = "Columns sku, vendor"),
    responses(
        (status = 200, description = "OK", body = CsvOutcome),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "The file as a whole is unusable", body = ErrorBody),
    )
)]
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

#[utoipa::path(
    post,
    path = "/stores/{id}/orders/sync",
    params(("id" = i64, Path, description = "The store's id")),
    responses(
        (status = 200, description = "OK", body = PollReport),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 409, description = "The store is not synced: an older store has its store hash", body = ErrorBody),
        (status = 502, description = "BigCommerce refused or failed the request; the error says what it answered", body = ErrorBody),
    )
)]
async fn sync_orders(
    State(app): State<App>,
    Path(store_id): Path<i64>,
) -> Result<Json<PollReport>, ApiError> {
    app.syncable_store(store_id).await?;
    Ok(Json(app.poll_orders(store_id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct OrdersQuery {
    store_id: Option<i64>,
    /// waiting | routed | needs_attention | cancelled
    state: Option<String>,
    page: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/orders",
    params(OrdersQuery),
    responses(
        (status = 200, description = "OK", body = Vec<OrderSummary>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
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

#[utoipa::path(
    get,
    path = "/orders/{id}",
    params(("id" = i64, Path, description = "The order's id")),
    responses(
        (status = 200, description = "OK", body = OrderDetail),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn get_order(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<OrderDetail>, ApiError> {
    Ok(Json(app.order_detail(id).await?))
}

#[utoipa::path(
    get,
    path = "/orders/{id}/routing-preview",
    params(("id" = i64, Path, description = "The order's id")),
    responses(
        (status = 200, description = "OK", body = RoutingPreview),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
/// Dry run: how the order's unrouted lines would split now; creates nothing.
async fn preview_routing(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<RoutingPreview>, ApiError> {
    Ok(Json(app.preview_routing(id).await?))
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
struct RoutingSettings {
    /// BigCommerce status ids whose orders create purchase orders (default 11 and 9).
    routed_status_ids: Vec<i64>,
}

#[utoipa::path(
    put,
    path = "/stores/{id}/routing",
    params(("id" = i64, Path, description = "The store's id")),
    request_body = RoutingSettings,
    responses(
        (status = 200, description = "OK", body = RoutingSettings),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
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

#[utoipa::path(
    post,
    path = "/purchase-orders/{id}/shipments",
    params(("id" = i64, Path, description = "The purchase order's id")),
    request_body = ShipmentInput,
    responses(
        (status = 201, description = "Recorded and queued for BigCommerce", body = ShipmentView),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 409, description = "The purchase order is cancelled", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
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

#[utoipa::path(
    get,
    path = "/shipments/{id}",
    params(("id" = i64, Path, description = "The shipment's id")),
    responses(
        (status = 200, description = "OK", body = ShipmentView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn get_shipment(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<ShipmentView>, ApiError> {
    Ok(Json(app.shipment(id).await?))
}

#[utoipa::path(
    post,
    path = "/shipments/{id}/retry",
    params(("id" = i64, Path, description = "The shipment's id")),
    responses(
        (status = 200, description = "Queued again", body = ShipmentView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 409, description = "Nothing to retry", body = ErrorBody),
    )
)]
/// Queues a failed (or held) shipment for BigCommerce again.
async fn retry_shipment(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<ShipmentView>, ApiError> {
    Ok(Json(app.retry_shipment(id).await?))
}

#[utoipa::path(
    post,
    path = "/stores/{id}/shipments/csv",
    params(("id" = i64, Path, description = "The store's id")),
    request_body(content = String, content_type = "text/csv", description = "Columns order, sku, quantity, tracking_number, carrier[, tracking_url, shipping_method]"),
    responses(
        (status = 200, description = "OK", body = TrackingReport),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "The file as a whole is unusable", body = ErrorBody),
    )
)]
/// A tracking CSV for the store's orders: valid rows recorded, bad ones reported by line.
async fn upload_tracking(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    body: String,
) -> Result<Json<TrackingReport>, ApiError> {
    app.store(store_id).await?;
    Ok(Json(app.import_tracking_csv(store_id, None, &body).await?))
}

#[utoipa::path(
    put,
    path = "/vendors/{id}/stock",
    params(("id" = i64, Path, description = "The vendor's id")),
    request_body = StockInput,
    responses(
        (status = 200, description = "OK", body = StockReport),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad item; nothing was applied", body = ErrorBody),
    )
)]
async fn set_stock(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
    JsonBody(input): JsonBody<StockInput>,
) -> Result<Json<StockReport>, ApiError> {
    Ok(Json(app.set_vendor_stock(vendor_id, &input).await?))
}

#[utoipa::path(
    post,
    path = "/vendors/{id}/stock/csv",
    params(("id" = i64, Path, description = "The vendor's id")),
    request_body(content = String, content_type = "text/csv", description = "Columns sku, quantity[, warehouse]"),
    responses(
        (status = 200, description = "OK", body = StockImportReport),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "The file as a whole is unusable", body = ErrorBody),
    )
)]
async fn upload_stock(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
    body: String,
) -> Result<Json<StockImportReport>, ApiError> {
    Ok(Json(app.import_stock_csv(vendor_id, &body, None).await?))
}

#[utoipa::path(
    get,
    path = "/vendors/{id}/stock/unmatched",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "OK", body = Vec<String>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn unmatched_skus(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(app.unmatched_skus(vendor_id).await?))
}

#[utoipa::path(
    put,
    path = "/vendors/{id}/stock-terms",
    params(("id" = i64, Path, description = "The vendor's id")),
    request_body = StockTermsInput,
    responses(
        (status = 204, description = "Saved"),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
async fn set_stock_terms(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
    JsonBody(input): JsonBody<StockTermsInput>,
) -> Result<StatusCode, ApiError> {
    app.set_stock_terms(vendor_id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/vendors/{id}/warehouses",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "OK", body = Vec<Warehouse>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
async fn list_warehouses(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
) -> Result<Json<Vec<Warehouse>>, ApiError> {
    Ok(Json(app.vendor_warehouses(vendor_id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct WarehouseMapping {
    /// The BigCommerce inventory location its stock counts toward.
    location_id: i64,
}

#[utoipa::path(
    put,
    path = "/warehouses/{id}",
    params(("id" = i64, Path, description = "The warehouse's id")),
    request_body = WarehouseMapping,
    responses(
        (status = 204, description = "Saved"),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
async fn map_warehouse(
    State(app): State<App>,
    Path(warehouse_id): Path<i64>,
    JsonBody(input): JsonBody<WarehouseMapping>,
) -> Result<StatusCode, ApiError> {
    app.set_warehouse_location(warehouse_id, input.location_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/vendors/{id}/feeds",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "OK", body = Vec<Feed>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
async fn list_feeds(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
) -> Result<Json<Vec<Feed>>, ApiError> {
    Ok(Json(app.feeds(Some(vendor_id)).await?))
}

#[utoipa::path(
    post,
    path = "/vendors/{id}/feeds",
    params(("id" = i64, Path, description = "The vendor's id")),
    request_body = FeedInput,
    responses(
        (status = 201, description = "Added", body = Feed),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
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

#[utoipa::path(
    post,
    path = "/feeds/{id}/run",
    params(("id" = i64, Path, description = "The feed's id")),
    responses(
        (status = 200, description = "What the feed applied", body = StockImportReport),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Why nothing was applied", body = ErrorBody),
    )
)]
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

#[utoipa::path(
    get,
    path = "/stores/{id}/inventory",
    params(("id" = i64, Path, description = "The store's id")),
    responses(
        (status = 200, description = "OK", body = InventoryView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn inventory(
    State(app): State<App>,
    Path(store_id): Path<i64>,
) -> Result<Json<InventoryView>, ApiError> {
    app.store(store_id).await?;
    Ok(Json(app.inventory_view(store_id).await?))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct PushInput {
    /// Push every level, not only those changed since the last push.
    #[serde(default)]
    full: bool,
}

#[utoipa::path(
    post,
    path = "/stores/{id}/inventory/push",
    params(("id" = i64, Path, description = "The store's id")),
    request_body(content = Option<PushInput>, description = "Optional; only changed levels without it"),
    responses(
        (status = 200, description = "OK", body = PushReport),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 502, description = "BigCommerce refused or failed the request; the error says what it answered", body = ErrorBody),
    )
)]
/// Pushes the store's changed levels now (all of them with `{"full": true}`).
async fn push_inventory(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    body: Option<JsonBody<PushInput>>,
) -> Result<Json<PushReport>, ApiError> {
    app.store(store_id).await?;
    let full = body.map(|JsonBody(b)| b.full).unwrap_or(false);
    Ok(Json(app.push_inventory_now(store_id, full).await?))
}

#[utoipa::path(
    post,
    path = "/stores/{id}/inventory/drift-check",
    params(("id" = i64, Path, description = "The store's id")),
    responses(
        (status = 200, description = "OK", body = DriftReport),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 502, description = "BigCommerce refused or failed the request; the error says what it answered", body = ErrorBody),
    )
)]
/// Compares BigCommerce's levels with wharf's now; differences are recorded and repaired.
async fn check_drift(
    State(app): State<App>,
    Path(store_id): Path<i64>,
) -> Result<Json<DriftReport>, ApiError> {
    app.store(store_id).await?;
    Ok(Json(app.check_drift(store_id).await?))
}
