//! `/products`: the imported catalog's variants, searched by SKU or name and filtered by the
//! vendor they route to (or none), a page at a time.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;

use super::extract::Query;
use crate::app::App;
use crate::app::products::VendorFilter;
use crate::app::vendors::VendorView;
use crate::db::catalog::CatalogRow;
use crate::web::error::{PageError, WebError};

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
    /// A vendor's id, `none` for variants no vendor ships, or empty for all.
    #[serde(default)]
    vendor: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "products/index.html")]
struct ProductsPage {
    signed_in: bool,
    query: String,
    query_encoded: String,
    store_id: Option<i64>,
    /// The vendor filter as the address gives it, kept in the pager's links.
    vendor: String,
    vendors: Vec<VendorView>,
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
    let filter = match params.vendor.trim() {
        "" => VendorFilter::Any,
        "none" => VendorFilter::NoVendor,
        id => VendorFilter::Vendor(id.parse().map_err(|_| {
            PageError(WebError::Request {
                status: axum::http::StatusCode::BAD_REQUEST,
                message: "Choose a vendor from the list.".to_owned(),
            })
        })?),
    };
    let (rows, total) = app
        .search_products(
            params.store,
            &params.q,
            filter,
            PRODUCTS_PER_PAGE,
            (page - 1) * PRODUCTS_PER_PAGE,
        )
        .await?;
    Ok(ProductsPage {
        signed_in: true,
        query_encoded: url::form_urlencoded::byte_serialize(params.q.as_bytes()).collect(),
        query: params.q,
        store_id: params.store,
        vendor: params.vendor,
        vendors: app.list_vendors().await?,
        rows,
        total,
        page,
        pages: ((total + PRODUCTS_PER_PAGE - 1) / PRODUCTS_PER_PAGE).max(1),
    })
}
