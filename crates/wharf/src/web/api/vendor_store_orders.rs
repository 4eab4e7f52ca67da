//! A purchase order's order in its vendor's own BigCommerce store: read, and sent again after
//! the vendor's store refused it.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::error::AppError;
use crate::app::vendor_store_orders::VendorOrderView;
use crate::web::api_extract::Path;
use crate::web::error::{ApiError, ErrorBody};

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_vendor_order))
        .routes(routes!(send_again))
}

#[utoipa::path(
    get,
    path = "/purchase-orders/{id}/vendor-order",
    params(("id" = i64, Path, description = "The purchase order's id")),
    responses(
        (status = 200, description = "OK", body = VendorOrderView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such purchase order, or it was never sent to a vendor's store", body = ErrorBody),
    )
)]
/// The purchase order's latest order in its vendor's store.
async fn get_vendor_order(
    State(app): State<App>,
    Path(purchase_order_id): Path<i64>,
) -> Result<Json<VendorOrderView>, ApiError> {
    let view = app
        .vendor_store_order(purchase_order_id)
        .await?
        .ok_or_else(|| {
            AppError::not_found("vendor store order of purchase order", purchase_order_id)
        })?;
    Ok(Json(view))
}

#[utoipa::path(
    post,
    path = "/purchase-orders/{id}/vendor-order/send-again",
    params(("id" = i64, Path, description = "The purchase order's id")),
    responses(
        (status = 200, description = "Queued to be sent again", body = VendorOrderView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 409, description = "A vendor order exists or is being sent, or the purchase order is cancelled", body = ErrorBody),
    )
)]
/// Sends the purchase order to its vendor's store again (Onport's "Mark as unsent"): only
/// after the vendor's store refused it or it was cancelled there; 409 while one exists.
async fn send_again(
    State(app): State<App>,
    Path(purchase_order_id): Path<i64>,
) -> Result<Json<VendorOrderView>, ApiError> {
    Ok(Json(
        app.send_vendor_store_order_again(purchase_order_id).await?,
    ))
}
