//! Purchase orders: the vendor's list (searched, filtered, a keyset page at a time), one with
//! its shipments, accepting one, and declining a line it can't fulfil.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::purchase_orders::{VendorPurchaseOrder, VendorPurchaseOrderDetail};
use crate::app::vendors::VendorView;
use crate::domain::purchase_order::{
    DeclineInput, PurchaseOrderSearch, PurchaseOrderSearchInput, VendorActor,
};
use crate::web::api_extract::{Path, Query};
use crate::web::error::{ApiError, ErrorBody, WebError};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_purchase_orders))
        .routes(routes!(get_purchase_order))
        .routes(routes!(accept_purchase_order))
        .routes(routes!(decline_line))
}

/// The search (`domain::purchase_order`), each bad parameter refused by name.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// The store's order number (`118` or `#118`), a SKU or tracking number (exact, any
    /// case), or part of a product's or the customer's name.
    q: Option<String>,
    /// open | accepted | partly_shipped | shipped | cancelled | closed
    state: Option<String>,
    /// `open` (not cancelled or closed) or `all`. Without it: `open`, unless `q` or `state`
    /// is given, which search every purchase order.
    status: Option<String>,
    /// Purchase orders created after this time (RFC 3339) are marked `is_new`: pass the time
    /// of your last look.
    seen_since: Option<String>,
    /// The `next` cursor of the `Link` header of the page before.
    cursor: Option<String>,
    /// Purchase orders per page, 1 to 500 (default 100).
    limit: Option<String>,
}

impl ListQuery {
    fn input(&self) -> PurchaseOrderSearchInput {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        PurchaseOrderSearchInput {
            q: text(&self.q),
            state: text(&self.state),
            status: text(&self.status),
            seen_since: text(&self.seen_since),
            cursor: text(&self.cursor),
            limit: text(&self.limit),
        }
    }
}

/// The vendor's purchase orders: still to do (open, accepted, partly shipped) first, then
/// done, each newest first; each with its lines (ordered and shipped quantities), the
/// addresses they ship to, whether it is accepted and whether it is new since `seen_since`.
#[utoipa::path(get, path = "/purchase-orders", params(ListQuery), responses(
    (status = 200, description = "A page of the purchase orders that match", body = Vec<VendorPurchaseOrder>,
        headers(("Link" = String, description = "Where the next page is, when there is one: `</vendor-api/v1/purchase-orders?…&cursor=…>; rel=\"next\"`, with the same parameters"))),
    (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
    (status = 422, description = "Names each bad parameter", body = ErrorBody),
))]
async fn list_purchase_orders(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let input = query.input();
    let search = PurchaseOrderSearch::parse(&input).map_err(|e| ApiError(WebError::Invalid(e)))?;
    let page = app.vendor_purchase_orders(vendor.id, &search).await?;
    let link = page
        .next_cursor
        .as_deref()
        .map(|cursor| format!("<{}>; rel=\"next\"", page_address(&input, cursor)));
    let mut response = Json(page.purchase_orders).into_response();
    if let Some(link) = link
        && let Ok(value) = HeaderValue::from_str(&link)
    {
        response.headers_mut().insert(header::LINK, value);
    }
    Ok(response)
}

/// The list's address at `cursor`, with the same parameters.
fn page_address(input: &PurchaseOrderSearchInput, cursor: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("q", &input.q),
        ("state", &input.state),
        ("status", &input.status),
        ("seen_since", &input.seen_since),
        ("limit", &input.limit),
    ] {
        if !value.trim().is_empty() {
            query.append_pair(name, value.trim());
        }
    }
    query.append_pair("cursor", cursor);
    format!("/vendor-api/v1/purchase-orders?{}", query.finish())
}

/// One of the vendor's purchase orders, with the shipments recorded on it and the customer's
/// note; another vendor's is 404, like one that does not exist.
#[utoipa::path(get, path = "/purchase-orders/{id}",
    params(("id" = i64, Path, description = "The purchase order's id")),
    responses(
        (status = 200, description = "OK", body = VendorPurchaseOrderDetail),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 404, description = "Not found, or another vendor's", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ))]
async fn get_purchase_order(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Path(id): Path<i64>,
) -> Result<Json<VendorPurchaseOrderDetail>, ApiError> {
    Ok(Json(app.vendor_purchase_order(vendor.id, id).await?))
}

/// Accepts (acknowledges) the purchase order: the merchant sees who accepted it and when.
/// Accepting again changes nothing; a cancelled or closed purchase order answers 409.
#[utoipa::path(post, path = "/purchase-orders/{id}/accept",
    params(("id" = i64, Path, description = "The purchase order's id")),
    responses(
        (status = 200, description = "Accepted (now or before)", body = VendorPurchaseOrderDetail),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 404, description = "Not found, or another vendor's", body = ErrorBody),
        (status = 409, description = "Cancelled or closed: nothing to accept", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ))]
async fn accept_purchase_order(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Path(id): Path<i64>,
) -> Result<Json<VendorPurchaseOrderDetail>, ApiError> {
    Ok(Json(
        app.accept_purchase_order(vendor.id, id, &VendorActor::ApiToken)
            .await?,
    ))
}

/// Declines a line the vendor can't fulfil, with a reason: the line leaves the purchase order
/// and goes to the next vendor the merchant's rules allow, or to the merchant to decide. Only
/// a line with nothing shipped can be declined (409 otherwise); a purchase order left with no
/// line is closed.
#[utoipa::path(post, path = "/purchase-orders/{id}/lines/{line_id}/decline",
    params(
        ("id" = i64, Path, description = "The purchase order's id"),
        ("line_id" = i64, Path, description = "The line's `order_line_id`"),
    ),
    request_body = DeclineInput,
    responses(
        (status = 200, description = "Declined: the purchase order without the line", body = VendorPurchaseOrderDetail),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 404, description = "Not found, another vendor's, or the line is not on it", body = ErrorBody),
        (status = 409, description = "Some of the line shipped, or the purchase order is cancelled", body = ErrorBody),
        (status = 422, description = "No reason, or one over 500 characters", body = ErrorBody),
    ))]
async fn decline_line(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Path((id, line_id)): Path<(i64, i64)>,
    JsonBody(input): JsonBody<DeclineInput>,
) -> Result<Json<VendorPurchaseOrderDetail>, ApiError> {
    Ok(Json(
        app.decline_purchase_order_line(
            vendor.id,
            id,
            line_id,
            &input.reason,
            &VendorActor::ApiToken,
        )
        .await?,
    ))
}
