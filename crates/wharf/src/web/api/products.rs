//! `/products`: the imported catalog's variants, searched by SKU or name.

use crate::web::api_extract::Query;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::db::catalog::CatalogRow;
use crate::web::error::{ApiError, ErrorBody};

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list_products))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ProductsQuery {
    #[serde(default)]
    q: String,
    store_id: Option<i64>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ProductsPage {
    total: i64,
    page: i64,
    per_page: i64,
    variants: Vec<CatalogRow>,
}

#[utoipa::path(
    get,
    path = "/products",
    params(ProductsQuery),
    responses(
        (status = 200, description = "OK", body = ProductsPage),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
/// Variants with their products, searched by SKU or name.
async fn list_products(
    State(app): State<App>,
    Query(query): Query<ProductsQuery>,
) -> Result<Json<ProductsPage>, ApiError> {
    let per_page = query.per_page.unwrap_or(100).clamp(1, 500);
    let offset = crate::web::api_extract::page_offset(query.page, per_page)?;
    let page = query.page.unwrap_or(1);
    let (variants, total) = app
        .search_catalog(query.store_id, &query.q, per_page, offset)
        .await?;
    Ok(Json(ProductsPage {
        total,
        page,
        per_page,
        variants,
    }))
}
