//! Ids in portal addresses (`/vendor/purchase-orders/{id}`): read as text, so that anything
//! but a number answers like an id never made — a portal "Not found" page, not a framework
//! message.

use super::error::PortalError;
use crate::web::error::WebError;

/// The id in a path segment; not a number is not found.
pub fn parse_id(text: &str) -> Result<i64, PortalError> {
    text.trim()
        .parse()
        .map_err(|_| PortalError(WebError::NotFound))
}
