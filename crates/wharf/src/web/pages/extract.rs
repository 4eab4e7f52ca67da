//! The pages' path and query extractors: what axum's `Path` and `Query` read, but a value they
//! cannot read answers with a page in wharf's layout — `/orders/abc` is "Not found", a query
//! value of the wrong type "This address cannot be read" — never axum's plain-text rejection
//! ("Cannot parse `abc` to a `i64`").

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::web::error::{PageError, WebError};

pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        // An id that is not a number names no record: the same answer as an unknown id.
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|_| PageError(WebError::NotFound))
    }
}

pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|_| {
                PageError(WebError::Request {
                    status: StatusCode::BAD_REQUEST,
                    message: "This address holds a value wharf cannot read. Use the page's own \
                              links and filters instead."
                        .to_owned(),
                })
            })
    }
}
