//! `GET /v2/store`.

use serde::{Deserialize, Serialize};

/// Store profile. Only what a connector needs is typed; the rest of the payload is ignored.
/// The spec marks no field required, so everything but the hash is optional: a connection check
/// should report a missing domain, not fail to decode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreInformation {
    /// The store hash.
    pub id: String,
    /// Primary domain, e.g. `my-awesome.store`.
    #[serde(default)]
    pub domain: Option<String>,
    /// Current HTTPS URL, e.g. `https://my-awesome.store`.
    #[serde(default)]
    pub secure_url: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// e.g. `live`, `prelaunch`.
    #[serde(default)]
    pub status: Option<String>,
    /// Numeric store id; differs from the hash.
    #[serde(default)]
    pub store_id: Option<u64>,
    #[serde(default)]
    pub account_uuid: Option<String>,
    #[serde(default)]
    pub control_panel_base_url: Option<String>,
    #[serde(default)]
    pub plan_name: Option<String>,
    #[serde(default)]
    pub plan_level: Option<String>,
    #[serde(default)]
    pub plan_is_trial: Option<bool>,
    #[serde(default)]
    pub admin_email: Option<String>,
    #[serde(default)]
    pub order_email: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    /// Default currency code, e.g. `USD`.
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub weight_units: Option<String>,
    #[serde(default)]
    pub dimension_units: Option<String>,
    #[serde(default)]
    pub default_channel_id: Option<u64>,
    #[serde(default)]
    pub timezone: Option<StoreTimezone>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreTimezone {
    /// e.g. `America/Chicago`.
    #[serde(default)]
    pub name: Option<String>,
    /// Seconds from UTC in standard time.
    #[serde(default)]
    pub raw_offset: Option<i32>,
    /// Seconds from UTC in daylight saving time.
    #[serde(default)]
    pub dst_offset: Option<i32>,
    #[serde(default)]
    pub dst_correction: Option<bool>,
}
