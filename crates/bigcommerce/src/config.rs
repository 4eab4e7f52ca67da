//! How a [`crate::BigCommerce`] client behaves: where it sends requests, how it names itself, and
//! how patiently it retries and paces itself.

use std::sync::Arc;
use std::time::Duration;

use crate::budget::SharedBudget;

/// The production API host. Operators may point [`ClientConfig::api_base`] at a simulator instead.
pub const DEFAULT_API_BASE: &str = "https://api.bigcommerce.com";

/// Settings shared by every store this process talks to.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Scheme and host (optionally a path prefix) in front of `/stores/{hash}/...`.
    pub api_base: url::Url,
    /// Sent as `User-Agent`; BigCommerce asks every integration to identify itself.
    pub user_agent: String,
    /// Upper bound for one HTTP exchange, body included.
    pub request_timeout: Duration,
    /// Extra attempts for GET/PUT/DELETE after a 5xx, timeout or transport failure. POST never
    /// gets any: BigCommerce has no idempotency keys, so a repeat could create a duplicate.
    pub max_retries: usize,
    /// Once a store reports this many requests left (or fewer) in its window, the gate holds new
    /// requests until the window resets, leaving the rest to other apps sharing the quota.
    pub low_water_mark: u32,
    /// Optional local ceiling (requests per window) per store, for operators who want wharf to use
    /// only a share of the store-wide quota. `None` paces on the response headers alone.
    pub max_requests_per_window: Option<(u32, Duration)>,
    /// The share of the store's quota (as its headers report it) this client may spend per
    /// window, from 0 to 1: the quota is shared by every app on the store. `None`: no cap beyond
    /// the low-water mark.
    pub quota_share: Option<f64>,
    /// Where the processes sharing a store's quota count their requests, so that `quota_share`
    /// holds for all of them together. `None`: each process holds itself to the share alone.
    pub shared_budget: Option<Arc<dyn SharedBudget>>,
    /// First delay of the exponential backoff (with jitter) between retries, and between
    /// attempts after a 429 that carried no rate-limit headers. Doubles each time.
    pub retry_base_delay: Duration,
}

impl ClientConfig {
    /// Defaults for production: 30 s timeout, 3 retries, low-water mark 10, no local ceiling.
    pub fn new(user_agent: impl Into<String>) -> Self {
        Self {
            api_base: url::Url::parse(DEFAULT_API_BASE).expect("default API base is a valid URL"),
            user_agent: user_agent.into(),
            request_timeout: Duration::from_secs(30),
            max_retries: 3,
            low_water_mark: 10,
            max_requests_per_window: None,
            quota_share: None,
            shared_budget: None,
            retry_base_delay: Duration::from_millis(500),
        }
    }
}
