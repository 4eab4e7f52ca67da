//! The Account page: the signed-in operator changes their password (which signs out every other
//! session of theirs) or signs out everywhere.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use serde::Deserialize;

use crate::app::App;
use crate::app::account::PasswordChange;
use crate::app::error::AppError;
use crate::domain::FieldErrors;
use crate::web::auth::{ClientAddress, Operator, SESSION_COOKIE};
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/account", get(page))
        .route("/account/password", post(change_password))
        .route("/account/sign-out-everywhere", post(sign_out_everywhere))
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
struct AccountPage {
    signed_in: bool,
    username: String,
    changed: bool,
    problem: Option<String>,
    errors: FieldErrors,
}

impl AccountPage {
    fn new(username: String) -> Self {
        AccountPage {
            signed_in: true,
            username,
            changed: false,
            problem: None,
            errors: FieldErrors::default(),
        }
    }
}

#[derive(Deserialize)]
struct Shown {
    #[serde(default)]
    changed: bool,
}

async fn page(Extension(operator): Extension<Operator>, Query(shown): Query<Shown>) -> Response {
    let mut page = AccountPage::new(operator.username);
    page.changed = shown.changed;
    page.into_response()
}

async fn change_password(
    State(app): State<App>,
    Extension(operator): Extension<Operator>,
    ClientAddress(from): ClientAddress,
    jar: CookieJar,
    Form(change): Form<PasswordChange>,
) -> Result<Response, PageError> {
    let keeping = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
    match app
        .change_password(&operator.username, keeping.as_deref(), &from, &change)
        .await
    {
        Ok(()) => Ok(Redirect::to("/account?changed=true").into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = AccountPage::new(operator.username);
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict(message)) => {
            let mut page = AccountPage::new(operator.username);
            page.problem = Some(message);
            Ok((StatusCode::SERVICE_UNAVAILABLE, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn sign_out_everywhere(
    State(app): State<App>,
    Extension(operator): Extension<Operator>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    app.sign_out_everywhere(&operator.username).await?;
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/login"),
    )
        .into_response())
}
