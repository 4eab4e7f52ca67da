//! `CsvBody`: the request-body extractor of every CSV upload of the JSON APIs. It takes only a
//! body sent as `text/csv`: an HTML form can post `text/plain` to any address without the
//! browser asking first, so a file of another media type is refused (415) before it is read.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};

use super::error::{ApiError, WebError};

pub struct CsvBody(pub String);

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if !is_csv(request.headers()) {
            return Err(ApiError(WebError::Request {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                message: "send the file as CSV, with Content-Type: text/csv".into(),
            }));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiError(WebError::unreadable_body(e.status())))?;
        String::from_utf8(bytes.to_vec()).map(CsvBody).map_err(|_| {
            ApiError(WebError::Request {
                status: StatusCode::BAD_REQUEST,
                message: "the file is not UTF-8 text; save it as UTF-8 CSV".into(),
            })
        })
    }
}

fn is_csv(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_csv_is_taken() {
        let accepts = |value: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
            is_csv(&headers)
        };
        assert!(accepts("text/csv"));
        assert!(accepts("Text/CSV; charset=utf-8"));
        assert!(!accepts("text/plain"));
        assert!(!accepts("application/x-www-form-urlencoded"));
        assert!(!accepts("multipart/form-data; boundary=x"));
        assert!(!is_csv(&axum::http::HeaderMap::new()));
    }
}
