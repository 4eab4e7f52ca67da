//! Inventory: vendors' stock (set, uploaded, fed), their terms, warehouses and feeds; per
//! store, the published levels, a push now and a drift check.

use crate::web::api_extract::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::inventory::items::{ItemStockPage, ItemStockQuery};
use crate::app::inventory::{
    DriftReport, FeedEdit, FeedInput, InventoryView, PushReport, StockImportReport, StockInput,
    StockReport, StockTermsInput,
};
use crate::db::inventory::{Feed, Warehouse};
use crate::domain::{FieldError, FieldErrors};
use crate::web::csv_body::CsvBody;
use crate::web::error::{ApiError, ErrorBody, WebError};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(set_stock))
        .routes(routes!(upload_stock))
        .routes(routes!(unmatched_skus))
        .routes(routes!(set_stock_terms))
        .routes(routes!(list_warehouses))
        .routes(routes!(map_warehouse))
        .routes(routes!(list_feeds, add_feed))
        .routes(routes!(edit_feed, delete_feed))
        .routes(routes!(run_feed))
        .routes(routes!(inventory))
        .routes(routes!(inventory_items))
        .routes(routes!(push_inventory))
        .routes(routes!(check_drift))
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
        (status = 415, description = "The body is not sent as text/csv", body = ErrorBody),
        (status = 200, description = "OK", body = StockImportReport),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "The file as a whole is unusable", body = ErrorBody),
    )
)]
async fn upload_stock(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
    CsvBody(body): CsvBody,
) -> Result<Json<StockImportReport>, ApiError> {
    Ok(Json(app.import_stock_csv(vendor_id, &body, None).await?))
}

#[utoipa::path(
    get,
    path = "/vendors/{id}/stock/unmatched",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "The first 1,000 SKUs that match no store item, in SKU order", body = Vec<String>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn unmatched_skus(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(app.unmatched_skus(vendor_id).await?.first))
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
    put,
    path = "/feeds/{id}",
    params(("id" = i64, Path, description = "The feed's id")),
    request_body = FeedEdit,
    responses(
        (status = 200, description = "Saved; the feed is fetched again now", body = Feed),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
/// Changes a feed's URL, interval or columns; what is absent stays as it is.
async fn edit_feed(
    State(app): State<App>,
    Path(feed_id): Path<i64>,
    JsonBody(edit): JsonBody<FeedEdit>,
) -> Result<Json<Feed>, ApiError> {
    Ok(Json(app.edit_feed(feed_id, &edit).await?))
}

#[utoipa::path(
    delete,
    path = "/feeds/{id}",
    params(("id" = i64, Path, description = "The feed's id")),
    responses(
        (status = 204, description = "Deleted; the stock it delivered stays"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn delete_feed(
    State(app): State<App>,
    Path(feed_id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    app.delete_feed(feed_id).await?;
    Ok(StatusCode::NO_CONTENT)
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

#[utoipa::path(
    get,
    path = "/stores/{id}/inventory/items",
    params(("id" = i64, Path, description = "The store's id"), ItemStockQuery),
    responses(
        (status = 200, description = "A page of items, each with what makes up its level", body = ItemStockPage),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names the bad parameter", body = ErrorBody),
    )
)]
/// Per item (variant, or product tracked as a whole): every vendor report of its SKU with when
/// it came and whether it counts (and why not), allocated units, buffers, and per location the
/// level wharf publishes next to what BigCommerce confirmed. Paged by `next_after`; with
/// `differs`, one answer reads at most 2,000 items.
async fn inventory_items(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    Query(query): Query<ItemStockQuery>,
) -> Result<Json<ItemStockPage>, ApiError> {
    Ok(Json(app.inventory_items(store_id, &query).await?))
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
