//! One simulated store and everything it holds. Each store sits behind its own mutex;
//! handlers lock it briefly and never across an `.await`.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::auth::Grant;
use crate::catalog::Catalog;
use crate::dates;
use crate::inventory::Inventory;
use crate::locations::{self, Location};
use crate::order_statuses::{self, OrderStatus};
use crate::orders::Orders;
use crate::rate_limit::RateWindow;
use crate::webhooks::Hooks;

/// The identity of a store, as `/v2/store` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreSpec {
    /// The store hash: the `{store_hash}` path segment and `/v2/store` `id`.
    pub hash: String,
    pub name: String,
    /// Primary domain, without scheme.
    pub domain: String,
    pub secure_url: String,
    /// The numeric store id (webhook payloads carry it as `store_id`).
    pub store_id: u64,
}

impl StoreSpec {
    /// A realistic spec derived from the hash alone: the `store-{hash}.mybigcommerce.com`
    /// domain every new store gets, and a stable 10-digit numeric id.
    pub fn sample(hash: &str) -> Self {
        let domain = format!("store-{hash}.mybigcommerce.com");
        Self {
            hash: hash.to_owned(),
            name: format!("Sample Store {hash}"),
            secure_url: format!("https://{domain}"),
            domain,
            store_id: numeric_store_id(hash),
        }
    }
}

/// FNV-1a folded into 1_000_000_000..2_000_000_000: real store ids look like 1001234567,
/// and the same hash must give the same id across runs.
fn numeric_store_id(hash: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in hash.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    1_000_000_000 + h % 1_000_000_000
}

pub(crate) struct Store {
    pub spec: StoreSpec,
    pub account_uuid: String,
    /// access_token → granted scopes.
    pub tokens: HashMap<String, Grant>,
    pub rate: RateWindow,
    /// The 15 order statuses; per store because merchants rename `custom_label`.
    pub order_statuses: Vec<OrderStatus>,
    pub orders: Orders,
    pub catalog: Catalog,
    pub locations: BTreeMap<u64, Location>,
    pub inventory: Inventory,
    pub hooks: Hooks,
}

impl Store {
    pub fn new(spec: StoreSpec) -> Self {
        let created_at = dates::now();
        let default_location = locations::default_location(created_at);
        Self {
            spec,
            account_uuid: uuid::Uuid::new_v4().to_string(),
            tokens: HashMap::new(),
            rate: RateWindow::new(Instant::now()),
            order_statuses: order_statuses::defaults(),
            orders: Orders::default(),
            catalog: Catalog::default(),
            locations: BTreeMap::from([(default_location.id, default_location)]),
            inventory: Inventory::default(),
            hooks: Hooks::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_spec_is_realistic_and_stable() {
        let spec = StoreSpec::sample("abc123");
        assert_eq!(spec.domain, "store-abc123.mybigcommerce.com");
        assert_eq!(spec.secure_url, "https://store-abc123.mybigcommerce.com");
        assert_eq!(spec.store_id, StoreSpec::sample("abc123").store_id);
        assert_ne!(spec.store_id, StoreSpec::sample("abc124").store_id);
        assert!((1_000_000_000..2_000_000_000).contains(&spec.store_id));
    }
}
