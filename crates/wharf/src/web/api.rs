//! The JSON API: the same use cases as the pages, for scripts and other systems.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use serde::{Deserialize, Serialize};

use super::error::{ApiError, WebError};
use crate::app::App;
use crate::app::catalog::ImportView;
use crate::app::stores::StoreView;
use crate::db::catalog::CatalogRow;
use crate::domain::catalog::ImportMode;
use crate::domain::store::NewStoreInput;
use crate::domain::{FieldError, FieldErrors};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/stores", get(list_stores).post(add_store))
        .route("/stores/{id}", get(get_store))
        .route("/stores/{id}/connect", post(connect_store))
        .route("/stores/{id}/imports", post(start_import))
        .route("/imports/{id}", get(get_import))
        .route("/products", get(list_products))
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

#[derive(Deserialize, Default)]
struct StartImport {
    /// "full" (default) or "incremental".
    #[serde(default)]
    mode: Option<String>,
}

/// Queues an import (202); an import already queued or running is returned instead.
async fn start_import(
    State(app): State<App>,
    Path(id): Path<i64>,
    body: Option<Json<StartImport>>,
) -> Result<(StatusCode, Json<ImportView>), ApiError> {
    let mode = match body.and_then(|Json(b)| b.mode).as_deref() {
        None | Some("full") => ImportMode::Full,
        Some("incremental") => ImportMode::Incremental,
        Some(other) => {
            let error = FieldError::new(
                "mode",
                format!("mode must be full or incremental, not {other:?}"),
            );
            return Err(ApiError(WebError::Invalid(FieldErrors(vec![error]))));
        }
    };
    Ok((
        StatusCode::ACCEPTED,
        Json(app.start_import(id, mode).await?),
    ))
}

async fn get_import(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<ImportView>, ApiError> {
    Ok(Json(app.import_view(id).await?))
}

#[derive(Deserialize)]
struct ProductsQuery {
    #[serde(default)]
    q: String,
    store_id: Option<i64>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize)]
struct ProductsPage {
    total: i64,
    page: i64,
    per_page: i64,
    variants: Vec<CatalogRow>,
}

/// Variants with their products, searched by SKU or name.
async fn list_products(
    State(app): State<App>,
    Query(query): Query<ProductsQuery>,
) -> Result<Json<ProductsPage>, ApiError> {
    let per_page = query.per_page.unwrap_or(100).clamp(1, 500);
    let page = query.page.unwrap_or(1).max(1);
    let (variants, total) = app
        .search_catalog(query.store_id, &query.q, per_page, (page - 1) * per_page)
        .await?;
    Ok(Json(ProductsPage {
        total,
        page,
        per_page,
        variants,
    }))
}
