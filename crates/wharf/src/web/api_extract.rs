//! The JSON APIs' path and query extractors, and their error answers: what axum's `Path` and
//! `Query` read, but a value they cannot read (`/vendors/abc`, `?page=x`) answers 422 in the
//! API's own shape naming the parameter, never axum's plain-text rejection. `json_errors` gives
//! every other error of the API prefixes (unknown route, wrong method) the same shape.

use axum::extract::path::ErrorKind;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::error::{ApiError, WebError};

pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let (field, value) = match e.into_kind() {
                    ErrorKind::ParseErrorAtKey { key, value, .. } => (key, value),
                    ErrorKind::ParseErrorAtIndex { value, .. }
                    | ErrorKind::ParseError { value, .. } => ("id".to_owned(), value),
                    _ => ("id".to_owned(), String::new()),
                };
                Err(invalid(
                    field.clone(),
                    format!("{value:?} is not a valid {field}; ids are whole numbers"),
                ))
            }
            Err(_) => Err(ApiError(WebError::NotFound)),
        }
    }
}

pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                // serde_urlencoded names the parameter first: "page: invalid digit found in string".
                let text = e.body_text();
                let detail = text
                    .rsplit_once("query string: ")
                    .map_or(text.as_str(), |(_, d)| d);
                let field = match detail.split_once(": ") {
                    Some((field, _)) if !field.contains(' ') => field.to_owned(),
                    _ => "query".to_owned(),
                };
                Err(invalid(
                    field.clone(),
                    format!(
                        "{field} has a value wharf cannot read; see the API document for its type"
                    ),
                ))
            }
            Err(_) => Err(invalid(
                "query".into(),
                "the query string cannot be read".into(),
            )),
        }
    }
}

/// `page` (from 1) as the offset of its first row; a page below 1, or too far to count, is 422
/// rather than silently page 1.
pub fn page_offset(page: Option<i64>, per_page: i64) -> Result<i64, ApiError> {
    let page = page.unwrap_or(1);
    (page >= 1)
        .then(|| (page - 1).checked_mul(per_page))
        .flatten()
        .ok_or_else(|| {
            invalid(
                "page".into(),
                format!("page must be a whole number from 1, not {page}"),
            )
        })
}

fn invalid(field: String, message: String) -> ApiError {
    ApiError(WebError::InvalidBody { field, message })
}

/// Every error answer under the API prefixes in the API's shape: what axum answers by itself
/// (an unknown route, a wrong method) has no JSON body, and gets one here.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/") || path.starts_with("/vendor-api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let message = match status {
        StatusCode::NOT_FOUND => "not found: see the API document for the operations".to_owned(),
        StatusCode::METHOD_NOT_ALLOWED => "this operation does not take that method".to_owned(),
        StatusCode::PAYLOAD_TOO_LARGE => "the body is too large: send at most 2 MB".to_owned(),
        other => other.canonical_reason().unwrap_or("refused").to_lowercase(),
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let mut answer = ApiError(WebError::Request { status, message }).into_response();
    for (name, value) in parts.headers.iter() {
        answer.headers_mut().entry(name).or_insert(value.clone());
    }
    answer
}
