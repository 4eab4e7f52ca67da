//! The JSON API: the same use cases as the pages, for scripts and other systems.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use super::error::ApiError;
use crate::app::App;
use crate::app::stores::StoreView;
use crate::domain::store::NewStoreInput;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/stores", get(list_stores).post(add_store))
        .route("/stores/{id}", get(get_store))
        .route("/stores/{id}/connect", post(connect_store))
}

async fn list_stores(State(app): State<App>) -> Result<Json<Vec<StoreView>>, ApiError> {
    Ok(Json(app.list_stores().await?))
}

async fn add_store(
    State(app): State<App>,
    Json(input): Json<NewStoreInput>,
) -> Result<(StatusCode, Json<StoreView>), ApiError> {
    Ok((StatusCode::CREATED, Json(app.add_store(&input).await?)))
}

async fn get_store(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<StoreView>, ApiError> {
    Ok(Json(app.store(id).await?))
}

/// Runs Connect. 200 either way: the verdict is in `connection.status`, with the failed checks.
async fn connect_store(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<StoreView>, ApiError> {
    Ok(Json(app.connect_store(id).await?))
}
