//! Orders: `/stores/{id}/orders/sync` reads the store's changes now; `/orders` lists them
//! with their routing, `/orders/{id}` shows one and its routing preview.

use crate::web::api_extract::{Path, Query};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::orders::{OrderDetail, PollReport, RoutingPreview};
use crate::db::orders::OrderSummary;
use crate::domain::order::RoutingState;
use crate::domain::{FieldError, FieldErrors};
use crate::web::error::{ApiError, ErrorBody, WebError};

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(sync_orders))
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(preview_routing))
}

#[utoipa::path(
    post,
    path = "/stores/{id}/orders/sync",
    params(("id" = i64, Path, description = "The store's id")),
    responses(
        (status = 200, description = "OK", body = PollReport),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 409, description = "The store is not synced: BigCommerce refused its access token or scopes, or an older store has its store hash", body = ErrorBody),
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
    let offset = crate::web::api_extract::page_offset(query.page, 100)?;
    Ok(Json(
        app.list_orders(query.store_id, state, 100, offset).await?,
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
