//! Sign-in. People get a session cookie from the login form; API clients may instead send HTTP
//! Basic credentials of the same operator account. Anything else is refused: the UI redirects
//! to /login, the API answers 401.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::next_path::{safe_next, see_other};
use crate::app::App;

pub const SESSION_COOKIE: &str = "wharf_session";

pub async fn require_operator(
    State(app): State<App>,
    jar: CookieJar,
    request: Request,
    next: Next,
) -> Response {
    let signed_in = match jar.get(SESSION_COOKIE) {
        Some(cookie) => matches!(app.session_user(cookie.value()).await, Ok(Some(_))),
        None => false,
    };
    if signed_in || basic_credentials_valid(&app, request.headers()).await {
        return next.run(request).await;
    }
    let path = request.uri().path();
    if path.starts_with("/api/") {
        let body = axum::Json(
            serde_json::json!({ "error": "sign in required: send a session cookie or HTTP Basic credentials" }),
        );
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"wharf\"")],
            body,
        )
            .into_response();
    }
    let next_path = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    see_other(&format!("/login?next={}", url_encode(next_path)))
}

async fn basic_credentials_valid(app: &App, headers: &HeaderMap) -> bool {
    let Some(encoded) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return false;
    };
    let Some(decoded) = BASE64
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return false;
    };
    let Some((username, password)) = decoded.split_once(':') else {
        return false;
    };
    matches!(app.verify_operator(username, password).await, Ok(true))
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    signed_in: bool,
    error: Option<&'static str>,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_page(Query(query): Query<NextQuery>) -> impl IntoResponse {
    LoginPage {
        signed_in: false,
        error: None,
        next: safe_next(query.next.as_deref()),
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

fn serves_https(app: &App) -> bool {
    app.public_url
        .as_ref()
        .is_some_and(|url| url.scheme() == "https")
}

pub async fn login(
    State(app): State<App>,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    match app.sign_in(form.username.trim(), &form.password).await {
        Ok(Some(token)) => {
            let cookie = Cookie::build((SESSION_COOKIE, token.expose_secret().to_owned()))
                .path("/")
                .http_only(true)
                // Strict: a cross-site form post never carries the session, which is the CSRF defence.
                .same_site(SameSite::Strict)
                // Behind TLS (an https public URL) the browser must never send it in clear.
                .secure(serves_https(&app))
                .build();
            (jar.add(cookie), see_other(&next)).into_response()
        }
        Ok(None) => {
            tracing::info!(username = %form.username.trim(), "sign-in refused");
            let page = LoginPage {
                signed_in: false,
                error: Some("Wrong username or password."),
                next,
            };
            (StatusCode::UNAUTHORIZED, page).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub async fn logout(State(app): State<App>, jar: CookieJar) -> Response {
    if let Some(cookie) = jar.get(SESSION_COOKIE)
        && let Err(e) = app.sign_out(cookie.value()).await
    {
        tracing::warn!(error = %e, "could not delete a session");
    }
    (
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/login"),
    )
        .into_response()
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
