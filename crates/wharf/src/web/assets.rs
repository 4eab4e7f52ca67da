//! Static files compiled into the binary: no asset pipeline, no JS build.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The vendor portal shows the merchant's brand, not wharf's, so it links the same files
/// under neutral names (`site.css`, `site.js`).
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "site.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/wharf.css"),
    ),
    (
        "site.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/wharf.js"),
    ),
    (
        "wharf.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/wharf.css"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/htmx.min.js"),
    ),
    (
        "wharf.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/wharf.js"),
    ),
];

pub async fn serve(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, body)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
