//! Error bodies in the two shapes BigCommerce uses: v2 answers with a JSON array of
//! `{status, message}`, v3 with a problem object `{status, title, type, errors?}`.
//! Every error the simulator sends is built here so the shapes cannot drift apart.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The `type` link BigCommerce puts in every v3 problem body.
pub const PROBLEM_TYPE: &str =
    "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes";

/// Which API family a request belongs to; decides the error body shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    V2,
    V3,
}

impl Flavor {
    /// Classifies a path relative to `/stores/{hash}`. Anything that is not v2 (v3,
    /// GraphQL, junk) gets the v3 problem shape, which is what BigCommerce's gateway uses.
    pub fn of_path(rest: &str) -> Self {
        if rest == "/v2" || rest.starts_with("/v2/") {
            Flavor::V2
        } else {
            Flavor::V3
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub flavor: Flavor,
    pub status: StatusCode,
    pub message: String,
    /// Per-field details: a v3 problem's `errors`, a v2 error's `details`.
    pub errors: Option<BTreeMap<String, String>>,
    /// Inventory endpoints document `application/problem+json`; the rest plain JSON.
    pub problem_json: bool,
}

impl ApiError {
    pub fn new(flavor: Flavor, status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            flavor,
            status,
            message: message.into(),
            errors: None,
            problem_json: false,
        }
    }

    pub fn not_found(flavor: Flavor) -> Self {
        Self::new(
            flavor,
            StatusCode::NOT_FOUND,
            "The requested resource was not found.",
        )
    }

    pub fn unauthorized(flavor: Flavor) -> Self {
        // Title from the 401 example in webhooks.v3.yml; BigCommerce uses it for v2 too.
        Self::new(
            flavor,
            StatusCode::UNAUTHORIZED,
            "Unauthorized - the v3 Auth client ID or token in the request are not a valid combination for this store.",
        )
    }

    pub fn forbidden(flavor: Flavor) -> Self {
        // Title from the 403 example in webhooks.v3.yml.
        Self::new(
            flavor,
            StatusCode::FORBIDDEN,
            "Unauthorized Access. You do not have permission to make this request.",
        )
    }

    pub fn too_many_requests(flavor: Flavor) -> Self {
        Self::new(
            flavor,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests. The store's API quota for this window is used up; wait X-Rate-Limit-Time-Reset-Ms before retrying.",
        )
    }

    pub fn bad_request(flavor: Flavor, message: impl Into<String>) -> Self {
        Self::new(flavor, StatusCode::BAD_REQUEST, message)
    }

    pub fn unprocessable(
        flavor: Flavor,
        title: impl Into<String>,
        errors: BTreeMap<String, String>,
    ) -> Self {
        let mut e = Self::new(flavor, StatusCode::UNPROCESSABLE_ENTITY, title);
        e.errors = Some(errors);
        e
    }

    pub fn problem_json(mut self) -> Self {
        self.problem_json = true;
        self
    }

    fn body(&self) -> serde_json::Value {
        let status = self.status.as_u16();
        match self.flavor {
            Flavor::V2 => {
                let mut error = json!({ "status": status, "message": self.message });
                if let Some(details) = &self.errors {
                    error["details"] = json!(details);
                }
                json!([error])
            }
            Flavor::V3 => {
                let mut body =
                    json!({ "status": status, "title": self.message, "type": PROBLEM_TYPE });
                if let Some(errors) = &self.errors {
                    body["errors"] = json!(errors);
                }
                body
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let content_type = if self.problem_json && self.flavor == Flavor::V3 {
            "application/problem+json"
        } else {
            "application/json"
        };
        let mut response = (self.status, self.body().to_string()).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_errors_are_arrays_and_v3_errors_are_problems() {
        let v2 = ApiError::not_found(Flavor::V2).body();
        assert_eq!(
            v2,
            json!([{"status": 404, "message": "The requested resource was not found."}])
        );

        let mut fields = BTreeMap::new();
        fields.insert("items".to_owned(), "required".to_owned());
        let v3 = ApiError::unprocessable(Flavor::V3, "bad", fields).body();
        assert_eq!(v3["status"], 422);
        assert_eq!(v3["type"], PROBLEM_TYPE);
        assert_eq!(v3["errors"]["items"], "required");
    }

    #[test]
    fn flavor_follows_the_api_version_segment() {
        assert_eq!(Flavor::of_path("/v2/orders"), Flavor::V2);
        assert_eq!(Flavor::of_path("/v3/catalog/products"), Flavor::V3);
        assert_eq!(Flavor::of_path("/v2"), Flavor::V2);
        assert_eq!(Flavor::of_path("/v2x"), Flavor::V3);
    }
}
