//! `/branding` and the mail settings: the merchant's branding (what vendors see instead of
//! wharf), where operators' digests go, and when a vendor hears of new purchase orders.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::domain::branding::{Branding, BrandingInput};
use crate::domain::mail::MailSchedule;
use crate::web::api_extract::Path;
use crate::web::error::{ApiError, ErrorBody};
use crate::web::json_body::JsonBody;

pub(super) fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_branding, set_branding))
        .routes(routes!(get_operator_mail, set_operator_mail))
        .routes(routes!(set_vendor_mail_schedule))
}

#[utoipa::path(
    get,
    path = "/branding",
    responses(
        (status = 200, description = "The branding in force: each unset field at its default", body = Branding),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
async fn get_branding(State(app): State<App>) -> Result<Json<Branding>, ApiError> {
    Ok(Json(app.branding().await?))
}

#[utoipa::path(
    put,
    path = "/branding",
    request_body = BrandingInput,
    responses(
        (status = 200, description = "Saved; an empty field went back to its default", body = Branding),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Names each bad field; nothing was stored", body = ErrorBody),
    )
)]
/// Sets the name, accent colour (`#rrggbb`) and support e-mail at once. The logo is set on the
/// Branding page.
async fn set_branding(
    State(app): State<App>,
    JsonBody(input): JsonBody<BrandingInput>,
) -> Result<Json<Branding>, ApiError> {
    Ok(Json(app.set_branding(&input).await?))
}

/// Where operators' digests go, and whether this wharf sends e-mail.
#[derive(Debug, Serialize, ToSchema)]
struct OperatorMail {
    /// The one address that gets the operators' digest; none when unset.
    operator_email: Option<String>,
    /// False when SMTP is not set up: mails are recorded, not sent.
    mail_on: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
struct OperatorMailInput {
    /// An e-mail address; empty stops the digests.
    #[serde(default)]
    operator_email: String,
}

#[utoipa::path(
    get,
    path = "/mail/operator",
    responses(
        (status = 200, description = "Where operators' digests go", body = OperatorMail),
        (status = 401, description = "Not signed in", body = ErrorBody),
    )
)]
async fn get_operator_mail(State(app): State<App>) -> Result<Json<OperatorMail>, ApiError> {
    Ok(Json(OperatorMail {
        operator_email: app.operator_mail_to().await?,
        mail_on: app.mail_is_on(),
    }))
}

#[utoipa::path(
    put,
    path = "/mail/operator",
    request_body = OperatorMailInput,
    responses(
        (status = 200, description = "Saved", body = OperatorMail),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Names the bad field; nothing was stored", body = ErrorBody),
    )
)]
/// Sets the address operators' digests go to (at most one every 15 minutes, only when
/// something new needs them).
async fn set_operator_mail(
    State(app): State<App>,
    JsonBody(input): JsonBody<OperatorMailInput>,
) -> Result<Json<OperatorMail>, ApiError> {
    Ok(Json(OperatorMail {
        operator_email: app.set_operator_mail_to(&input.operator_email).await?,
        mail_on: app.mail_is_on(),
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
struct VendorMailSchedule {
    /// `immediate`: a mail per new purchase order; `hourly`: one digest an hour. Cancellations
    /// and lines taken away are always sent at once.
    #[schema(value_type = MailSchedule)]
    mail_schedule: String,
}

#[utoipa::path(
    put,
    path = "/vendors/{id}/mail-schedule",
    params(("id" = i64, Path, description = "The vendor's id")),
    request_body = VendorMailSchedule,
    responses(
        (status = 200, description = "Saved", body = VendorMailSchedule),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "Not found", body = ErrorBody),
        (status = 422, description = "Names the bad field; nothing was stored", body = ErrorBody),
    )
)]
/// When the vendor hears of new purchase orders.
async fn set_vendor_mail_schedule(
    State(app): State<App>,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<VendorMailSchedule>,
) -> Result<Json<VendorMailSchedule>, ApiError> {
    let schedule = app
        .set_vendor_mail_schedule(id, &input.mail_schedule)
        .await?;
    Ok(Json(VendorMailSchedule {
        mail_schedule: schedule.as_str().to_owned(),
    }))
}
