//! The pages behind the portal's single-use links and *Forgot password*:
//! `/vendor/invitation/{token}` and `/vendor/reset/{token}` set a password and sign in;
//! `/vendor/forgot` asks for a reset link and always answers the same, so it tells nobody
//! which addresses have an account.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::brand::PortalBrand;
use super::error::PortalError;
use super::session::session_cookie;
use crate::app::App;
use crate::app::error::AppError;
use crate::app::portal::links::{LinkState, ResetRequest};
use crate::domain::FieldErrors;
use crate::domain::password::MIN_PASSWORD_CHARS;
use crate::domain::vendor_user::{DeadLink, LinkPurpose};
use crate::web::auth::ClientAddress;
use crate::web::next_path::see_other;

#[derive(Template, WebTemplate)]
#[template(path = "portal/set_password.html")]
struct SetPasswordPage {
    brand: PortalBrand,
    signed_in: bool,
    invitation: bool,
    action: String,
    name: String,
    email: String,
    password_label: String,
    errors: FieldErrors,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/dead_link.html")]
struct DeadLinkPage {
    brand: PortalBrand,
    signed_in: bool,
    explanation: &'static str,
}

fn dead_link(dead: DeadLink) -> Response {
    let page = DeadLinkPage {
        brand: super::brand::current(),
        signed_in: false,
        explanation: dead.explanation(),
    };
    // 410 for a link that was real and is spent; 404 for one never made.
    let status = match dead {
        DeadLink::Unknown => StatusCode::NOT_FOUND,
        DeadLink::Used | DeadLink::Expired(_) => StatusCode::GONE,
    };
    (status, page).into_response()
}

fn set_password_page(
    purpose: LinkPurpose,
    token: &str,
    name: String,
    email: String,
) -> SetPasswordPage {
    SetPasswordPage {
        brand: super::brand::current(),
        signed_in: false,
        invitation: purpose == LinkPurpose::Invitation,
        action: purpose.path(token),
        name,
        email,
        password_label: format!("Password (at least {MIN_PASSWORD_CHARS} characters)"),
        errors: FieldErrors::default(),
    }
}

pub(super) async fn link_page(
    State(app): State<App>,
    Path(token): Path<String>,
) -> Result<Response, PortalError> {
    Ok(match app.portal_link(&token).await? {
        LinkState::Live {
            purpose,
            name,
            email,
        } => set_password_page(purpose, &token, name, email).into_response(),
        LinkState::Dead(dead) => dead_link(dead),
    })
}

#[derive(Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

pub(super) async fn set_password(
    State(app): State<App>,
    Path(token): Path<String>,
    jar: CookieJar,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PortalError> {
    match app
        .set_password_with_link(&token, &form.password, &form.password_again)
        .await
    {
        Ok(Ok(session)) => {
            let cookie = session_cookie(&app, session.expose_secret().to_owned());
            Ok((jar.add(cookie), see_other("/vendor/")).into_response())
        }
        Ok(Err(dead)) => Ok(dead_link(dead)),
        Err(AppError::Invalid(errors)) => {
            let LinkState::Live {
                purpose,
                name,
                email,
            } = app.portal_link(&token).await?
            else {
                return Ok(dead_link(DeadLink::Used));
            };
            let mut page = set_password_page(purpose, &token, name, email);
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/forgot.html")]
struct ForgotPage {
    brand: PortalBrand,
    signed_in: bool,
    asked: bool,
    problem: Option<String>,
    email: String,
    errors: FieldErrors,
}

impl ForgotPage {
    fn new() -> Self {
        ForgotPage {
            brand: super::brand::current(),
            signed_in: false,
            asked: false,
            problem: None,
            email: String::new(),
            errors: FieldErrors::default(),
        }
    }
}

pub(super) async fn forgot_page() -> Response {
    ForgotPage::new().into_response()
}

#[derive(Deserialize)]
pub(super) struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub(super) async fn forgot(
    State(app): State<App>,
    ClientAddress(from): ClientAddress,
    Form(form): Form<ForgotForm>,
) -> Result<Response, PortalError> {
    let mut page = ForgotPage::new();
    page.email = form.email.trim().to_owned();
    match app.request_password_reset(&form.email, &from).await? {
        // The same page whether a link was made or not.
        ResetRequest::Sent(_) | ResetRequest::NotSent => {
            page.asked = true;
            Ok(page.into_response())
        }
        ResetRequest::Throttled(message) => {
            page.problem = Some(message);
            Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response())
        }
    }
}
