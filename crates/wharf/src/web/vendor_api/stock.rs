//! Stock: the vendor's absolute levels (JSON or CSV) and the SKUs that match nothing.

use axum::extract::State;
use axum::{Extension, Json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::inventory::{StockImportReport, StockInput, StockReport};
use crate::app::vendors::VendorView;
use crate::web::csv_body::CsvBody;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(set_stock))
        .routes(routes!(upload_stock))
        .routes(routes!(unmatched_skus))
}

/// Sets the vendor's absolute stock levels: `{"items": [{"sku", "quantity", "warehouse"?}]}`.
/// Refused whole (422, naming each bad item) if any item is invalid.
#[utoipa::path(put, path = "/stock", request_body = StockInput, responses(
    (status = 200, description = "OK", body = StockReport),
    (status = 400, description = "The body is not valid JSON", body = ErrorBody),
    (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
    (status = 422, description = "Names each bad item; nothing was applied", body = ErrorBody),
))]
async fn set_stock(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    JsonBody(input): JsonBody<StockInput>,
) -> Result<Json<StockReport>, ApiError> {
    Ok(Json(app.set_vendor_stock(vendor.id, &input).await?))
}

/// A stock CSV (sku, quantity[, warehouse]): valid rows applied, bad ones reported by line; a
/// mostly invalid file is refused whole.
#[utoipa::path(post, path = "/stock/csv",
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 415, description = "The body is not sent as text/csv", body = ErrorBody),
        (status = 200, description = "OK", body = StockImportReport),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 422, description = "The file as a whole is unusable", body = ErrorBody),
    ))]
async fn upload_stock(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    CsvBody(body): CsvBody,
) -> Result<Json<StockImportReport>, ApiError> {
    Ok(Json(app.import_stock_csv(vendor.id, &body, None).await?))
}

/// The vendor's SKUs that match no item of any store: the first 1,000, in SKU order.
#[utoipa::path(get, path = "/stock/unmatched", responses(
    (status = 200, description = "OK", body = Vec<String>),
    (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
))]
async fn unmatched_skus(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(app.unmatched_skus(vendor.id).await?.first))
}
