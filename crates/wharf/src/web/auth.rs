//! Sign-in. People get a session cookie from the login form; API clients may instead send HTTP
//! Basic credentials of the same operator account. Anything else is refused: the UI redirects
//! to /login, the API answers 401.

use askama::Template;
use askama_web::WebTemplate;
use std::net::SocketAddr;
use std::time::Duration;

use std::convert::Infallible;

use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::error::ErrorBody;
use super::next_path::{safe_next, see_other};
use crate::app::App;
use crate::app::operators::SignIn;
use crate::app::sign_in_throttle::{address_key, try_again_message};

pub const SESSION_COOKIE: &str = "wharf_session";

/// The operator a request is signed in as, for the handlers that need to know (the account
/// page); put in the request's extensions by [`require_operator`].
#[derive(Debug, Clone)]
pub struct Operator {
    pub username: String,
}

/// The client's address as the sign-in throttle counts it: the peer of the connection.
/// `X-Forwarded-For` is not read: wharf has no setting that says which proxy to trust, and
/// anyone can send the header. Without the peer (a router served without connect info) every
/// client shares one key, which throttles more, never less.
pub fn client_address(extensions: &Extensions) -> String {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |info| address_key(info.0.ip()))
}

/// The client's address key ([`client_address`]) as an extractor.
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ClientAddress(client_address(&parts.extensions)))
    }
}

pub async fn require_operator(
    State(app): State<App>,
    jar: CookieJar,
    mut request: Request,
    next: Next,
) -> Response {
    let from_session = match jar.get(SESSION_COOKIE) {
        Some(cookie) => app.session_user(cookie.value()).await.ok().flatten(),
        None => None,
    };
    let path = request.uri().path().to_owned();
    let username = match from_session {
        Some(username) => Some(username),
        None => match basic_sign_in(
            &app,
            basic_credentials(request.headers()),
            client_address(request.extensions()),
        )
        .await
        {
            SignIn::Accepted(username) => Some(username),
            SignIn::Refused => None,
            SignIn::Throttled { retry_after } => return too_many_attempts(&path, retry_after),
            SignIn::Busy => return busy(&path),
        },
    };
    if let Some(username) = username {
        request.extensions_mut().insert(Operator { username });
        return next.run(request).await;
    }
    if path.starts_with("/api/") {
        let body = axum::Json(ErrorBody::new(
            "sign in required: send a session cookie or HTTP Basic credentials",
        ));
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

/// HTTP Basic credentials, when sent, checked like the login form's: through the throttle,
/// logged and counted when refused. `Refused` also when none were sent.
async fn basic_sign_in(
    app: &App,
    credentials: Option<(String, String)>,
    from: String,
) -> SignIn<String> {
    let Some((username, password)) = credentials else {
        return SignIn::Refused;
    };
    match app.check_operator(&username, &password, &from).await {
        Ok(outcome) => {
            record("basic", &username, &from, &outcome);
            match outcome {
                SignIn::Accepted(user) => SignIn::Accepted(user.username),
                SignIn::Refused => SignIn::Refused,
                SignIn::Throttled { retry_after } => SignIn::Throttled { retry_after },
                SignIn::Busy => SignIn::Busy,
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "checking HTTP Basic credentials failed");
            SignIn::Refused
        }
    }
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let encoded = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))?;
    let decoded = BASE64
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())?;
    let (username, password) = decoded.split_once(':')?;
    Some((username.to_owned(), password.to_owned()))
}

/// Logs a refused or throttled attempt (who and from where, never the password) and counts
/// every outcome in `/metrics`.
fn record<T>(via: &'static str, username: &str, from: &str, outcome: &SignIn<T>) {
    let outcome = match outcome {
        SignIn::Accepted(_) => "accepted",
        SignIn::Refused => {
            tracing::info!(username = %username, address = %from, via, "sign-in refused");
            "refused"
        }
        SignIn::Throttled { .. } => {
            tracing::info!(username = %username, address = %from, via, "sign-in throttled");
            "throttled"
        }
        SignIn::Busy => "busy",
    };
    crate::metrics::sign_in(via, outcome);
}

fn retry_after_header(wait: Duration) -> (header::HeaderName, String) {
    // Rounded up: retrying a little early would only be throttled again.
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    (header::RETRY_AFTER, seconds.max(1).to_string())
}

fn too_many_attempts(path: &str, wait: Duration) -> Response {
    let message = try_again_message(wait);
    let headers = [retry_after_header(wait)];
    if path.starts_with("/api/") {
        let body = axum::Json(ErrorBody::new(message));
        return (StatusCode::TOO_MANY_REQUESTS, headers, body).into_response();
    }
    (StatusCode::TOO_MANY_REQUESTS, headers, message).into_response()
}

fn busy(path: &str) -> Response {
    let message = "wharf is checking too many passwords at once; try again in a moment";
    let headers = [retry_after_header(Duration::from_secs(1))];
    if path.starts_with("/api/") {
        let body = axum::Json(ErrorBody::new(message));
        return (StatusCode::SERVICE_UNAVAILABLE, headers, body).into_response();
    }
    (StatusCode::SERVICE_UNAVAILABLE, headers, message).into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    signed_in: bool,
    error: Option<String>,
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
    ClientAddress(from): ClientAddress,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let username = form.username.trim();
    let outcome = match app.sign_in(username, &form.password, &from).await {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    record("form", username, &from, &outcome);
    let (status, error, headers) = match outcome {
        SignIn::Accepted(token) => {
            let cookie = Cookie::build((SESSION_COOKIE, token.expose_secret().to_owned()))
                .path("/")
                .http_only(true)
                // Strict: a cross-site form post never carries the session, which is the CSRF defence.
                .same_site(SameSite::Strict)
                // Behind TLS (an https public URL) the browser must never send it in clear.
                .secure(serves_https(&app))
                .build();
            return (jar.add(cookie), see_other(&next)).into_response();
        }
        SignIn::Refused => (
            StatusCode::UNAUTHORIZED,
            "Wrong username or password.".to_owned(),
            None,
        ),
        SignIn::Throttled { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            try_again_message(retry_after),
            Some(retry_after_header(retry_after)),
        ),
        SignIn::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            "wharf is busy checking other sign-ins. Try again in a moment.".to_owned(),
            Some(retry_after_header(Duration::from_secs(1))),
        ),
    };
    let page = LoginPage {
        signed_in: false,
        error: Some(error),
        next,
    };
    let mut response = (status, page).into_response();
    if let Some((name, value)) = headers
        && let Ok(value) = HeaderValue::from_str(&value)
    {
        response.headers_mut().insert(name, value);
    }
    response
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
