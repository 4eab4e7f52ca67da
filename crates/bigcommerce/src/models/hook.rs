//! `/v3/hooks`: webhook subscriptions. A hook is visible only to the API account that created it.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::models::de;

/// A webhook subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hook {
    pub id: u64,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub client_id: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub store_hash: String,
    /// e.g. `store/order/statusUpdated`.
    pub scope: String,
    /// The HTTPS URL (port 443) events are posted to.
    pub destination: String,
    /// BigCommerce deactivates a hook after 48 h of failed deliveries or 90 days of inactivity.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub is_active: bool,
    /// Sent with every delivery, e.g. credentials the receiver checks.
    #[serde(default)]
    pub headers: Option<HashMap<String, String>>,
    /// Unix seconds on the wire.
    #[serde(default, deserialize_with = "de::opt_unix_timestamp")]
    pub created_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "de::opt_unix_timestamp")]
    pub updated_at: Option<Timestamp>,
}

/// Body of `POST /v3/hooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewHook {
    pub scope: String,
    /// Must be HTTPS on port 443 and answer 200, or BigCommerce refuses the hook.
    pub destination: String,
    pub is_active: bool,
    /// Left out of the request when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<HashMap<String, String>>,
}

/// Body of `PUT /v3/hooks/{id}`; fields left `None` are not sent and keep their value.
/// `is_active: Some(true)` re-activates a hook BigCommerce deactivated.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HookUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<HashMap<String, String>>,
}
