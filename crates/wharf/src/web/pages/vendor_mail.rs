//! `/vendors/{id}/mail-schedule`: when a vendor hears of new purchase orders (a mail each, or
//! an hourly digest), chosen on the Vendors page. Cancellations always go at once.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

use super::extract::Path;
use crate::app::App;
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new().route("/vendors/{id}/mail-schedule", post(set_schedule))
}

#[derive(Deserialize)]
struct ScheduleForm {
    #[serde(default)]
    mail_schedule: String,
}

async fn set_schedule(
    State(app): State<App>,
    Path(id): Path<i64>,
    Form(form): Form<ScheduleForm>,
) -> Result<Response, PageError> {
    // The form offers only valid choices: anything else is a forged request, refused as such.
    app.set_vendor_mail_schedule(id, &form.mail_schedule)
        .await?;
    Ok(Redirect::to(&format!("/vendors#vendor-{id}")).into_response())
}
