//! `/vendors/{id}/bigcommerce/…`: the vendor's own BigCommerce store as a source — reading its
//! catalog again, and the lists of what matched, what did not and what is ambiguous.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::vendor_catalog::MatchesPage;
use crate::web::api_extract::{Path, Query};
use crate::web::error::{ApiError, ErrorBody};

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(read_catalog))
        .routes(routes!(list_matches))
}

/// A read was queued.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct ReadQueued {
    queued: bool,
    message: String,
}

#[utoipa::path(
    post,
    path = "/vendors/{id}/bigcommerce/catalog-read",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 202, description = "A full read of the vendor's store is queued (or one already waiting will do)", body = ReadQueued),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such vendor, or it has no BigCommerce store connected", body = ErrorBody),
    )
)]
/// Reads the vendor's BigCommerce catalog again (only reads: its store is never changed),
/// matches it to yours and takes its stock levels.
async fn read_catalog(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<ReadQueued>), ApiError> {
    app.queue_vendor_catalog_read(id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(ReadQueued {
            queued: true,
            message: "The vendor's catalog will be read in a moment".to_owned(),
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct MatchesQuery {
    /// matched (default) | unmatched | ambiguous
    state: Option<String>,
    /// The `next_after` of the page before.
    after: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/vendors/{id}/bigcommerce/matches",
    params(("id" = i64, Path, description = "The vendor's id"), MatchesQuery),
    responses(
        (status = 200, description = "A page of the match in one state (100 lines), with every state's count", body = MatchesPage),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such vendor, or it has no BigCommerce store connected", body = ErrorBody),
        (status = 422, description = "Names the bad parameter", body = ErrorBody),
    )
)]
/// How the vendor's BigCommerce variants match your items: matched, unmatched (your items the
/// vendor's store does not have, its variants that match nothing) or ambiguous, each with why.
async fn list_matches(
    State(app): State<App>,
    Path(id): Path<i64>,
    Query(query): Query<MatchesQuery>,
) -> Result<Json<MatchesPage>, ApiError> {
    Ok(Json(
        app.vendor_matches(id, query.state.as_deref(), query.after)
            .await?,
    ))
}
