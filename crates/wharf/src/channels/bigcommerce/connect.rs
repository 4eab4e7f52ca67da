//! Connect: proves, live and without writing anything to the store, that wharf can do its job
//! with the credentials the merchant gave.
//!
//! Each scope is probed with a request whose only possible effects are "403, scope missing" or
//! "answered, scope present":
//! - read scopes: a one-row GET of a list the scope guards;
//! - Orders (modify): `PUT /v2/orders/0` with an empty body. Order ids start at 100, so no order
//!   can change; BigCommerce checks scopes before it looks the order up, so a token with the
//!   scope gets 404 and one without gets 403;
//! - Inventory (modify): an absolute adjustment with no items, which has nothing to apply.
//!
//! A sales store and a vendor's own store need different scopes ([`RequiredScope::SALES`],
//! [`RequiredScope::VENDOR`]): one probe set, chosen by the store's role.

use bigcommerce::{BcError, StoreClient};
use futures::future::join_all;
use serde_json::json;

use crate::domain::connection::{Check, CheckResult, ConnectionReport, RequiredScope};
use crate::domain::store::StoreUrl;

/// Connect for a sales store: the scopes wharf needs to sell there ([`RequiredScope::SALES`]).
pub async fn check_connection(client: &StoreClient, store_url: &StoreUrl) -> ConnectionReport {
    check_connection_for(client, store_url, &RequiredScope::SALES).await
}

/// Connect with the scope set of the store's role (a sales store's or a vendor's). Information
/// & settings is proven by the first request, whatever the set.
pub async fn check_connection_for(
    client: &StoreClient,
    store_url: &StoreUrl,
    scopes: &[RequiredScope],
) -> ConnectionReport {
    let mut checks = Vec::new();
    // /v2/store answers the first three questions at once: is the token accepted, does the
    // hash exist, and which domain does the store have.
    match client.store_information().await {
        Ok(info) => {
            checks.push(CheckResult::passed(Check::AccessToken));
            checks.push(CheckResult::passed(Check::StoreHash));
            checks.push(CheckResult::passed(Check::Scope {
                scope: RequiredScope::StoreInformationRead,
            }));
            let secure_url = info.secure_url.clone().unwrap_or_default();
            let domain = info.domain.clone().unwrap_or_default();
            if store_url.matches(&domain)
                || (!secure_url.is_empty() && store_url.matches(&secure_url))
            {
                checks.push(CheckResult::passed(Check::StoreUrl));
            } else {
                checks.push(CheckResult::failed(
                    Check::StoreUrl,
                    format!(
                        "Store URL {} does not match this store: BigCommerce reports domain {} and secure URL {}",
                        store_url.host(),
                        or_none(&domain),
                        or_none(&secure_url)
                    ),
                ));
            }
        }
        Err(BcError::Unauthorized { .. }) => {
            checks.push(CheckResult::failed(
                Check::AccessToken,
                "Access token rejected by BigCommerce",
            ));
            return ConnectionReport { checks };
        }
        Err(BcError::NotFound { .. }) => {
            checks.push(CheckResult::failed(
                Check::StoreHash,
                "Store hash not found",
            ));
            return ConnectionReport { checks };
        }
        Err(BcError::Forbidden { .. }) => {
            // The token works (403, not 401) but may not read store information, so the domain
            // cannot be compared.
            checks.push(CheckResult::passed(Check::AccessToken));
            checks.push(CheckResult::passed(Check::StoreHash));
            checks.push(missing(RequiredScope::StoreInformationRead));
            checks.push(CheckResult::failed(
                Check::StoreUrl,
                "Store URL could not be compared: the API account may not read store information",
            ));
        }
        Err(other) => {
            checks.push(CheckResult::failed(
                Check::Reachability,
                format!("Could not check the connection: {}", describe(&other)),
            ));
            return ConnectionReport { checks };
        }
    }

    let probes = scopes
        .iter()
        .filter(|&&scope| scope != RequiredScope::StoreInformationRead);
    let results = join_all(probes.map(|&scope| probe_scope(client, scope))).await;
    checks.extend(results);
    ConnectionReport { checks }
}

async fn probe_scope(client: &StoreClient, scope: RequiredScope) -> CheckResult {
    let answer: Result<(), BcError> = match scope {
        RequiredScope::OrdersModify => client
            .put_json::<_, serde_json::Value>("v2/orders/0", &json!({}))
            .await
            .map(drop),
        RequiredScope::ProductsRead => client
            .get_v3_page::<serde_json::Value>("v3/catalog/products", &[("limit", "1".to_owned())])
            .await
            .map(drop),
        RequiredScope::InventoryModify => client
            .put_json::<_, serde_json::Value>(
                "v3/inventory/adjustments/absolute",
                &json!({ "reason": "wharf connection check (no items)", "items": [] }),
            )
            .await
            .map(drop),
        RequiredScope::LocationsRead => client
            .get_v3_page::<serde_json::Value>(
                "v3/inventory/locations",
                &[("limit", "1".to_owned())],
            )
            .await
            .map(drop),
        RequiredScope::InventoryRead => client
            .get_v3_page::<serde_json::Value>("v3/inventory/items", &[("limit", "1".to_owned())])
            .await
            .map(drop),
        RequiredScope::StoreInformationRead => client.store_information().await.map(drop),
    };
    let check = Check::Scope { scope };
    match answer {
        // 404/422 come after BigCommerce's scope check: the request was allowed.
        Ok(()) | Err(BcError::NotFound { .. }) | Err(BcError::Validation { .. }) => {
            CheckResult::passed(check)
        }
        Err(BcError::Forbidden { .. }) => missing(scope),
        Err(other) => CheckResult::failed(
            check,
            format!(
                "Could not check scope {}: {}",
                scope.label(),
                describe(&other)
            ),
        ),
    }
}

fn missing(scope: RequiredScope) -> CheckResult {
    CheckResult::failed(
        Check::Scope { scope },
        format!("Missing scope: {}", scope.label()),
    )
}

fn or_none(value: &str) -> &str {
    if value.is_empty() { "(none)" } else { value }
}

/// An error in words for the merchant (never containing the token: errors carry none).
fn describe(error: &BcError) -> String {
    match error {
        BcError::RateLimited { .. } => {
            "BigCommerce's rate limit for this store is exhausted; try again in a minute".to_owned()
        }
        BcError::Timeout | BcError::Transport { .. } => {
            format!("BigCommerce did not answer ({error})")
        }
        other => other.to_string(),
    }
}
