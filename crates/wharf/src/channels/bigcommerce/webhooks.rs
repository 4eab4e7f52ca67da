//! Webhooks: registering the order and shipment hooks wharf needs (pointing at its receiver,
//! carrying the store's secret in a custom header), and reading a delivery as wharf's [`Hint`].
//!
//! BigCommerce has no idempotency keys, so registration looks before it writes: an existing
//! hook with our destination is updated (re-activated, secret refreshed), never created twice.

use std::collections::HashMap;

use bigcommerce::{BcError, HookUpdate, NewHook, StoreClient, WebhookEvent};

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

/// A vendor's own store: its orders (the purchase orders wharf sent: status changes,
/// cancellations), the vendor's shipments on them, its stock levels (set by hand or by an
/// order) and catalog changes that affect matching.
pub const VENDOR_HOOK_SCOPES: [&str; 16] = [
    "store/order/updated",
    "store/order/statusUpdated",
    "store/order/archived",
    "store/shipment/created",
    "store/shipment/updated",
    "store/shipment/deleted",
    "store/sku/inventory/updated",
    "store/product/inventory/updated",
    "store/sku/inventory/order/updated",
    "store/product/inventory/order/updated",
    "store/product/created",
    "store/product/updated",
    "store/product/deleted",
    "store/sku/created",
    "store/sku/updated",
    "store/sku/deleted",
];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct HookReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Makes sure each of `scopes` has an active hook to `destination` carrying `secret`.
pub async fn ensure_hooks(
    client: &StoreClient,
    destination: &str,
    secret: &str,
    scopes: &[&str],
) -> Result<HookReport, BcError> {
    let headers = HashMap::from([(SECRET_HEADER.to_owned(), secret.to_owned())]);
    let existing = client.all_hooks().await?;
    let mut report = HookReport::default();
    for &scope in scopes {
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

/// One delivery as wharf reads it: what identifies the event (a repeat carries the same) and
/// what it hints changed. Events are hints, never the truth: the hinted object is read again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub scope: String,
    pub hash: String,
    /// Unix seconds.
    pub created_at: i64,
    pub hint: Hint,
}

/// What a delivery says may have changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Something about this order (BigCommerce's order id).
    Order { order_id: u64 },
    /// This shipment was made on the order.
    ShipmentCreated { order_id: u64, shipment_id: u64 },
    /// A shipment of the order was deleted, or changed in a way that needs a look.
    ShipmentsChanged { order_id: u64 },
    /// A product's or one variant's stock level changed (`store/sku/inventory/…` names the
    /// variant, `store/product/inventory/…` only the product). Followed for vendors' stores.
    Inventory {
        product_id: u64,
        variant_id: Option<u64>,
    },
    /// Nothing wharf follows.
    Other,
}

/// Reads a delivery's body; `None` when it is not a BigCommerce event.
pub fn parse_delivery(body: &[u8]) -> Option<Delivery> {
    let event = WebhookEvent::parse(body).ok()?;
    let order_id = event.order_id();
    let hint = match order_id {
        Some(order_id) if event.scope.starts_with("store/order/") => Hint::Order { order_id },
        Some(order_id) if event.scope.starts_with("store/shipment/") => match event.data.id {
            Some(shipment_id) if event.scope == "store/shipment/created" => Hint::ShipmentCreated {
                order_id,
                shipment_id,
            },
            _ => Hint::ShipmentsChanged { order_id },
        },
        _ => inventory_hint(&event).unwrap_or(Hint::Other),
    };
    Some(Delivery {
        scope: event.scope,
        hash: event.hash,
        created_at: event.created_at,
        hint,
    })
}

/// `store/sku/inventory/updated`, `store/sku/inventory/order/updated` and their product
/// twins: the product, and for a SKU event the variant, whose level changed.
fn inventory_hint(event: &WebhookEvent) -> Option<Hint> {
    let sku = event.scope.starts_with("store/sku/inventory/");
    if !sku && !event.scope.starts_with("store/product/inventory/") {
        return None;
    }
    let inventory = event.data.inventory.as_ref()?;
    let product_id = inventory.product_id.or(event.data.product_id)?;
    let variant_id = if sku {
        inventory.variant_id.or(event.data.variant_id)
    } else {
        None
    };
    Some(Hint::Inventory {
        product_id,
        variant_id,
    })
}

/// Deletes every hook of the store that delivers to `destination` (wharf's, for this store);
/// returns how many. Hooks of other apps are left alone.
pub async fn remove_hooks(client: &StoreClient, destination: &str) -> Result<usize, BcError> {
    let mut removed = 0;
    for hook in client.all_hooks().await? {
        if hook.destination == destination {
            client.delete_hook(hook.id).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(body: &str) -> Hint {
        parse_delivery(body.as_bytes()).expect("a delivery").hint
    }

    #[test]
    fn a_sku_inventory_event_names_the_product_and_variant() {
        let body = r#"{"scope":"store/sku/inventory/updated","store_id":"1025646",
            "data":{"type":"sku","id":461,"inventory":{"product_id":206,"method":"absolute",
            "value":5,"variant_id":509}},"hash":"116d","created_at":1561480673,
            "producer":"stores/abc"}"#;
        assert_eq!(
            hint(body),
            Hint::Inventory {
                product_id: 206,
                variant_id: Some(509)
            }
        );
        let by_order = body.replace("sku/inventory/updated", "sku/inventory/order/updated");
        assert_eq!(hint(&by_order), hint(body));
    }

    #[test]
    fn a_product_inventory_event_names_the_product_only() {
        let body = r#"{"scope":"store/product/inventory/order/updated","store_id":"1025646",
            "data":{"type":"product","id":167,"inventory":{"product_id":167,"method":"relative",
            "value":-1}},"hash":"cba9","created_at":1561478843,"producer":"stores/abc"}"#;
        assert_eq!(
            hint(body),
            Hint::Inventory {
                product_id: 167,
                variant_id: None
            }
        );
    }

    #[test]
    fn a_catalog_event_is_not_an_inventory_hint() {
        let body = r#"{"scope":"store/product/updated","store_id":"1",
            "data":{"type":"product","id":167},"hash":"a1","created_at":1,"producer":"stores/abc"}"#;
        assert_eq!(hint(body), Hint::Other);
    }
}
