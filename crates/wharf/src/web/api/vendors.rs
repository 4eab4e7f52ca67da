//! `/vendors`: add, read, list and edit the vendors who ship the goods; replace a vendor's
//! token, deactivate and reactivate it, and clear its unmatched SKUs.

use crate::web::api_extract::Path;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::vendors::{CreatedVendor, VendorView};
use crate::domain::vendor::VendorInput;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_vendors, add_vendor))
        .routes(routes!(get_vendor, update_vendor))
        .routes(routes!(rotate_token))
        .routes(routes!(deactivate_vendor))
        .routes(routes!(activate_vendor))
        .routes(routes!(clear_unmatched_skus))
}

#[utoipa::path(
    post,
    path = "/vendors/{id}/token",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "The new token, shown this once; the old one fails from now on", body = CreatedVendor),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
/// Replaces the vendor's API token (a leaked one stops working at once).
async fn rotate_token(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<([(header::HeaderName, &'static str); 1], Json<CreatedVendor>), ApiError> {
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(app.rotate_vendor_token(id).await?),
    ))
}

#[utoipa::path(
    post,
    path = "/vendors/{id}/deactivate",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "Deactivated: its token is refused, routing skips it (its lines wait in Needs attention), its stock does not count; its purchase orders stay", body = VendorView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn deactivate_vendor(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<VendorView>, ApiError> {
    Ok(Json(app.set_vendor_active(id, false).await?))
}

#[utoipa::path(
    post,
    path = "/vendors/{id}/activate",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "Active again: its token, rules and stock count as before", body = VendorView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn activate_vendor(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<VendorView>, ApiError> {
    Ok(Json(app.set_vendor_active(id, true).await?))
}

/// How many stock rows a clear deleted.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct Cleared {
    cleared: u64,
}

#[utoipa::path(
    delete,
    path = "/vendors/{id}/unmatched-skus",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "The vendor's stock rows that match no store item are deleted", body = Cleared),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn clear_unmatched_skus(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<Cleared>, ApiError> {
    Ok(Json(Cleared {
        cleared: app.clear_unmatched_skus(id).await?,
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
