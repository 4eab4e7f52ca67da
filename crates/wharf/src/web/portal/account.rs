//! `/vendor/account`: the vendor's users (invite a colleague, remove one; the last user cannot
//! remove themselves), the vendor's API token (replaced, the new one shown once), and the
//! vendor's notification settings when wharf has them to show.
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
use crate::domain::vendor_user::VendorUserInput;
use crate::web::link_base::link_base;
use crate::web::next_path::see_other;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/vendor/account", get(page))
        .route("/vendor/account/users", post(invite))
        .route("/vendor/account/users/{user_id}/remove", post(remove))
        .route("/vendor/account/token", post(rotate_token))
}

/// How the vendor hears of new work, as the Account page shows it. The section appears only
/// when [`notifications`] has settings to show.
#[derive(Debug, Clone)]
pub struct NotificationsView {
    /// Where the vendor's mail goes.
    pub to: String,
    /// When a new purchase order is mailed ("at once", "in an hourly digest").
    pub new_purchase_orders: String,
}

/// The vendor's notification settings; `None` while wharf sends no e-mail to vendors.
async fn notifications(_app: &App, _vendor_id: i64) -> Option<NotificationsView> {
    None
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
}

impl AccountPage {
    async fn load(app: &App, user: PortalUser) -> Result<Self, PortalError> {
        Ok(AccountPage {
            brand: super::brand::current(),
            signed_in: true,
            vendor: app.vendor(user.vendor_id).await?,
            users: app.vendor_users(user.vendor_id).await?,
            notifications: notifications(app, user.vendor_id).await,
            user,
            input: VendorUserInput::default(),
            errors: FieldErrors::default(),
            problem: None,
            invitation: None,
            new_token: None,
            removed: false,
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
    page.removed = query.is_some_and(|q| q.split('&').any(|pair| pair == "removed=true"));
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
