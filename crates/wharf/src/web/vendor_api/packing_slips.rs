//! Packing slips as PDF: one purchase order's, or a selection's in one file.

use axum::Extension;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::vendors::VendorView;
use crate::domain::FieldErrors;
use crate::domain::purchase_order::parse_id_list;
use crate::web::api_extract::{Path, Query};
use crate::web::error::{ApiError, ErrorBody, WebError};

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(packing_slip))
        .routes(routes!(packing_slips))
}

/// The packing slip of one purchase order: a page per shipping address (more when its lines
/// run on), with the ship-to, the store's order number and date, and each line's SKU, name and
/// quantity — no prices.
#[utoipa::path(get, path = "/purchase-orders/{id}/packing-slip.pdf",
    params(("id" = i64, Path, description = "The purchase order's id")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 404, description = "Not found, or another vendor's", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ))]
async fn packing_slip(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let pdf = app.packing_slips_pdf(vendor.id, &[id]).await?;
    Ok(pdf_answer(pdf, &format!("packing-slip-{id}.pdf")))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SelectionQuery {
    /// The purchase orders' ids, comma-separated (`1,2,3`): at most 50, each the vendor's own.
    ids: Option<String>,
}

/// The packing slips of several purchase orders in one PDF, in the order given. Any id that is
/// not the vendor's own answers 404 and no PDF is made.
#[utoipa::path(get, path = "/packing-slips.pdf", params(SelectionQuery),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 404, description = "One of the purchase orders is not found, or another vendor's", body = ErrorBody),
        (status = 422, description = "`ids` is missing, not a list of ids, or longer than 50", body = ErrorBody),
    ))]
async fn packing_slips(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Query(query): Query<SelectionQuery>,
) -> Result<Response, ApiError> {
    let ids = parse_id_list("ids", query.ids.as_deref().unwrap_or_default())
        .map_err(|e| ApiError(WebError::Invalid(FieldErrors(vec![e]))))?;
    let pdf = app.packing_slips_pdf(vendor.id, &ids).await?;
    Ok(pdf_answer(pdf, "packing-slips.pdf"))
}

fn pdf_answer(pdf: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file_name}\""),
            ),
        ],
        pdf,
    )
        .into_response()
}
