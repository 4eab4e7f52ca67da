//! Tokens and OAuth scopes. A store-level API account is a static `X-Auth-Token` with a
//! fixed set of scopes; each API resource family needs one scope, and reads are also
//! allowed by its `_read_only` variant (facts §1).

use std::collections::BTreeSet;

use axum::http::Method;

/// Every scope the simulator knows: the modify scope of each resource family followed by
/// its read-only variant.
pub const KNOWN_SCOPES: &[&str] = &[
    "store_v2_orders",
    "store_v2_orders_read_only",
    "store_v2_products",
    "store_v2_products_read_only",
    "store_inventory",
    "store_inventory_read_only",
    "store_locations",
    "store_locations_read_only",
    "store_v2_information",
    "store_v2_information_read_only",
    "store_v2_transactions",
    "store_v2_transactions_read_only",
];

const READ_ONLY_SUFFIX: &str = "_read_only";

/// The modify scopes only: what a full-access API account has.
pub fn modify_scopes() -> impl Iterator<Item = &'static str> {
    KNOWN_SCOPES
        .iter()
        .copied()
        .filter(|s| !s.ends_with(READ_ONLY_SUFFIX))
}

/// The scope that guards a path (relative to `/stores/{hash}`), by resource family.
/// Paths outside every family (unknown routes, webhooks) need no scope: a valid token
/// is enough, and an unknown route then answers 404.
pub fn required_scope(rest: &str) -> Option<&'static str> {
    // Longest prefix first: /v3/inventory/locations is Locations, the rest of
    // /v3/inventory is Inventory.
    const FAMILIES: &[(&str, &str)] = &[
        ("/v2/store", "store_v2_information"),
        ("/v2/time", "store_v2_information"),
        ("/v3/settings", "store_v2_information"),
        ("/v2/orders", "store_v2_orders"),
        ("/v2/order_statuses", "store_v2_orders"),
        ("/v3/orders/transactions", "store_v2_transactions"),
        ("/v3/catalog", "store_v2_products"),
        ("/v3/inventory/locations", "store_locations"),
        ("/v3/inventory", "store_inventory"),
    ];
    FAMILIES
        .iter()
        .find(|(prefix, _)| {
            rest == *prefix
                || rest
                    .strip_prefix(prefix)
                    .is_some_and(|tail| tail.starts_with('/'))
        })
        .map(|(_, scope)| *scope)
}

/// A token's granted scopes.
#[derive(Debug, Clone, Default)]
pub struct Grant {
    scopes: BTreeSet<String>,
}

impl Grant {
    /// Fails with the first name that is not a known scope, so a typo in a test does not
    /// turn into a confusing 403 later.
    pub fn parse<S: AsRef<str>>(scopes: &[S]) -> Result<Self, String> {
        let mut set = BTreeSet::new();
        for scope in scopes {
            let scope = scope.as_ref().trim();
            if !KNOWN_SCOPES.contains(&scope) {
                return Err(scope.to_owned());
            }
            set.insert(scope.to_owned());
        }
        Ok(Self { scopes: set })
    }

    /// Reads (GET/HEAD) pass with the scope or its read-only variant; writes need the
    /// modify scope itself.
    pub fn allows(&self, method: &Method, scope: &str) -> bool {
        if self.scopes.contains(scope) {
            return true;
        }
        let read = method == Method::GET || method == Method::HEAD;
        read && self.scopes.contains(&format!("{scope}{READ_ONLY_SUFFIX}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_modify_scope_has_a_read_only_variant() {
        for scope in modify_scopes() {
            assert!(
                KNOWN_SCOPES.contains(&format!("{scope}_read_only").as_str()),
                "{scope}"
            );
        }
        assert_eq!(modify_scopes().count() * 2, KNOWN_SCOPES.len());
    }

    #[test]
    fn paths_map_to_their_resource_family() {
        assert_eq!(required_scope("/v2/store"), Some("store_v2_information"));
        assert_eq!(required_scope("/v2/orders/100"), Some("store_v2_orders"));
        assert_eq!(
            required_scope("/v2/order_statuses/3"),
            Some("store_v2_orders")
        );
        assert_eq!(
            required_scope("/v3/catalog/products"),
            Some("store_v2_products")
        );
        assert_eq!(
            required_scope("/v3/inventory/locations"),
            Some("store_locations")
        );
        assert_eq!(
            required_scope("/v3/inventory/adjustments/absolute"),
            Some("store_inventory")
        );
        assert_eq!(required_scope("/v2/storefront"), None);
        assert_eq!(required_scope("/v3/hooks"), None);
    }

    #[test]
    fn read_only_allows_reads_only() {
        let g = Grant::parse(&["store_v2_orders_read_only"]).unwrap();
        assert!(g.allows(&Method::GET, "store_v2_orders"));
        assert!(!g.allows(&Method::PUT, "store_v2_orders"));
        assert!(!g.allows(&Method::GET, "store_v2_products"));
        let g = Grant::parse(&["store_v2_orders"]).unwrap();
        assert!(g.allows(&Method::PUT, "store_v2_orders"));
        assert!(g.allows(&Method::GET, "store_v2_orders"));
    }

    #[test]
    fn unknown_scope_names_are_rejected() {
        assert_eq!(
            Grant::parse(&["store_v2_order"]).unwrap_err(),
            "store_v2_order"
        );
    }
}
