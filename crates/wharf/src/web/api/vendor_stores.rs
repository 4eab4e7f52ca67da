//! `/vendors/{id}/bigcommerce`: a vendor's own BigCommerce store — save its credentials, run
//! Connect with the scopes a vendor store needs, change its settings, disconnect it.

use crate::web::api_extract::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::error::AppError;
use crate::app::vendor_stores::VendorStore;
use crate::domain::vendor_store::{VendorStoreInput, VendorStoreSettingsInput};
use crate::web::error::{ApiError, ErrorBody};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_vendor_store, save_vendor_store, disconnect))
        .routes(routes!(connect))
        .routes(routes!(update_settings))
}

#[utoipa::path(
    get,
    path = "/vendors/{id}/bigcommerce",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "The vendor's store, secrets masked", body = VendorStore),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such vendor, or it has no store connected", body = ErrorBody),
    )
)]
async fn get_vendor_store(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<VendorStore>, ApiError> {
    let store = app.vendor_store(id).await?.ok_or(AppError::NotFound {
        what: "vendor store",
        id: id.to_string(),
    })?;
    Ok(Json(store))
}

#[utoipa::path(
    put,
    path = "/vendors/{id}/bigcommerce",
    params(("id" = i64, Path, description = "The vendor's id")),
    request_body = VendorStoreInput,
    responses(
        (status = 200, description = "Saved, secrets sealed; new credentials leave it unchecked until Connect runs", body = VendorStore),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such vendor", body = ErrorBody),
        (status = 422, description = "Names each bad field (a store hash that is a sales store or another vendor's store included); nothing was stored", body = ErrorBody),
    )
)]
/// Saves the vendor's store: every field on the first save; after it, an empty or missing
/// secret keeps the stored one.
async fn save_vendor_store(
    State(app): State<App>,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<VendorStoreInput>,
) -> Result<Json<VendorStore>, ApiError> {
    Ok(Json(app.save_vendor_store(id, &input).await?))
}

#[utoipa::path(
    delete,
    path = "/vendors/{id}/bigcommerce",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 204, description = "Disconnected: credentials forgotten, its webhooks are being removed; the vendor stays"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such vendor, or it has no store connected", body = ErrorBody),
    )
)]
async fn disconnect(State(app): State<App>, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    app.disconnect_vendor_store(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/vendors/{id}/bigcommerce/connect",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "The verdict is in `connection.status`, with each failed check; `scopes_to_tick` says what the vendor's API account needs", body = VendorStore),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such vendor, or it has no store saved", body = ErrorBody),
    )
)]
/// Runs Connect with the scopes a vendor store needs. 200 either way: the verdict is in
/// `connection.status`.
async fn connect(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<VendorStore>, ApiError> {
    Ok(Json(app.connect_vendor_store(id).await?))
}

#[utoipa::path(
    put,
    path = "/vendors/{id}/bigcommerce/settings",
    params(("id" = i64, Path, description = "The vendor's id")),
    request_body = VendorStoreSettingsInput,
    responses(
        (status = 200, description = "Saved", body = VendorStore),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such vendor, or it has no store saved", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
/// Changes only the settings given.
async fn update_settings(
    State(app): State<App>,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<VendorStoreSettingsInput>,
) -> Result<Json<VendorStore>, ApiError> {
    Ok(Json(app.update_vendor_store_settings(id, &input).await?))
}
