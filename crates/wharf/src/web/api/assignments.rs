//! `/stores/{id}/assignments`: which vendor ships which variant, one rule or a CSV of them;
//! either way the orders waiting for an assignment are routed at once.

use crate::web::api_extract::Path;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::vendors::{AssignmentInput, CsvReport};
use crate::web::csv_body::CsvBody;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(assign))
        .routes(routes!(assign_from_csv))
}

#[derive(Serialize, utoipa::ToSchema)]
struct AssignmentOutcome {
    /// Orders that were waiting in Needs attention and are routed now.
    orders_routed: usize,
}

#[utoipa::path(
    post,
    path = "/stores/{id}/assignments",
    params(("id" = i64, Path, description = "The store's id")),
    request_body = AssignmentInput,
    responses(
        (status = 200, description = "OK", body = AssignmentOutcome),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
/// One rule: `{"rule": "sku"|"brand"|"sku_prefix"|"default", …, "vendor": "<name>"}`.
async fn assign(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    JsonBody(rule): JsonBody<AssignmentInput>,
) -> Result<Json<AssignmentOutcome>, ApiError> {
    app.assign(store_id, &rule).await?;
    Ok(Json(AssignmentOutcome {
        orders_routed: app.reroute_needing_attention(store_id).await?,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
struct CsvOutcome {
    #[serde(flatten)]
    report: CsvReport,
    orders_routed: usize,
}

#[utoipa::path(
    post,
    path = "/stores/{id}/assignments/csv",
    params(("id" = i64, Path, description = "The store's id")),
    request_body(content = String, content_type = "text/csv", description = "Columns sku, vendor"),
    responses(
        (status = 415, description = "The body is not sent as text/csv", body = ErrorBody),
        (status = 200, description = "OK", body = CsvOutcome),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "The file as a whole is unusable", body = ErrorBody),
    )
)]
/// A CSV body (columns sku, vendor): valid rows applied, bad rows reported with their line.
async fn assign_from_csv(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    CsvBody(body): CsvBody,
) -> Result<Json<CsvOutcome>, ApiError> {
    let report = app.import_assignments_csv(store_id, &body).await?;
    Ok(Json(CsvOutcome {
        report,
        orders_routed: app.reroute_needing_attention(store_id).await?,
    }))
}
