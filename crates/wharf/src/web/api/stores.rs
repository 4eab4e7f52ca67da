//! `/stores`: add a store, read it, edit it, remove it, run Connect, and choose which order
//! statuses are routed.

use crate::web::api_extract::{Path, Query};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::store_removal::StoreRemoved;
use crate::app::stores::StoreView;
use crate::domain::store::NewStoreInput;
use crate::domain::store_edit::StoreEditInput;
use crate::domain::store_removal::StoreRemovalInput;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_stores, add_store))
        .routes(routes!(get_store, edit_store, remove_store))
        .routes(routes!(connect_store))
        .routes(routes!(disable_store))
        .routes(routes!(enable_store))
        .routes(routes!(set_routing))
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
    put,
    path = "/stores/{id}",
    params(("id" = i64, Path, description = "The store's id")),
    request_body = StoreEditInput,
    responses(
        (status = 200, description = "Saved; new credentials leave the connection unchecked until Connect runs again", body = StoreView),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
/// Changes only the fields given; an empty or missing secret keeps the stored one.
async fn edit_store(
    State(app): State<App>,
    Path(id): Path<i64>,
    JsonBody(edit): JsonBody<StoreEditInput>,
) -> Result<Json<StoreView>, ApiError> {
    Ok(Json(app.edit_store(id, &edit).await?))
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
    path = "/stores/{id}/disable",
    params(("id" = i64, Path, description = "The store's id")),
    responses(
        (status = 200, description = "Disabled: no syncs or jobs; its webhooks are being removed", body = StoreView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
/// Stops every sync of the store and removes its webhooks from BigCommerce; history is kept.
async fn disable_store(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<StoreView>, ApiError> {
    Ok(Json(app.disable_store(id).await?))
}

#[utoipa::path(
    post,
    path = "/stores/{id}/enable",
    params(("id" = i64, Path, description = "The store's id")),
    responses(
        (status = 200, description = "Enabled: syncs resume and its webhooks are registered again", body = StoreView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn enable_store(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<StoreView>, ApiError> {
    Ok(Json(app.enable_store(id).await?))
}

#[utoipa::path(
    delete,
    path = "/stores/{id}",
    params(("id" = i64, Path, description = "The store's id"), StoreRemovalInput),
    responses(
        (status = 200, description = "Removed; its webhooks are being removed from BigCommerce", body = StoreRemoved),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found (or removed already)", body = ErrorBody),
        (status = 409, description = "The store is enabled: disable it first; nothing was removed", body = ErrorBody),
        (status = 422, description = "`confirm_name` is not the store's name, or `orders` is neither `keep` nor `delete`; nothing was removed", body = ErrorBody),
    )
)]
/// Removes a disabled store for good, its name repeated in `confirm_name`. With `orders=keep`
/// (the default) its orders stay readable, naming the store; with `orders=delete` they go too.
/// Either way its catalog, rules, pending jobs and webhooks go.
async fn remove_store(
    State(app): State<App>,
    Path(id): Path<i64>,
    Query(input): Query<StoreRemovalInput>,
) -> Result<Json<StoreRemoved>, ApiError> {
    Ok(Json(app.remove_store(id, &input).await?))
}
