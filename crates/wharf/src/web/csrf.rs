//! Refusing requests another site makes in the operator's name.
//!
//! A browser sends the session cookie and remembered HTTP Basic credentials by itself, so every
//! state-changing request (anything but GET, HEAD and OPTIONS) must show it comes from wharf's
//! own pages:
//! 1. **Its origin.** `Sec-Fetch-Site`, when the browser sends it, must be `same-origin` or
//!    `none` (typed or bookmarked); `same-site` is refused too, since a page on another port of
//!    the same host is another origin. Without it, `Origin`, when sent, must be wharf's own (the
//!    public URL's, or the `Host` the request came to). A request with neither header is not a
//!    browser's (curl, scripts, the CLI) and passes: it carries credentials only if its author
//!    put them there.
//! 2. **A form token**, when it carries the session cookie: the `csrf_token` form field or the
//!    `X-CSRF-Token` header (htmx sends it from `hx-headers` in base.html) must match the
//!    session's. SameSite=Strict alone lets a same-site page post with the cookie.
//!
//! The vendor portal (`/vendor/…`) is guarded the same way with its own session cookie.
//!
//! Exempt: the BigCommerce webhook receiver (its secret authenticates it) and the vendor API
//! (Bearer tokens only, which a browser never sends by itself). Sign-in (`/login`,
//! `/vendor/login`) is checked for its origin but needs no token: there is no session yet.
//!
//! The token is `SHA-256("wharf-csrf-v1:" + session token)`: unguessable without the session
//! token (which is HttpOnly and never stored, only its digest), fixed for the session's life so
//! every open tab keeps working, and needing no storage of its own.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use sha2::{Digest, Sha256};

use super::auth::SESSION_COOKIE;
use super::error::{ApiError, PageError, WebError};
use super::portal::PORTAL_COOKIE;
use super::portal::brand::is_portal_path;
use crate::app::App;

/// The form field every page's forms carry.
pub const FORM_FIELD: &str = "csrf_token";
/// The header htmx sends (`hx-headers` on `<body>`).
pub const HEADER: &str = "x-csrf-token";

/// The same limit axum's `Form` applies: a form larger than this is refused anyway.
const FORM_LIMIT: usize = 2 * 1024 * 1024;

tokio::task_local! {
    /// The session's token while its request is handled, for the templates to render.
    static TOKEN: String;
}

/// The current session's form token, as base.html and every form put it in the page; empty
/// outside a signed-in request.
pub fn token() -> String {
    TOKEN.try_with(Clone::clone).unwrap_or_default()
}

fn token_for(session: &str) -> String {
    format!("{:x}", Sha256::digest(format!("wharf-csrf-v1:{session}")))
}

pub async fn guard(
    State(app): State<App>,
    jar: CookieJar,
    request: Request,
    next: Next,
) -> Response {
    // The portal's pages are guarded with the portal's session, every other with the operator's.
    let cookie = if is_portal_path(request.uri().path()) {
        PORTAL_COOKIE
    } else {
        SESSION_COOKIE
    };
    let expected = jar.get(cookie).map(|c| token_for(c.value()));
    let request = match check(&app, expected.as_deref(), request).await {
        Ok(request) => request,
        Err((path, error)) => return refuse(&path, error),
    };
    match expected {
        Some(token) => TOKEN.scope(token, next.run(request)).await,
        None => next.run(request).await,
    }
}

async fn check(
    app: &App,
    expected: Option<&str>,
    request: Request,
) -> Result<Request, (String, WebError)> {
    let path = request.uri().path().to_owned();
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || path.starts_with("/webhooks/") || path.starts_with("/vendor-api/") {
        return Ok(request);
    }
    let portal = is_portal_path(&path);
    if let Err(refusal) = same_origin(app, request.headers()) {
        return Err((path, forbidden(refusal.message(portal))));
    }
    match expected {
        Some(expected) if path != "/login" && path != "/vendor/login" => {
            let (sent, request) = sent_token(request).await.map_err(|e| (path.clone(), e))?;
            if sent.is_some_and(|sent| constant_time_eq(sent.as_bytes(), expected.as_bytes())) {
                Ok(request)
            } else {
                Err((path, forbidden(Refusal::StaleForm.message(portal))))
            }
        }
        _ => Ok(request),
    }
}

/// Why a request was refused, in the words of the site it was sent to: the portal's pages
/// never name wharf.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    CrossSite,
    CrossOrigin,
    StaleForm,
}

impl Refusal {
    fn message(self, portal: bool) -> &'static str {
        match (self, portal) {
            (Refusal::CrossSite, false) => {
                "cross-site request refused: send it from wharf's own pages"
            }
            (Refusal::CrossSite, true) => {
                "cross-site request refused: send it from this portal's own pages"
            }
            (Refusal::CrossOrigin, false) => {
                "cross-origin request refused: send it from wharf's own pages"
            }
            (Refusal::CrossOrigin, true) => {
                "cross-origin request refused: send it from this portal's own pages"
            }
            (Refusal::StaleForm, false) => {
                "this form is out of date or did not come from wharf; reload the page and try again"
            }
            (Refusal::StaleForm, true) => {
                "this form is out of date or did not come from this portal; reload the page and try again"
            }
        }
    }
}

fn same_origin(app: &App, headers: &HeaderMap) -> Result<(), Refusal> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err(Refusal::CrossSite),
        };
    }
    let Some(origin) = header(header::ORIGIN.as_str()) else {
        return Ok(());
    };
    let public = app
        .public_url
        .as_ref()
        .map(|url| url.origin().ascii_serialization());
    let from_host = header(header::HOST.as_str()).map(|host| {
        let scheme = header("x-forwarded-proto").unwrap_or("http");
        format!("{scheme}://{host}")
    });
    if public.as_deref() == Some(origin) || from_host.as_deref() == Some(origin) {
        Ok(())
    } else {
        Err(Refusal::CrossOrigin)
    }
}

/// The token from the header, or else from a urlencoded form's field (the body is read and put
/// back for the handler).
async fn sent_token(request: Request) -> Result<(Option<String>, Request), WebError> {
    if let Some(value) = request.headers().get(HEADER) {
        let sent = value.to_str().ok().map(str::to_owned);
        return Ok((sent, request));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    // A file upload (the branding's logo) carries the token as its form's first field.
    let is_upload = content_type.starts_with("multipart/form-data");
    if !is_form && !is_upload {
        return Ok((None, request));
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| WebError::Request {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: "the form is too large".into(),
        })?;
    let sent = if is_upload {
        multipart_field(&bytes, FORM_FIELD)
    } else {
        url::form_urlencoded::parse(&bytes)
            .find(|(name, _)| name == FORM_FIELD)
            .map(|(_, value)| value.into_owned())
    };
    Ok((sent, Request::from_parts(parts, Body::from(bytes))))
}

/// The value of the multipart part named `name` (a short text field: up to the line's end).
fn multipart_field(body: &[u8], name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let at = body
        .windows(marker.len())
        .position(|w| w == marker.as_bytes())?;
    let rest = &body[at + marker.len()..];
    let start = rest.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let value = &rest[start..];
    let end = value.windows(2).position(|w| w == b"\r\n")?;
    String::from_utf8(value[..end].to_vec()).ok()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn forbidden(message: &str) -> WebError {
    WebError::Request {
        status: StatusCode::FORBIDDEN,
        message: message.to_owned(),
    }
}

fn refuse(path: &str, error: WebError) -> Response {
    tracing::info!(path, reason = %error, "request refused");
    if path.starts_with("/api/") {
        ApiError(error).into_response()
    } else if is_portal_path(path) {
        super::portal::error::PortalError(error).into_response()
    } else {
        PageError(error).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_by_session_and_from_the_stored_digest() {
        let a = token_for("session-a");
        assert_eq!(a, token_for("session-a"));
        assert_ne!(a, token_for("session-b"));
        assert_ne!(a, crate::app::tokens::digest("session-a"));
        assert!(constant_time_eq(a.as_bytes(), a.as_bytes()));
        assert!(!constant_time_eq(a.as_bytes(), b"short"));
    }
}
