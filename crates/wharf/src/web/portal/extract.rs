//! The portal's path extractor: an id that cannot be read names nothing, and says so in the
//! portal's layout (never axum's plain-text rejection, never the operators' pages).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::PortalError;
use crate::web::error::WebError;

pub struct PortalPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PortalPath<T> {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PortalError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| PortalPath(value))
            .map_err(|_| PortalError(WebError::NotFound))
    }
}
