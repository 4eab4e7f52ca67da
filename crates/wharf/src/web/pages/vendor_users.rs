//! `/vendors/{id}/users`: the vendor's portal users. The operator invites people (their
//! invitation link shown once, on the answer to the invitation, for when e-mail is off),
//! sends a new invitation, corrects a user's name or address, and removes users (which ends
//! their sessions).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::extract::{Path, Query};
use crate::app::App;
use crate::app::error::AppError;
use crate::app::portal::users::{Invitation, VendorUserView};
use crate::app::vendors::VendorView;
use crate::domain::FieldErrors;
use crate::domain::vendor_user::VendorUserInput;
use crate::web::error::PageError;
use crate::web::link_base::link_base;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/vendors/{id}/users", get(page).post(invite))
        .route(
            "/vendors/{id}/users/{user_id}/invitation",
            post(resend_invitation),
        )
        .route("/vendors/{id}/users/{user_id}", post(edit))
        .route("/vendors/{id}/users/{user_id}/remove", post(remove))
}

#[derive(Template, WebTemplate)]
#[template(path = "vendors/users.html")]
struct UsersPage {
    signed_in: bool,
    vendor: VendorView,
    users: Vec<VendorUserView>,
    input: VendorUserInput,
    errors: FieldErrors,
    /// The invitation just made, its link shown on this answer only.
    invitation: Option<Invitation>,
    removed: bool,
    saved: bool,
    /// A row whose edit was refused: what was typed, and why.
    refused_edit: Option<(i64, VendorUserInput, FieldErrors)>,
}

impl UsersPage {
    async fn load(app: &App, vendor_id: i64) -> Result<Self, PageError> {
        Ok(UsersPage {
            signed_in: true,
            vendor: app.vendor(vendor_id).await?,
            users: app.vendor_users(vendor_id).await?,
            input: VendorUserInput::default(),
            errors: FieldErrors::default(),
            invitation: None,
            removed: false,
            saved: false,
            refused_edit: None,
        })
    }

    /// A row's field as shown: what was typed in a refused edit of it, else what is stored.
    fn shown(&self, user: &VendorUserView, field: &str) -> String {
        match &self.refused_edit {
            Some((id, input, _)) if *id == user.id => match field {
                "name" => input.name.clone(),
                _ => input.email.clone(),
            },
            _ => match field {
                "name" => user.name.clone(),
                _ => user.email.clone(),
            },
        }
    }

    /// Why a row's field was refused, for that row only.
    fn edit_error(&self, user: &VendorUserView, field: &str) -> Option<&str> {
        match &self.refused_edit {
            Some((id, _, errors)) if *id == user.id => errors.for_field(field),
            _ => None,
        }
    }

    fn expires(&self) -> String {
        self.invitation
            .as_ref()
            .map(|i| super::format::utc(i.expires_at_ms))
            .unwrap_or_default()
    }
}

#[derive(Deserialize)]
struct Shown {
    #[serde(default)]
    removed: bool,
    #[serde(default)]
    saved: bool,
}

async fn page(
    State(app): State<App>,
    Path(id): Path<i64>,
    Query(shown): Query<Shown>,
) -> Result<Response, PageError> {
    let mut page = UsersPage::load(&app, id).await?;
    page.removed = shown.removed;
    page.saved = shown.saved;
    Ok(page.into_response())
}

async fn invite(
    State(app): State<App>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(input): Form<VendorUserInput>,
) -> Result<Response, PageError> {
    let base = link_base(&app, &headers);
    match app.invite_vendor_user(id, &input, base.as_ref()).await {
        Ok(invitation) => {
            let mut page = UsersPage::load(&app, id).await?;
            page.invitation = Some(invitation);
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = UsersPage::load(&app, id).await?;
            page.input = input;
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn resend_invitation(
    State(app): State<App>,
    Path((id, user_id)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let base = link_base(&app, &headers);
    let invitation = app.resend_invitation(id, user_id, base.as_ref()).await?;
    let mut page = UsersPage::load(&app, id).await?;
    page.invitation = Some(invitation);
    Ok(page.into_response())
}

async fn edit(
    State(app): State<App>,
    Path((id, user_id)): Path<(i64, i64)>,
    Form(input): Form<VendorUserInput>,
) -> Result<Response, PageError> {
    match app.update_vendor_user(id, user_id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/vendors/{id}/users?saved=true")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = UsersPage::load(&app, id).await?;
            page.refused_edit = Some((user_id, input, errors));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn remove(
    State(app): State<App>,
    Path((id, user_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    app.remove_vendor_user(id, user_id).await?;
    Ok(Redirect::to(&format!("/vendors/{id}/users?removed=true")).into_response())
}
