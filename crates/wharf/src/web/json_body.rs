//! `JsonBody`: the JSON API's request-body extractor. It reads what axum's `Json` reads, but a
//! body it cannot use is answered in the API's own error shape — naming the field serde stopped
//! at — instead of axum's plain-text rejection.

use axum::body::Bytes;
use axum::extract::{FromRequest, OptionalFromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::error::{ApiError, WebError};

pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if !has_json_content_type(request.headers()) {
            return Err(ApiError(WebError::Request {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                message: "send the body as JSON, with Content-Type: application/json".into(),
            }));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiError(WebError::unreadable_body(e.status())))?;
        parse(&bytes).map(JsonBody).map_err(ApiError)
    }
}

/// A body is optional where the request makes sense without one: no `Content-Type`, no body.
impl<S: Send + Sync, T: DeserializeOwned> OptionalFromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Option<Self>, ApiError> {
        if request.headers().get(header::CONTENT_TYPE).is_none() {
            return Ok(None);
        }
        <Self as FromRequest<S>>::from_request(request, state)
            .await
            .map(Some)
    }
}

fn has_json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Broken JSON is a 400 naming the line and column; well-formed JSON of the wrong shape is a
/// 422 naming the field (its path, e.g. `address.zip`).
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WebError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let (field, error) = match serde_path_to_error::deserialize(&mut deserializer) {
        // Trailing garbage after the value is as broken as a missing brace.
        Ok(value) => match deserializer.end() {
            Ok(()) => return Ok(value),
            Err(error) => (String::new(), error),
        },
        Err(error) => (error.path().to_string(), error.into_inner()),
    };
    Err(match error.classify() {
        serde_json::error::Category::Data => WebError::InvalidBody {
            field: match field.as_str() {
                "" | "." => "body".into(),
                _ => field,
            },
            message: error.to_string(),
        },
        _ => WebError::Request {
            status: StatusCode::BAD_REQUEST,
            message: format!("the body is not valid JSON: {error}"),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Vendor {
        name: String,
        address: Address,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Address {
        zip: String,
    }

    #[test]
    fn a_wrong_shape_names_the_field_by_its_path() {
        let error = parse::<Vendor>(br#"{"name": "Acme", "address": {"zip": 12}}"#).unwrap_err();
        let WebError::InvalidBody { field, message } = error else {
            panic!("{error:?}")
        };
        assert_eq!(field, "address.zip");
        assert!(message.contains("expected a string"), "{message}");
    }

    #[test]
    fn a_missing_field_is_named() {
        let error = parse::<Vendor>(br#"{"address": {"zip": "1"}}"#).unwrap_err();
        let WebError::InvalidBody { field, message } = error else {
            panic!("{error:?}")
        };
        assert_eq!(field, "body");
        assert!(message.contains("missing field `name`"), "{message}");
    }

    #[test]
    fn broken_json_is_a_bad_request_with_its_line_and_column() {
        for body in [
            &br#"{"name": "Acme""#[..],
            br#"{"name": "Acme", "address": {"zip": "1"}}}"#,
            b"not json",
        ] {
            let error = parse::<Vendor>(body).unwrap_err();
            let WebError::Request { status, message } = error else {
                panic!("{error:?}")
            };
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert!(message.contains("line 1"), "{message}");
        }
    }

    #[test]
    fn json_content_types_are_recognised() {
        let accepts = |value: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
            has_json_content_type(&headers)
        };
        assert!(accepts("application/json"));
        assert!(accepts("Application/JSON; charset=utf-8"));
        assert!(accepts("application/problem+json"));
        assert!(!accepts("text/plain"));
        assert!(!accepts("application/x-www-form-urlencoded"));
        assert!(!accepts("text/json+json"));
    }
}
