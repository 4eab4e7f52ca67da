//! The one error type of this crate, and how BigCommerce error responses become it.
//!
//! Variants are named for what the caller can do: fix credentials, grant a scope, fix the
//! payload, wait, or retry later. v2 answers errors with a JSON array, v3 with a problem object;
//! proxies in front of either may answer with HTML or nothing, so the body is read leniently.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum BcError {
    #[error(
        "BigCommerce rejected the access token (401) on {request}: {message}. Check the store hash and access token; a deleted API account needs a new token."
    )]
    Unauthorized {
        /// The method and path asked, e.g. `GET v2/orders/100`.
        request: String,
        message: String,
    },

    #[error(
        "BigCommerce refused access (403) on {request}: {message}. The API account probably lacks the OAuth scope for this resource; scopes cannot be changed, so create an account with the scope."
    )]
    Forbidden { request: String, message: String },

    #[error("BigCommerce could not find the resource (404) on {request}: {message}")]
    NotFound { request: String, message: String },

    #[error(
        "BigCommerce refused {request} ({status}): {message}{}",
        describe_fields(fields)
    )]
    Validation {
        request: String,
        status: u16,
        message: String,
        /// Every field-level problem the body named, field (dotted path for nested ones) to
        /// problem: v3 `errors`, v2 `details`, any `validation` list.
        fields: BTreeMap<String, String>,
    },

    #[error(
        "BigCommerce kept answering 429 Too Many Requests; the store's API quota is exhausted (shared with every app on the store). Try again in {retry_after:?}."
    )]
    RateLimited { retry_after: Duration },

    #[error(
        "BigCommerce server error ({status}): {message}. This is usually temporary; retry later."
    )]
    Server { status: u16, message: String },

    #[error(
        "the request to BigCommerce timed out; a write may or may not have been applied, so look the object up before sending it again"
    )]
    Timeout,

    #[error("could not reach BigCommerce: {message}. Check the network and the API base URL.")]
    Transport { message: String },

    #[error("BigCommerce answered with data this client does not understand: {message}")]
    Decode { message: String },

    #[error("unexpected answer from BigCommerce ({status}) on {request}: {message}")]
    Unexpected {
        request: String,
        status: u16,
        message: String,
    },

    #[error(
        "BigCommerce's answers to {request} could not be read to the end: {problem}. Stopped reading rather than loop; the rest of the list was not read. Try again later; if it persists, the store's API is misbehaving."
    )]
    BrokenPaging { request: String, problem: String },

    #[error(
        "BigCommerce answered {request} about {answered} instead of {asked}; the answer was not used."
    )]
    WrongObject {
        request: String,
        /// What was asked for, e.g. `order 100`.
        asked: String,
        /// What the answer described, e.g. `order 218`.
        answered: String,
    },
}

impl BcError {
    /// Whether trying the same request later may succeed without changing anything.
    pub fn is_transient(&self) -> bool {
        match self {
            // 501 (not implemented) and 507 (plan limit reached) will not fix themselves.
            BcError::Server { status, .. } => !matches!(status, 501 | 507),
            BcError::RateLimited { .. } | BcError::Timeout | BcError::Transport { .. } => true,
            BcError::Unauthorized { .. }
            | BcError::Forbidden { .. }
            | BcError::NotFound { .. }
            | BcError::Validation { .. }
            | BcError::Decode { .. }
            | BcError::Unexpected { .. }
            | BcError::BrokenPaging { .. }
            | BcError::WrongObject { .. } => false,
        }
    }

    /// The HTTP status behind the error, if BigCommerce answered at all.
    pub fn status(&self) -> Option<u16> {
        match self {
            BcError::Unauthorized { .. } => Some(401),
            BcError::Forbidden { .. } => Some(403),
            BcError::NotFound { .. } => Some(404),
            BcError::RateLimited { .. } => Some(429),
            BcError::Validation { status, .. }
            | BcError::Server { status, .. }
            | BcError::Unexpected { status, .. } => Some(*status),
            BcError::Timeout
            | BcError::Transport { .. }
            | BcError::Decode { .. }
            | BcError::BrokenPaging { .. }
            | BcError::WrongObject { .. } => None,
        }
    }

    /// Maps a non-success response (other than 429, which the pipeline handles) to an error;
    /// `request` is the method and path asked, e.g. `POST v2/orders/100/shipments`.
    pub(crate) fn from_response(
        request: String,
        status: reqwest::StatusCode,
        body: &[u8],
    ) -> BcError {
        let ErrorBody { message, fields } = ErrorBody::parse(status, body);
        let code = status.as_u16();
        match code {
            401 => BcError::Unauthorized { request, message },
            403 => BcError::Forbidden { request, message },
            404 => BcError::NotFound { request, message },
            400 | 409 | 413 | 422 => BcError::Validation {
                request,
                status: code,
                message,
                fields,
            },
            // Reached only when a 429 is not retried further; the pipeline normally builds
            // `RateLimited` itself with the wait it computed.
            429 => BcError::RateLimited {
                retry_after: Duration::ZERO,
            },
            500..=599 => BcError::Server {
                status: code,
                message,
            },
            _ => BcError::Unexpected {
                request,
                status: code,
                message,
            },
        }
    }

    pub(crate) fn from_reqwest(err: reqwest::Error) -> BcError {
        if err.is_timeout() {
            BcError::Timeout
        } else if err.is_decode() {
            BcError::Decode {
                message: error_chain(&err),
            }
        } else {
            BcError::Transport {
                message: error_chain(&err),
            }
        }
    }
}

/// reqwest's top-level message ("error sending request") hides the useful cause.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let _ = write!(out, ": {cause}");
        source = cause.source();
    }
    out
}

fn describe_fields(fields: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for (i, (field, problem)) in fields.iter().enumerate() {
        out.push_str(if i == 0 { " (" } else { "; " });
        let _ = write!(out, "{field}: {problem}");
    }
    if !fields.is_empty() {
        out.push(')');
    }
    out
}

/// What we could learn from an error body, whatever its shape.
struct ErrorBody {
    message: String,
    fields: BTreeMap<String, String>,
}

impl ErrorBody {
    fn parse(status: reqwest::StatusCode, body: &[u8]) -> ErrorBody {
        let mut parsed = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Array(items)) => Self::from_v2_array(&items),
            Ok(Value::Object(map)) => Self::from_object(&map),
            _ => Self::from_text(body),
        };
        if parsed.message.is_empty() {
            parsed.message = status
                .canonical_reason()
                .unwrap_or("no error message")
                .to_owned();
        }
        parsed
    }

    /// v2: `[{"status":400,"message":"…","details":{…}}, …]`: the messages joined, every
    /// detail a field.
    fn from_v2_array(items: &[Value]) -> ErrorBody {
        let mut fields = BTreeMap::new();
        let messages: Vec<String> = items
            .iter()
            .filter_map(|item| match item {
                Value::Object(map) => {
                    for key in DETAIL_KEYS {
                        if let Some(details) = map.get(*key) {
                            collect_fields("", details, &mut fields);
                        }
                    }
                    Some(map.get("message").map(text).unwrap_or_default())
                }
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .filter(|m| !m.is_empty())
            .collect();
        ErrorBody {
            message: messages.join("; "),
            fields,
        }
    }

    /// v3 / problem+json: `{status, title, type, instance?, detail?, errors?}`; tolerate a lone
    /// v2-style `{message}` too.
    fn from_object(map: &serde_json::Map<String, Value>) -> ErrorBody {
        let mut message = ["title", "message", "error"]
            .iter()
            .find_map(|key| map.get(*key).map(text))
            .unwrap_or_default();
        if let Some(detail) = map.get("detail").map(text).filter(|d| !d.is_empty()) {
            if message.is_empty() {
                message = detail;
            } else {
                let _ = write!(message, ": {detail}");
            }
        }
        let mut fields = BTreeMap::new();
        match map.get("errors") {
            // Some endpoints list errors instead of keying them by field.
            Some(Value::Array(errors)) if errors.iter().all(|e| !e.is_object()) => {
                let listed: Vec<String> = errors.iter().map(text).collect();
                if !listed.is_empty() {
                    if message.is_empty() {
                        message = listed.join("; ");
                    } else {
                        let _ = write!(message, ": {}", listed.join("; "));
                    }
                }
            }
            Some(errors) => collect_fields("", errors, &mut fields),
            None => {}
        }
        for key in DETAIL_KEYS {
            if let Some(details) = map.get(*key) {
                collect_fields("", details, &mut fields);
            }
        }
        ErrorBody { message, fields }
    }

    /// HTML error pages from proxies are noise; short plain text is worth showing.
    fn from_text(body: &[u8]) -> ErrorBody {
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        let message = if text.is_empty() || text.starts_with('<') || text.len() > 200 {
            String::new()
        } else {
            text.to_owned()
        };
        ErrorBody {
            message,
            fields: BTreeMap::new(),
        }
    }
}

/// Keys beside `errors` under which an error body may carry field-level problems.
const DETAIL_KEYS: &[&str] = &["details", "validation"];

/// Every leaf of `value` as a field: nested objects and lists of objects by dotted path
/// (`items.0.sku`), lists of words joined, so no JSON reaches a person.
fn collect_fields(path: &str, value: &Value, fields: &mut BTreeMap<String, String>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        // A validation entry naming its own field: `{"field": "sku", "message": "…"}`.
        Value::Object(map) if named_problem(map).is_some() => {
            let (field, problem) = named_problem(map).unwrap_or_default();
            collect_fields(&join(&field), &Value::String(problem), fields);
        }
        Value::Object(map) => {
            for (key, inner) in map {
                collect_fields(&join(key), inner, fields);
            }
        }
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            for (index, inner) in items.iter().enumerate() {
                match inner {
                    // Names its own field: the list position adds nothing.
                    Value::Object(map) if named_problem(map).is_some() => {
                        collect_fields(path, inner, fields)
                    }
                    _ => collect_fields(&join(&index.to_string()), inner, fields),
                }
            }
        }
        Value::Null => {}
        leaf => {
            let problem = text(leaf);
            if !problem.is_empty() {
                let field = if path.is_empty() { "details" } else { path };
                fields
                    .entry(field.to_owned())
                    .and_modify(|known: &mut String| {
                        known.push_str("; ");
                        known.push_str(&problem);
                    })
                    .or_insert(problem);
            }
        }
    }
}

fn named_problem(map: &serde_json::Map<String, Value>) -> Option<(String, String)> {
    let field = ["field", "property", "name"]
        .iter()
        .find_map(|key| map.get(*key)?.as_str())?;
    let problem = ["message", "error", "reason"]
        .iter()
        .find_map(|key| map.get(*key)?.as_str())?;
    Some((field.to_owned(), problem.to_owned()))
}

/// Strings as they are, lists joined, anything else as compact JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    #[test]
    fn v2_array_messages_are_joined_with_details() {
        let body = br#"[{"status":400,"message":"The field 'quantity' is invalid.","details":{"invalid_reason":"too big"}},{"status":400,"message":"Second."}]"#;
        let err = BcError::from_response(
            "POST v2/orders/1/shipments".into(),
            StatusCode::BAD_REQUEST,
            body,
        );
        assert_eq!(
            err.to_string(),
            "BigCommerce refused POST v2/orders/1/shipments (400): The field 'quantity' is invalid.; Second. (invalid_reason: too big)"
        );
        let BcError::Validation {
            status,
            message,
            fields,
            ..
        } = err
        else {
            panic!("expected Validation, got {err:?}");
        };
        assert_eq!(status, 400);
        assert_eq!(message, "The field 'quantity' is invalid.; Second.");
        assert_eq!(fields["invalid_reason"], "too big");
    }

    #[test]
    fn html_body_falls_back_to_the_reason_phrase() {
        let err = BcError::from_response(
            "GET v2/store".into(),
            StatusCode::BAD_GATEWAY,
            b"<html>oops</html>",
        );
        assert!(
            matches!(&err, BcError::Server { status: 502, message } if message == "Bad Gateway"),
            "{err:?}"
        );
        assert!(err.is_transient());
    }

    #[test]
    fn conflict_is_validation_and_not_transient() {
        let body =
            br#"{"status":409,"title":"Duplicate SKU","type":"x","detail":"SKU ABC exists"}"#;
        let err = BcError::from_response(
            "POST v3/catalog/products".into(),
            StatusCode::CONFLICT,
            body,
        );
        assert!(
            matches!(&err, BcError::Validation { status: 409, message, .. } if message == "Duplicate SKU: SKU ABC exists"),
            "{err:?}"
        );
        assert!(!err.is_transient());
        assert_eq!(err.status(), Some(409));
    }

    #[test]
    fn display_lists_fields() {
        let err = BcError::Validation {
            request: "POST v3/catalog/products".into(),
            status: 422,
            message: "Missing Required Fields".into(),
            fields: BTreeMap::from([
                ("name".into(), "Please provide a name.".into()),
                ("price".into(), "Please provide a price.".into()),
            ]),
        };
        assert_eq!(
            err.to_string(),
            "BigCommerce refused POST v3/catalog/products (422): Missing Required Fields (name: Please provide a name.; price: Please provide a price.)"
        );
    }

    #[test]
    fn nested_errors_and_validation_lists_become_dotted_fields() {
        let body = br#"{"status":422,"title":"Invalid items","errors":{"items.0":{"sku":["is required","too long"]},"items":[{"quantity":"must be positive"}]},"validation":[{"field":"location_id","message":"unknown"}]}"#;
        let err = BcError::from_response(
            "PUT v3/inventory/adjustments/absolute".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            body,
        );
        let BcError::Validation { fields, .. } = &err else {
            panic!("expected Validation, got {err:?}");
        };
        assert_eq!(fields["items.0.sku"], "is required; too long");
        assert_eq!(fields["items.0.quantity"], "must be positive");
        assert_eq!(fields["location_id"], "unknown");
        assert!(!err.to_string().contains('{'), "{err}");
    }
}
