//! `/products`: the imported catalog's variants, searched by SKU or name.

use crate::web::api_extract::Query;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::products::VendorFilter;
use crate::db::catalog::CatalogRow;
use crate::domain::{FieldError, FieldErrors};
use crate::web::error::{ApiError, ErrorBody, WebError};

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list_products))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ProductsQuery {
    #[serde(default)]
    q: String,
    store_id: Option<i64>,
    /// Only variants that route to this vendor.
    vendor_id: Option<i64>,
    /// Only variants no active vendor would ship (they would wait in Needs attention).
    #[serde(default)]
    no_vendor: bool,
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
        (status = 422, description = "Both vendor_id and no_vendor given", body = ErrorBody),
    )
)]
/// Variants with their products and the vendor each routes to, searched by SKU or name.
async fn list_products(
    State(app): State<App>,
    Query(query): Query<ProductsQuery>,
) -> Result<Json<ProductsPage>, ApiError> {
    let per_page = query.per_page.unwrap_or(100).clamp(1, 500);
    let offset = crate::web::api_extract::page_offset(query.page, per_page)?;
    let page = query.page.unwrap_or(1);
    let filter = match (query.vendor_id, query.no_vendor) {
        (Some(_), true) => {
            return Err(WebError::Invalid(FieldErrors(vec![FieldError::new(
                "no_vendor",
                "Give vendor_id or no_vendor, not both",
            )]))
            .into());
        }
        (Some(id), false) => VendorFilter::Vendor(id),
        (None, true) => VendorFilter::NoVendor,
        (None, false) => VendorFilter::Any,
    };
    let (variants, total) = app
        .search_products(query.store_id, &query.q, filter, per_page, offset)
        .await?;
    Ok(Json(ProductsPage {
        total,
        page,
        per_page,
        variants,
    }))
}
