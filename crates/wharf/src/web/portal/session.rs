//! Vendor users' sessions: their own cookie, scoped to `/vendor`, so it never reaches the
//! operators' pages or the API, and the operators' cookie is never read here. Every signed-in
//! portal handler gets its user through [`PortalUser`].

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use super::error::PortalError;
use crate::app::App;
use crate::app::error::AppError;
use crate::web::next_path::see_other;

pub const PORTAL_COOKIE: &str = "portal_session";
/// The cookie's path: the portal's pages and nothing else (`/vendor-api` is not under it).
const COOKIE_PATH: &str = "/vendor";

/// The signed-in vendor user. Every query a portal handler makes names `vendor_id`, which is
/// what keeps one vendor's users out of another's data.
#[derive(Debug, Clone)]
pub struct PortalUser {
    pub user_id: i64,
    pub vendor_id: i64,
    pub name: String,
    pub email: String,
    pub vendor_name: String,
    /// The session's cookie value, for signing out and for "every session but this one".
    pub session_token: String,
}

impl FromRequestParts<App> for PortalUser {
    type Rejection = Response;

    /// From the sign-in layer when it ran; otherwise looked up here, so a handler that asks for
    /// a user is never served without one.
    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        if let Some(user) = parts.extensions.get::<PortalUser>() {
            return Ok(user.clone());
        }
        match signed_in_user(app, &CookieJar::from_headers(&parts.headers)).await {
            Ok(Some(user)) => Ok(user),
            Ok(None) => Err(to_sign_in(parts.uri.path_and_query().map(|p| p.as_str()))),
            Err(error) => Err(PortalError::from(error).into_response()),
        }
    }
}

/// The user of the request's portal cookie, if its session lives and its vendor is active.
pub async fn signed_in_user(app: &App, jar: &CookieJar) -> Result<Option<PortalUser>, AppError> {
    let Some(cookie) = jar.get(PORTAL_COOKIE) else {
        return Ok(None);
    };
    let token = cookie.value().to_owned();
    Ok(app.portal_session(&token).await?.map(|s| PortalUser {
        user_id: s.user_id,
        vendor_id: s.vendor_id,
        name: s.name,
        email: s.email,
        vendor_name: s.vendor_name,
        session_token: token,
    }))
}

/// The layer on every signed-in portal route: the user goes into the request's extensions, or
/// the browser to the sign-in page with the address to come back to.
pub async fn require_portal_user(
    State(app): State<App>,
    jar: CookieJar,
    mut request: Request,
    next: Next,
) -> Response {
    match signed_in_user(&app, &jar).await {
        Ok(Some(user)) => {
            request.extensions_mut().insert(user);
            next.run(request).await
        }
        Ok(None) => to_sign_in(request.uri().path_and_query().map(|p| p.as_str())),
        Err(error) => PortalError::from(error).into_response(),
    }
}

fn to_sign_in(next: Option<&str>) -> Response {
    let next = next.unwrap_or("/vendor/");
    let encoded: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    see_other(&format!("/vendor/login?next={encoded}"))
}

/// The portal session cookie: the operators' attributes (HttpOnly; SameSite=Strict, the CSRF
/// defence; Secure behind an https public URL), on the portal's path only.
pub fn session_cookie(app: &App, token: String) -> Cookie<'static> {
    let https = app
        .public_url
        .as_ref()
        .is_some_and(|url| url.scheme() == "https");
    Cookie::build((PORTAL_COOKIE, token))
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(https)
        .build()
}

/// The cookie's removal (same name and path).
pub fn removal() -> Cookie<'static> {
    Cookie::build(PORTAL_COOKIE).path(COOKIE_PATH).build()
}

/// Where sign-in sends a vendor user: a portal path from `next`, else the portal's home.
pub fn portal_next(next: Option<&str>) -> String {
    let next = crate::web::next_path::safe_next(next);
    if super::brand::is_portal_path(&next) {
        next
    } else {
        "/vendor/".to_owned()
    }
}
