//! `/vendor/login` and `/vendor/logout`: vendor users sign in by e-mail and password, with the
//! operators' throttle rules, answers and cookie attributes (`web::auth`).

use std::time::Duration;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::brand::PortalBrand;
use super::session::{PORTAL_COOKIE, portal_next, removal, session_cookie};
use crate::app::App;
use crate::app::operators::SignIn;
use crate::app::portal::sign_in::PortalSignIn;
use crate::app::sign_in_throttle::try_again_message;
use crate::web::auth::ClientAddress;
use crate::web::next_path::see_other;

#[derive(Template, WebTemplate)]
#[template(path = "portal/login.html")]
struct LoginPage {
    brand: PortalBrand,
    signed_in: bool,
    error: Option<String>,
    notice: Option<&'static str>,
    email: String,
    next: String,
}

impl LoginPage {
    fn new(next: String) -> Self {
        LoginPage {
            brand: super::brand::current(),
            signed_in: false,
            error: None,
            notice: None,
            email: String::new(),
            next,
        }
    }
}

#[derive(Deserialize)]
pub(super) struct LoginQuery {
    next: Option<String>,
    #[serde(default)]
    signed_out: bool,
}

pub(super) async fn page(Query(query): Query<LoginQuery>) -> Response {
    let mut page = LoginPage::new(portal_next(query.next.as_deref()));
    if query.signed_out {
        page.notice = Some("You are signed out.");
    }
    page.into_response()
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub(super) async fn sign_in(
    State(app): State<App>,
    jar: CookieJar,
    ClientAddress(from): ClientAddress,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = portal_next(form.next.as_deref());
    let email = form.email.trim();
    let outcome = match app.sign_in_vendor_user(email, &form.password, &from).await {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::error!(error = %e, "portal sign-in failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    record(email, &from, &outcome);
    let (status, error, retry_after) = match outcome {
        SignIn::Accepted(PortalSignIn::Session(token)) => {
            let cookie = session_cookie(&app, token.expose_secret().to_owned());
            return (jar.add(cookie), see_other(&next)).into_response();
        }
        SignIn::Accepted(PortalSignIn::VendorDeactivated) => (
            StatusCode::FORBIDDEN,
            "Your company's access to this portal is switched off. Ask the merchant to switch it back on.".to_owned(),
            None,
        ),
        SignIn::Refused => (
            StatusCode::UNAUTHORIZED,
            "Wrong e-mail address or password.".to_owned(),
            None,
        ),
        SignIn::Throttled { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            try_again_message(retry_after),
            Some(retry_after),
        ),
        SignIn::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The portal is busy checking other sign-ins. Try again in a moment.".to_owned(),
            Some(Duration::from_secs(1)),
        ),
    };
    let mut page = LoginPage::new(next);
    page.error = Some(error);
    page.email = email.to_owned();
    let mut response = (status, page).into_response();
    if let Some(wait) = retry_after {
        // Rounded up: retrying a little early would only be throttled again.
        let seconds = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}

/// Logs a refused or throttled attempt (who and from where, never the password) and counts
/// every outcome in `/metrics`, beside the operators' (`via` = `portal`).
fn record(email: &str, from: &str, outcome: &SignIn<PortalSignIn>) {
    let outcome = match outcome {
        SignIn::Accepted(PortalSignIn::Session(_)) => "accepted",
        SignIn::Accepted(PortalSignIn::VendorDeactivated) => {
            tracing::info!(email = %email, address = %from, "portal sign-in of a deactivated vendor's user");
            "deactivated"
        }
        SignIn::Refused => {
            tracing::info!(email = %email, address = %from, "portal sign-in refused");
            "refused"
        }
        SignIn::Throttled { .. } => {
            tracing::info!(email = %email, address = %from, "portal sign-in throttled");
            "throttled"
        }
        SignIn::Busy => "busy",
    };
    crate::metrics::sign_in("portal", outcome);
}

pub(super) async fn sign_out(State(app): State<App>, jar: CookieJar) -> Response {
    if let Some(cookie) = jar.get(PORTAL_COOKIE)
        && let Err(e) = app.sign_out_portal(cookie.value()).await
    {
        tracing::warn!(error = %e, "could not delete a portal session");
    }
    (
        jar.remove(removal()),
        see_other("/vendor/login?signed_out=true"),
    )
        .into_response()
}
