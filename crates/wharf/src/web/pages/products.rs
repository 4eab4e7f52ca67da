//! `/products`: the imported catalog's variants, searched by SKU or name, a page at a time.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;

use super::extract::Query;
use crate::app::App;
use crate::db::catalog::CatalogRow;
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new().route("/products", get(products))
}

const PRODUCTS_PER_PAGE: i64 = 50;

#[derive(Deserialize)]
struct ProductsQuery {
    #[serde(default)]
    q: String,
    page: Option<i64>,
    store: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "products/index.html")]
struct ProductsPage {
    signed_in: bool,
    query: String,
    query_encoded: String,
    store_id: Option<i64>,
    rows: Vec<CatalogRow>,
    total: i64,
    page: i64,
    pages: i64,
}

async fn products(
    State(app): State<App>,
    Query(params): Query<ProductsQuery>,
) -> Result<impl IntoResponse, PageError> {
    let page = params.page.unwrap_or(1).max(1);
    let (rows, total) = app
        .search_catalog(
            params.store,
            &params.q,
            PRODUCTS_PER_PAGE,
            (page - 1) * PRODUCTS_PER_PAGE,
        )
        .await?;
    Ok(ProductsPage {
        signed_in: true,
        query_encoded: url::form_urlencoded::byte_serialize(params.q.as_bytes()).collect(),
        query: params.q,
        store_id: params.store,
        rows,
        total,
        page,
        pages: ((total + PRODUCTS_PER_PAGE - 1) / PRODUCTS_PER_PAGE).max(1),
    })
}
