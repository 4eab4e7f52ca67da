//! The vendor API: what a vendor's own systems call, authenticated by the vendor's token
//! (`Authorization: Bearer whv_…`). A vendor only ever sees its own purchase orders: another
//! vendor's answer 404, exactly like one that does not exist.
//!
//! Its OpenAPI document is built from the same registrations as the routes (utoipa-axum), so
//! the two cannot drift apart, and is served unauthenticated at `/vendor-api/v1/openapi.json`.

use super::api_extract::{Path, Query};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde::Deserialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::api_answers::SharedAnswers;
use super::csv_body::CsvBody;
use super::error::{ApiError, ErrorBody, WebError};
use super::json_body::JsonBody;
use crate::app::App;
use crate::app::inventory::{StockImportReport, StockInput, StockReport};
use crate::app::shipments::TrackingReport;
use crate::app::vendors::VendorView;
use crate::db::orders::PurchaseOrder;
use crate::db::shipments::ShipmentView;
use crate::domain::shipment::{ShipmentInput, ShipmentSource};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wharf vendor API",
        description = "What a vendor's systems call: its purchase orders, shipments with tracking, \
                       and stock levels. Every call but this document's needs the vendor's token."
    ),
    servers((url = "/vendor-api/v1")),
    modifiers(&VendorToken),
    security(("vendor_token" = [])),
    components(schemas(ErrorBody))
)]
struct VendorApiDoc;

struct VendorToken;

impl Modify for VendorToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "The vendor's API token (whv_…), shown once when the vendor was added.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("vendor_token", SecurityScheme::Http(scheme));
    }
}

pub fn routes(app: App) -> Router<App> {
    let (api, mut doc) = OpenApiRouter::with_openapi(VendorApiDoc::openapi())
        .routes(routes!(me))
        .routes(routes!(list_purchase_orders))
        .routes(routes!(get_purchase_order))
        .routes(routes!(record_shipment))
        .routes(routes!(upload_tracking))
        .routes(routes!(get_shipment))
        .routes(routes!(set_stock))
        .routes(routes!(upload_stock))
        .routes(routes!(unmatched_skus))
        .split_for_parts();
    // After the routes: the modifier walks the operations, which only exist now.
    SharedAnswers {
        refuses_cross_site: false,
    }
    .modify(&mut doc);
    let doc = Json(doc);
    api.route_layer(middleware::from_fn_with_state(app, require_vendor))
        // After the layer: the document is public, like any API reference.
        .route("/openapi.json", get(move || async move { doc }))
}

async fn require_vendor(State(app): State<App>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let vendor = match token {
        Some(token) => app.vendor_for_token(token).await.ok().flatten(),
        None => None,
    };
    match vendor {
        Some(vendor) => {
            request.extensions_mut().insert(vendor);
            next.run(request).await
        }
        None => {
            let body = Json(ErrorBody::new(
                "send your vendor API token as Authorization: Bearer <token>",
            ));
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                body,
            )
                .into_response()
        }
    }
}

/// The vendor the token belongs to.
#[utoipa::path(get, path = "/me", responses(
    (status = 200, description = "OK", body = VendorView),
    (status = 401, description = "No or unknown token", body = ErrorBody),
))]
async fn me(Extension(vendor): Extension<VendorView>) -> Json<VendorView> {
    Json(vendor)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// `open` (the default) or `all`, which includes shipped and cancelled ones.
    status: Option<String>,
}

/// The vendor's purchase orders, oldest first: each with its lines (ordered and shipped
/// quantities) and the addresses they ship to.
#[utoipa::path(get, path = "/purchase-orders", params(ListQuery), responses(
    (status = 200, description = "OK", body = Vec<PurchaseOrder>),
    (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
))]
async fn list_purchase_orders(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<PurchaseOrder>>, ApiError> {
    let only_open = query.status.as_deref() != Some("all");
    Ok(Json(
        app.vendor_purchase_orders(vendor.id, only_open).await?,
    ))
}

/// One of the vendor's purchase orders; another vendor's is 404, like one that does not exist.
#[utoipa::path(get, path = "/purchase-orders/{id}",
    params(("id" = i64, Path, description = "The purchase order's id")),
    responses(
        (status = 200, description = "OK", body = PurchaseOrder),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 404, description = "Not found, or another vendor's", body = ErrorBody),
    ))]
async fn get_purchase_order(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Path(id): Path<i64>,
) -> Result<Json<PurchaseOrder>, ApiError> {
    app.vendor_purchase_orders(vendor.id, false)
        .await?
        .into_iter()
        .find(|po| po.id == id)
        .map(Json)
        .ok_or(ApiError(WebError::NotFound))
}

/// Records a shipment of one of the vendor's purchase orders: 201 with the shipment, queued for
/// BigCommerce; 422 naming each bad field; 409 when the purchase order is cancelled.
///
/// Lines name the purchase order line (`line_id`, its `order_line_id`) or its `sku`. A
/// shipment is pushed to BigCommerce exactly once (one per shipping address), however often
/// wharf or BigCommerce fail on the way.
#[utoipa::path(post, path = "/purchase-orders/{id}/shipments",
    params(("id" = i64, Path, description = "The purchase order's id")),
    request_body = ShipmentInput,
    responses(
        (status = 201, description = "Recorded and queued for BigCommerce", body = ShipmentView),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 404, description = "Not found, or another vendor's", body = ErrorBody),
        (status = 409, description = "The purchase order is cancelled", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was recorded", body = ErrorBody),
    ))]
async fn record_shipment(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Path(purchase_order_id): Path<i64>,
    JsonBody(input): JsonBody<ShipmentInput>,
) -> Result<(StatusCode, Json<ShipmentView>), ApiError> {
    let shipment = app
        .record_shipment(
            purchase_order_id,
            Some(vendor.id),
            ShipmentSource::VendorApi,
            &input,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(shipment)))
}

/// One of the vendor's shipments, with its push state (`pending`, `pushed`, `failed`, `held`)
/// and the BigCommerce shipments it became.
#[utoipa::path(get, path = "/shipments/{id}",
    params(("id" = i64, Path, description = "The shipment's id")),
    responses(
        (status = 200, description = "OK", body = ShipmentView),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 404, description = "Not found, or another vendor's", body = ErrorBody),
    ))]
async fn get_shipment(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Path(id): Path<i64>,
) -> Result<Json<ShipmentView>, ApiError> {
    let shipment = app.shipment(id).await?;
    let own = match shipment.purchase_order_id {
        Some(po) => app
            .vendor_purchase_orders(vendor.id, false)
            .await?
            .iter()
            .any(|p| p.id == po),
        None => false,
    };
    if !own {
        return Err(ApiError(WebError::NotFound));
    }
    Ok(Json(shipment))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    /// The store whose orders the file's order numbers belong to.
    store_id: i64,
}

/// A tracking CSV (order, sku, quantity, tracking_number, carrier[, tracking_url,
/// shipping_method]) for the vendor's own purchase orders of one store. Valid rows are recorded
/// (grouped into shipments by order and tracking number); bad ones are reported by line.
#[utoipa::path(post, path = "/shipments/csv", params(UploadQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 415, description = "The body is not sent as text/csv", body = ErrorBody),
        (status = 200, description = "OK", body = TrackingReport),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 422, description = "The file as a whole is unusable", body = ErrorBody),
    ))]
async fn upload_tracking(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    Query(query): Query<UploadQuery>,
    CsvBody(body): CsvBody,
) -> Result<Json<TrackingReport>, ApiError> {
    Ok(Json(
        app.import_tracking_csv(query.store_id, Some(vendor.id), &body)
            .await?,
    ))
}

/// Sets the vendor's absolute stock levels: `{"items": [{"sku", "quantity", "warehouse"?}]}`.
/// Refused whole (422, naming each bad item) if any item is invalid.
#[utoipa::path(put, path = "/stock", request_body = StockInput, responses(
    (status = 200, description = "OK", body = StockReport),
    (status = 400, description = "The body is not valid JSON", body = ErrorBody),
    (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
    (status = 422, description = "Names each bad item; nothing was applied", body = ErrorBody),
))]
async fn set_stock(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    JsonBody(input): JsonBody<StockInput>,
) -> Result<Json<StockReport>, ApiError> {
    Ok(Json(app.set_vendor_stock(vendor.id, &input).await?))
}

/// A stock CSV (sku, quantity[, warehouse]): valid rows applied, bad ones reported by line; a
/// mostly invalid file is refused whole.
#[utoipa::path(post, path = "/stock/csv",
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 415, description = "The body is not sent as text/csv", body = ErrorBody),
        (status = 200, description = "OK", body = StockImportReport),
        (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
        (status = 422, description = "The file as a whole is unusable", body = ErrorBody),
    ))]
async fn upload_stock(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
    CsvBody(body): CsvBody,
) -> Result<Json<StockImportReport>, ApiError> {
    Ok(Json(app.import_stock_csv(vendor.id, &body, None).await?))
}

/// The vendor's SKUs that match no item of any store: the first 1,000, in SKU order.
#[utoipa::path(get, path = "/stock/unmatched", responses(
    (status = 200, description = "OK", body = Vec<String>),
    (status = 401, description = "No token, or one wharf does not know", body = ErrorBody),
))]
async fn unmatched_skus(
    State(app): State<App>,
    Extension(vendor): Extension<VendorView>,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(app.unmatched_skus(vendor.id).await?.first))
}
