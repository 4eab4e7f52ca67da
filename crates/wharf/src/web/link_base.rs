//! wharf's own address, for the links it shows an operator (an invitation to the vendor
//! portal): the public URL when set, else the address the operator's request came to, which
//! is the address the operator reaches wharf at. Links mailed on a stranger's request (a
//! password reset) never use the request's address: `App::request_password_reset`.

use axum::http::{HeaderMap, header};

use crate::app::App;

pub fn link_base(app: &App, headers: &HeaderMap) -> Option<url::Url> {
    if let Some(public) = &app.public_url {
        return Some(public.clone());
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = header(header::HOST.as_str())?;
    let scheme = match header("x-forwarded-proto") {
        Some("https") => "https",
        _ => "http",
    };
    url::Url::parse(&format!("{scheme}://{host}/")).ok()
}
