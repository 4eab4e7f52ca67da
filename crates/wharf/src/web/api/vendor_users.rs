//! `/vendors/{id}/users`: the people of a vendor who sign in to the vendor portal. Inviting
//! one answers their invitation link (72 hours, single use), as the page and the CLI show it.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::portal::users::{Invitation, VendorUserView};
use crate::domain::vendor_user::VendorUserInput;
use crate::web::api_extract::Path;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::json_body::JsonBody;
use crate::web::link_base::link_base;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_users, invite_user))
        .routes(routes!(update_user, remove_user))
        .routes(routes!(resend_invitation))
}

/// An answer holding a live invitation link: no cache may keep it.
type NoStore = [(header::HeaderName, &'static str); 1];
const NO_STORE: NoStore = [(header::CACHE_CONTROL, "no-store")];

#[utoipa::path(
    get,
    path = "/vendors/{id}/users",
    params(("id" = i64, Path, description = "The vendor's id")),
    responses(
        (status = 200, description = "The vendor's portal users, invited or signed up", body = Vec<VendorUserView>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such vendor", body = ErrorBody),
    )
)]
async fn list_users(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Json<Vec<VendorUserView>>, ApiError> {
    Ok(Json(app.vendor_users(id).await?))
}

#[utoipa::path(
    post,
    path = "/vendors/{id}/users",
    params(("id" = i64, Path, description = "The vendor's id")),
    request_body = VendorUserInput,
    responses(
        (status = 201, description = "Invited: the invitation link is in this answer only (and the invitation e-mail, when wharf sends e-mail)", body = Invitation),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such vendor", body = ErrorBody),
        (status = 422, description = "Names each bad field (an address already in use included); nothing was stored", body = ErrorBody),
    )
)]
/// Invites a person to the vendor portal as one of the vendor's users.
async fn invite_user(
    State(app): State<App>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<VendorUserInput>,
) -> Result<(StatusCode, NoStore, Json<Invitation>), ApiError> {
    let base = link_base(&app, &headers);
    let invitation = app.invite_vendor_user(id, &input, base.as_ref()).await?;
    Ok((StatusCode::CREATED, NO_STORE, Json(invitation)))
}

#[utoipa::path(
    post,
    path = "/vendors/{id}/users/{user_id}/invitation",
    params(
        ("id" = i64, Path, description = "The vendor's id"),
        ("user_id" = i64, Path, description = "The vendor user's id"),
    ),
    responses(
        (status = 200, description = "A new invitation link; earlier ones stop working", body = Invitation),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "The vendor has no such user", body = ErrorBody),
    )
)]
/// Sends a user a new invitation (for a user who has a password, a link to set a new one).
async fn resend_invitation(
    State(app): State<App>,
    Path((id, user_id)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Result<(NoStore, Json<Invitation>), ApiError> {
    let base = link_base(&app, &headers);
    let invitation = app.resend_invitation(id, user_id, base.as_ref()).await?;
    Ok((NO_STORE, Json(invitation)))
}

#[utoipa::path(
    put,
    path = "/vendors/{id}/users/{user_id}",
    params(
        ("id" = i64, Path, description = "The vendor's id"),
        ("user_id" = i64, Path, description = "The vendor user's id"),
    ),
    request_body = VendorUserInput,
    responses(
        (status = 200, description = "Changed; they sign in with the new address from now on", body = VendorUserView),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "The vendor has no such user", body = ErrorBody),
        (status = 422, description = "Names each bad field (an address already in use included); nothing was stored", body = ErrorBody),
    )
)]
/// Changes a user's name and e-mail address (both sent).
async fn update_user(
    State(app): State<App>,
    Path((id, user_id)): Path<(i64, i64)>,
    JsonBody(input): JsonBody<VendorUserInput>,
) -> Result<Json<VendorUserView>, ApiError> {
    Ok(Json(app.update_vendor_user(id, user_id, &input).await?))
}

#[utoipa::path(
    delete,
    path = "/vendors/{id}/users/{user_id}",
    params(
        ("id" = i64, Path, description = "The vendor's id"),
        ("user_id" = i64, Path, description = "The vendor user's id"),
    ),
    responses(
        (status = 204, description = "Removed: their sessions and links end with them"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "The vendor has no such user", body = ErrorBody),
    )
)]
async fn remove_user(
    State(app): State<App>,
    Path((id, user_id)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    app.remove_vendor_user(id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
