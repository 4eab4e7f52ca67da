//! One place that turns use-case errors into HTTP answers: JSON for the API, a page for people.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::app::error::AppError;
use crate::app::error::SyncError;
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
    /// BigCommerce refused or failed what this request needed; the message says what it
    /// answered (request, status, every field it named).
    #[error("{0}")]
    BigCommerce(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<SyncError> for WebError {
    fn from(error: SyncError) -> Self {
        match error {
            // The store's credentials, not BigCommerce, are at fault: the operator's to fix.
            error @ SyncError::Remote(_) if error.credentials_refused() => {
                WebError::Conflict(error.to_string())
            }
            SyncError::Remote(remote) => WebError::BigCommerce(remote.to_string()),
            SyncError::Store(reason) => WebError::Conflict(reason),
            SyncError::Db(db) => WebError::Internal(db.to_string()),
        }
    }
}

impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Invalid(fields) => WebError::Invalid(fields),
            AppError::NotFound { .. } | AppError::NoneNamed { .. } => WebError::NotFound,
            AppError::Conflict(message) => WebError::Conflict(message),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl WebError {
    /// A body that could not be read: too large (413), or cut off on the way.
    pub fn unreadable_body(status: StatusCode) -> Self {
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "the body is too large: send at most 2 MB".to_owned()
        } else {
            "the body could not be read; send it again".to_owned()
        };
        WebError::Request { status, message }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Invalid(_) | WebError::InvalidBody { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Request { status, .. } => *status,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::BigCommerce(_) => StatusCode::BAD_GATEWAY,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn log(&self) {
        if let WebError::Internal(message) = self {
            tracing::error!(error = %message, "request failed");
        }
    }
}

/// The JSON API's error answer, with an [`ErrorBody`].
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

/// The body of every JSON API error: `{"error": "...", "fields": [{"field", "message"}]}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub error: String,
    /// Each input at fault, when the request was invalid (422).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    /// The input's name (a JSON key, or its path such as `lines[0].quantity`), or `body`.
    pub field: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(error: impl Into<String>) -> Self {
        ErrorBody {
            error: error.into(),
            fields: Vec::new(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let body = match self.0 {
            WebError::Invalid(ref errors) => ErrorBody {
                error: "invalid input".into(),
                fields: errors
                    .0
                    .iter()
                    .map(|e| FieldMessage {
                        field: e.field.into(),
                        message: e.message.clone(),
                    })
                    .collect(),
            },
            WebError::InvalidBody {
                ref field,
                ref message,
            } => ErrorBody {
                error: "invalid input".into(),
                fields: vec![FieldMessage {
                    field: field.clone(),
                    message: message.clone(),
                }],
            },
            WebError::Request { ref message, .. } => ErrorBody::new(message.as_str()),
            WebError::NotFound => ErrorBody::new("not found"),
            WebError::Conflict(ref message) | WebError::BigCommerce(ref message) => {
                ErrorBody::new(message.as_str())
            }
            WebError::Internal(_) => ErrorBody::new("internal error; see wharf's log"),
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

/// A page in wharf's layout saying what went wrong; `signed_in` decides whether it carries the
/// navigation.
pub fn error_page(signed_in: bool, status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        signed_in,
        title,
        message,
    };
    (status, page).into_response()
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
            WebError::BigCommerce(message) => ("BigCommerce said no", message.as_str()),
            WebError::Internal(_) => (
                "Something went wrong",
                "wharf could not finish this request; its log says why.",
            ),
        };
        error_page(true, self.0.status(), title, message)
    }
}
