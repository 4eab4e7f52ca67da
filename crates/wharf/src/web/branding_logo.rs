//! `/branding/logo`: the merchant's logo, public (mails and the vendor portal's sign-in page
//! show it to people who are not signed in), served with its own content type; `nosniff` comes
//! with every answer (`security_headers`), so a browser never reads it as anything else.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::App;

pub async fn serve(State(app): State<App>) -> Response {
    match app.logo().await {
        Ok(Some(logo)) => (
            [
                (header::CONTENT_TYPE, logo.content_type),
                // Its URL carries the logo's version (`?v=`), so a changed logo is a new URL.
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            logo.bytes,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "no logo is set").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the logo");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the logo could not be read",
            )
                .into_response()
        }
    }
}
