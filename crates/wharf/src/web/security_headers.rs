//! The headers every answer carries, so a page cannot be framed, sniffed into another type, run
//! script it did not load from wharf, or leak its address to other sites.
//!
//! The policy allows scripts and styles only from wharf's own origin (`/assets`): no inline
//! `<script>`, event-handler attribute or `style` attribute may appear in a template
//! (`tests/api/security_headers.rs` scans them); htmx is told not to inject its indicator style
//! (a meta tag in base.html).

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'";

pub async fn add(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    response
}
