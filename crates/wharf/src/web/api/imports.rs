//! The catalog import: `/stores/{id}/imports` queues one, `/imports/{id}` follows it.

use crate::web::api_extract::Path;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::catalog::ImportView;
use crate::domain::catalog::ImportMode;
use crate::domain::{FieldError, FieldErrors};
use crate::web::error::{ApiError, ErrorBody, WebError};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(start_import))
        .routes(routes!(get_import))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct StartImport {
    /// "full" (default) or "incremental".
    #[serde(default)]
    mode: Option<String>,
}

#[utoipa::path(
    post,
    path = "/stores/{id}/imports",
    params(("id" = i64, Path, description = "The store's id")),
    request_body(content = Option<StartImport>, description = "Optional; a full import without it"),
    responses(
        (status = 202, description = "Queued (or the import already queued or running)", body = ImportView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
/// Queues an import (202); an import already queued or running is returned instead.
async fn start_import(
    State(app): State<App>,
    Path(id): Path<i64>,
    body: Option<JsonBody<StartImport>>,
) -> Result<(StatusCode, Json<ImportView>), ApiError> {
    let mode = match body.and_then(|JsonBody(b)| b.mode).as_deref() {
        None | Some("full") => ImportMode::Full,
        Some("incremental") => ImportMode::Incremental,
        Some(other) => {
            let error = FieldError::new(
                "mode",
                format!("mode must be full or incremental, not {other:?}"),
            );
            return Err(ApiError(WebError::Invalid(FieldErrors(vec![error]))));
        }
    };
    Ok((
        StatusCode::ACCEPTED,
        Json(app.start_import(id, mode).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/imports/{id}",
    params(("id" = i64, Path, description = "The import's id")),
    responses(
        (status = 200, description = "OK", body = ImportView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
    )
)]
async fn get_import(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<ImportView>, ApiError> {
    Ok(Json(app.import_view(id).await?))
}
