//! `/vendors`: add, read, list and edit the vendors who ship the goods.

use crate::web::api_extract::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
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
