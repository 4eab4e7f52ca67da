//! Errors on portal pages: the operators' mapping (`web::error`), shown in the portal's layout
//! and the merchant's branding.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::brand::PortalBrand;
use crate::web::error::WebError;

#[derive(Template, WebTemplate)]
#[template(path = "portal/error.html")]
struct PortalErrorPage<'a> {
    brand: PortalBrand,
    signed_in: bool,
    title: &'a str,
    message: &'a str,
}

/// A page in the portal's layout saying what went wrong.
pub fn portal_error_page(
    signed_in: bool,
    status: StatusCode,
    title: &str,
    message: &str,
) -> Response {
    let page = PortalErrorPage {
        brand: super::brand::current(),
        signed_in,
        title,
        message,
    };
    (status, page).into_response()
}

/// A portal handler's error answer.
pub struct PortalError(pub WebError);

impl<E: Into<WebError>> From<E> for PortalError {
    fn from(error: E) -> Self {
        PortalError(error.into())
    }
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let (title, message) = match &self.0 {
            WebError::NotFound => ("Not found", "There is nothing at this address."),
            WebError::Invalid(_) | WebError::InvalidBody { .. } => {
                ("Invalid input", "Please go back and correct the form.")
            }
            WebError::Request { message, .. } | WebError::Conflict(message) => {
                ("Not possible", message.as_str())
            }
            WebError::BigCommerce(_) | WebError::Internal(_) => {
                if let WebError::Internal(message) = &self.0 {
                    tracing::error!(error = %message, "portal request failed");
                }
                (
                    "Something went wrong",
                    "This request could not be finished. Try again in a moment; if it keeps failing, tell the merchant.",
                )
            }
        };
        portal_error_page(true, status, title, message)
    }
}
