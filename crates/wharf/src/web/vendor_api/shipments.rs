//! Shipments: recording one on a purchase order, a tracking CSV, and reading one back.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::shipments::TrackingReport;
use crate::app::vendors::VendorView;
use crate::db::shipments::ShipmentView;
use crate::domain::shipment::{ShipmentInput, ShipmentSource};
use crate::web::api_extract::{Path, Query};
use crate::web::csv_body::CsvBody;
use crate::web::error::{ApiError, ErrorBody, WebError};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(record_shipment))
        .routes(routes!(upload_tracking))
        .routes(routes!(get_shipment))
}

/// Records a shipment of one of the vendor's purchase orders: 201 with the shipment, queued for
/// BigCommerce; 422 naming each bad field; 409 when the purchase order is cancelled.
///
/// Lines name the purchase order line (`line_id`, its `order_line_id`) or its `sku`. A
/// shipment is pushed to BigCommerce exactly once (one per shipping address), however often
/// wharf or BigCommerce fail on the way.
#[utoipa::path(post, path = "/purchase-orders/{id}/shipments",
    params(("id" = i64, Path, description = "The purchase order's id")),
    request_body = ShipmentInput,
    responses(
        (status = 201, description = "Recorded and queued for BigCommerce", body = ShipmentView),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 404, description = "Not found, or another vendor's", body = ErrorBody),
        (status = 409, description = "The purchase order is cancelled", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was recorded", body = ErrorBody),
    ))]
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

/// One of the vendor's shipments, with its push state (`pending`, `pushed`, `failed`, `held`)
/// and the BigCommerce shipments it became.
#[utoipa::path(get, path = "/shipments/{id}",
    params(("id" = i64, Path, description = "The shipment's id")),
    responses(
        (status = 200, description = "OK", body = ShipmentView),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 404, description = "Not found, or another vendor's", body = ErrorBody),
    ))]
async fn get_shipment(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Path(id): Path<i64>,
) -> Result<Json<ShipmentView>, ApiError> {
    let shipment = app.shipment(id).await?;
    let Some(purchase_order_id) = shipment.purchase_order_id else {
        return Err(ApiError(WebError::NotFound));
    };
    // Another vendor's purchase order is "not found", and so is its shipment.
    app.vendor_purchase_order(vendor.id, purchase_order_id)
        .await?;
    Ok(Json(shipment))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    /// The store whose orders the file's order numbers belong to.
    store_id: i64,
}

/// A tracking CSV (order, sku, quantity, tracking_number, carrier[, tracking_url,
/// shipping_method]) for the vendor's own purchase orders of one store. Valid rows are recorded
/// (grouped into shipments by order and tracking number); bad ones are reported by line.
#[utoipa::path(post, path = "/shipments/csv", params(UploadQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 415, description = "The body is not sent as text/csv", body = ErrorBody),
        (status = 200, description = "OK", body = TrackingReport),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 422, description = "The file as a whole is unusable", body = ErrorBody),
    ))]
async fn upload_tracking(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Query(query): Query<UploadQuery>,
    CsvBody(body): CsvBody,
) -> Result<Json<TrackingReport>, ApiError> {
    Ok(Json(
        app.import_tracking_csv(query.store_id, Some(vendor.id), &body)
            .await?,
    ))
}
