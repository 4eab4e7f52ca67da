//! Webhook registration: the order and shipment hooks wharf needs, pointing at its receiver, carrying the
//! store's secret in a custom header.
//!
//! BigCommerce has no idempotency keys, so registration looks before it writes: an existing
//! hook with our destination is updated (re-activated, secret refreshed), never created twice.

use std::collections::HashMap;

use bigcommerce::{BcError, HookUpdate, NewHook, StoreClient};

/// The header BigCommerce sends back on every delivery, holding the store's secret.
pub const SECRET_HEADER: &str = "x-wharf-webhook-secret";

/// Order events re-read the order; shipment events read its shipments (someone shipped, or
/// deleted a shipment, in BigCommerce). `store/shipment/updated` is left out: wharf keeps no
/// field a person would edit there.
pub const HOOK_SCOPES: [&str; 6] = [
    "store/order/created",
    "store/order/updated",
    "store/order/statusUpdated",
    "store/order/archived",
    "store/shipment/created",
    "store/shipment/deleted",
];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct HookReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

pub async fn ensure_hooks(
    client: &StoreClient,
    destination: &str,
    secret: &str,
) -> Result<HookReport, BcError> {
    let headers = HashMap::from([(SECRET_HEADER.to_owned(), secret.to_owned())]);
    let existing = client.all_hooks().await?;
    let mut report = HookReport::default();
    for scope in HOOK_SCOPES {
        match existing
            .iter()
            .find(|h| h.scope == scope && h.destination == destination)
        {
            Some(hook) if hook.is_active && hook.headers.as_ref() == Some(&headers) => {
                report.unchanged += 1
            }
            Some(hook) => {
                let update = HookUpdate {
                    is_active: Some(true),
                    headers: Some(headers.clone()),
                    ..HookUpdate::default()
                };
                client.update_hook(hook.id, &update).await?;
                report.updated += 1;
            }
            None => {
                let hook = NewHook {
                    scope: scope.to_owned(),
                    destination: destination.to_owned(),
                    is_active: true,
                    headers: Some(headers.clone()),
                };
                client.create_hook(&hook).await?;
                report.created += 1;
            }
        }
    }
    Ok(report)
}
