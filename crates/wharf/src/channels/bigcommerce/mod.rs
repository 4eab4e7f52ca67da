//! BigCommerce: the only place where BigCommerce wire types meet wharf's domain types.

pub mod catalog;
pub mod connect;
pub mod orders;
pub mod shipments;
pub mod webhooks;

use bigcommerce::{BigCommerce, ClientConfig};

/// The User-Agent BigCommerce asks integrations to send, naming wharf and its version.
pub fn user_agent() -> String {
    format!(
        "wharf/{} (+https://github.com/wharf-hub/wharf)",
        env!("CARGO_PKG_VERSION")
    )
}

/// A client for every store, pointed at `api_base` (BigCommerce itself unless an operator
/// configured a simulator), spending at most `quota_share` of each store's quota: the quota is
/// shared with the store's other apps.
pub fn client(api_base: &url::Url, quota_share: f64) -> Result<BigCommerce, bigcommerce::BcError> {
    let mut config = ClientConfig::new(user_agent());
    config.api_base = api_base.clone();
    config.quota_share = Some(quota_share);
    BigCommerce::new(config)
}
