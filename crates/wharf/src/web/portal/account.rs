//! `/vendor/account`: the vendor's users (invite a colleague, remove one; the last user cannot
//! remove themselves), the vendor's API token (replaced, the new one shown once), and the
//! vendor's notification settings (one mail per new purchase order, or an hourly digest).
//!
//! Every action names the signed-in user's vendor: another vendor's user id is "not found".

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use secrecy::ExposeSecret;

use super::brand::PortalBrand;
use super::error::PortalError;
use super::extract::PortalPath;
use super::session::{PortalUser, removal};
use crate::app::App;
use crate::app::error::AppError;
use crate::app::portal::users::{Invitation, VendorUserView};
use crate::app::vendors::VendorView;
use crate::domain::FieldErrors;
use crate::domain::mail::MailSchedule;
use crate::domain::vendor_user::VendorUserInput;
use crate::web::link_base::link_base;
use crate::web::next_path::see_other;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/vendor/account", get(page))
        .route("/vendor/account/users", post(invite))
        .route("/vendor/account/users/{user_id}/remove", post(remove))
        .route("/vendor/account/token", post(rotate_token))
        .route("/vendor/account/notifications", post(set_notifications))
}

/// How the vendor hears of new work, as the Account page shows it and changes it.
#[derive(Debug, Clone)]
pub struct NotificationsView {
    /// The vendor's own address, which hears of everything besides its users.
    pub vendor_email: Option<String>,
    /// New purchase orders come in an hourly digest rather than one mail each.
    pub hourly: bool,
}

/// The vendor's notification settings (`App::vendor_mail_schedule`); none when they cannot be
/// read, and the page shows the rest.
async fn notifications(app: &App, vendor: &VendorView) -> Option<NotificationsView> {
    match app.vendor_mail_schedule(vendor.id).await {
        Ok(schedule) => Some(NotificationsView {
            vendor_email: vendor.email.clone(),
            hourly: schedule == MailSchedule::Hourly,
        }),
        Err(error) => {
            tracing::warn!(%error, "could not read the vendor's mail schedule");
            None
        }
    }
}

#[derive(serde::Deserialize)]
struct NotificationsForm {
    #[serde(default)]
    mail_schedule: String,
}

/// The vendor's people choose how they hear of new purchase orders: one mail each or an
/// hourly digest (cancellations and lines taken away always come at once).
async fn set_notifications(
    State(app): State<App>,
    user: PortalUser,
    Form(form): Form<NotificationsForm>,
) -> Result<Response, PortalError> {
    app.set_vendor_mail_schedule(user.vendor_id, &form.mail_schedule)
        .await?;
    Ok(see_other("/vendor/account?saved=notifications"))
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/account.html")]
struct AccountPage {
    brand: PortalBrand,
    signed_in: bool,
    user: PortalUser,
    vendor: VendorView,
    users: Vec<VendorUserView>,
    notifications: Option<NotificationsView>,
    input: VendorUserInput,
    errors: FieldErrors,
    problem: Option<String>,
    invitation: Option<Invitation>,
    /// The vendor's new API token, on the answer that replaced it only.
    new_token: Option<String>,
    removed: bool,
    /// The notification settings were just saved.
    saved: bool,
}

impl AccountPage {
    async fn load(app: &App, user: PortalUser) -> Result<Self, PortalError> {
        let vendor = app.vendor(user.vendor_id).await?;
        Ok(AccountPage {
            brand: super::brand::current(),
            signed_in: true,
            notifications: notifications(app, &vendor).await,
            vendor,
            users: app.vendor_users(user.vendor_id).await?,
            user,
            input: VendorUserInput::default(),
            errors: FieldErrors::default(),
            problem: None,
            invitation: None,
            new_token: None,
            removed: false,
            saved: false,
        })
    }
}

async fn page(
    State(app): State<App>,
    user: PortalUser,
    RawQuery(query): RawQuery,
) -> Result<Response, PortalError> {
    let mut page = AccountPage::load(&app, user).await?;
    // Read by hand: a query the page did not make is ignored, never an error page.
    let said = |pair: &str| {
        query
            .as_deref()
            .is_some_and(|q| q.split('&').any(|p| p == pair))
    };
    page.removed = said("removed=true");
    page.saved = said("saved=notifications");
    Ok(page.into_response())
}

async fn invite(
    State(app): State<App>,
    user: PortalUser,
    headers: HeaderMap,
    Form(input): Form<VendorUserInput>,
) -> Result<Response, PortalError> {
    let base = link_base(&app, &headers);
    match app
        .invite_vendor_user(user.vendor_id, &input, base.as_ref())
        .await
    {
        Ok(invitation) => {
            let mut page = AccountPage::load(&app, user).await?;
            page.invitation = Some(invitation);
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = AccountPage::load(&app, user).await?;
            page.input = input;
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn remove(
    State(app): State<App>,
    user: PortalUser,
    jar: CookieJar,
    PortalPath(user_id): PortalPath<i64>,
) -> Result<Response, PortalError> {
    match app
        .remove_colleague(user.vendor_id, user.user_id, user_id)
        .await
    {
        // Removing oneself ends this session too: back to the sign-in page.
        Ok(()) if user_id == user.user_id => {
            Ok((jar.remove(removal()), see_other("/vendor/login")).into_response())
        }
        Ok(()) => Ok(see_other("/vendor/account?removed=true")),
        Err(AppError::Conflict(message)) => {
            let mut page = AccountPage::load(&app, user).await?;
            page.problem = Some(message);
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn rotate_token(State(app): State<App>, user: PortalUser) -> Result<Response, PortalError> {
    let rotated = app.rotate_vendor_token(user.vendor_id).await?;
    let mut page = AccountPage::load(&app, user).await?;
    page.new_token = Some(rotated.api_token_once.expose_secret().to_owned());
    // The token is in this answer alone: no cache may keep it.
    let mut response = page.into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
