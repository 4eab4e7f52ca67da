//! One place that turns use-case errors into HTTP answers: JSON for the API, a page for people.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::stores::StoreError;
use crate::domain::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// A JSON body of the wrong shape; `field` is the path serde stopped at (`address.zip`),
    /// `body` for the body as a whole.
    #[error("invalid input: {field}: {message}")]
    InvalidBody { field: String, message: String },
    /// A request refused before its content was looked at (broken JSON, wrong media type, too
    /// large).
    #[error("{message}")]
    Request { status: StatusCode, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Invalid(fields) => WebError::Invalid(fields),
            StoreError::NotFound(_) => WebError::NotFound,
            StoreError::Conflict(message) => WebError::Conflict(message),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Invalid(_) | WebError::InvalidBody { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Request { status, .. } => *status,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn log(&self) {
        if let WebError::Internal(message) = self {
            tracing::error!(error = %message, "request failed");
        }
    }
}

/// The JSON API's error answer: `{"error": "...", "fields": [{"field", "message"}]}`.
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let body = match &self.0 {
            WebError::Invalid(fields) => json!({ "error": "invalid input", "fields": fields }),
            WebError::InvalidBody { field, message } => json!({
                "error": "invalid input",
                "fields": [{ "field": field, "message": message }],
            }),
            WebError::Request { message, .. } => json!({ "error": message }),
            WebError::NotFound => json!({ "error": "not found" }),
            WebError::Conflict(message) => json!({ "error": message }),
            WebError::Internal(_) => json!({ "error": "internal error; see wharf's log" }),
        };
        (self.0.status(), Json(body)).into_response()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    signed_in: bool,
    title: &'a str,
    message: &'a str,
}

/// The UI's error answer: a page.
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(error: E) -> Self {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log();
        let (title, message) = match &self.0 {
            WebError::NotFound => ("Not found", "There is nothing at this address."),
            WebError::Invalid(_) | WebError::InvalidBody { .. } => {
                ("Invalid input", "Please go back and correct the form.")
            }
            WebError::Request { message, .. } => ("Not possible", message.as_str()),
            WebError::Conflict(message) => ("Not possible", message.as_str()),
            WebError::Internal(_) => (
                "Something went wrong",
                "wharf could not finish this request; its log says why.",
            ),
        };
        let page = ErrorPage {
            signed_in: true,
            title,
            message,
        };
        (self.0.status(), page).into_response()
    }
}
