//! Shipments: recorded on a purchase order or from a tracking CSV, read, and retried.

use crate::web::api_extract::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::shipments::TrackingReport;
use crate::db::shipments::ShipmentView;
use crate::domain::shipment::{ShipmentInput, ShipmentSource};
use crate::web::csv_body::CsvBody;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(record_shipment))
        .routes(routes!(get_shipment))
        .routes(routes!(retry_shipment))
        .routes(routes!(upload_tracking))
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
        (status = 415, description = "The body is not sent as text/csv", body = ErrorBody),
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
    CsvBody(body): CsvBody,
) -> Result<Json<TrackingReport>, ApiError> {
    app.store(store_id).await?;
    Ok(Json(app.import_tracking_csv(store_id, None, &body).await?))
}
