//! `/stores/{id}/assignments` and `/assignments/{id}`: which vendor ships which variant — the
//! rules listed in the order they are tried, added one at a time or from a CSV, changed and
//! removed; whenever they change, the orders waiting for an assignment are routed at once.

use crate::web::api_extract::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::assignments::{RuleChange, RuleUpdate, RuleView};
use crate::app::vendors::{AssignmentInput, CsvReport};
use crate::web::csv_body::CsvBody;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_rules, assign))
        .routes(routes!(update_rule, remove_rule))
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

#[utoipa::path(
    get,
    path = "/stores/{id}/assignments",
    params(("id" = i64, Path, description = "The store's id")),
    responses(
        (status = 200, description = "The rules in the order they are tried; the store default last", body = Vec<RuleView>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
/// Every rule of the store: SKUs, brands, SKU prefixes (longest first), then the default,
/// each with how many of the store's variants it decides.
async fn list_rules(
    State(app): State<App>,
    Path(store_id): Path<i64>,
) -> Result<Json<Vec<RuleView>>, ApiError> {
    Ok(Json(app.list_assignment_rules(store_id).await?))
}

#[utoipa::path(
    put,
    path = "/assignments/{id}",
    params(("id" = i64, Path, description = "The rule's id")),
    request_body = RuleChange,
    responses(
        (status = 200, description = "OK", body = RuleUpdate),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was changed", body = ErrorBody),
    )
)]
/// Changes a rule's vendor (by name) or its SKU, brand or prefix; a field left out stays.
async fn update_rule(
    State(app): State<App>,
    Path(id): Path<i64>,
    JsonBody(change): JsonBody<RuleChange>,
) -> Result<Json<RuleUpdate>, ApiError> {
    Ok(Json(app.update_assignment_rule(id, &change).await?))
}

#[utoipa::path(
    delete,
    path = "/assignments/{id}",
    params(("id" = i64, Path, description = "The rule's id")),
    responses(
        (status = 204, description = "Removed; its variants fall to the next rule that matches"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
/// Removes a rule.
async fn remove_rule(State(app): State<App>, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    app.remove_assignment_rule(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
