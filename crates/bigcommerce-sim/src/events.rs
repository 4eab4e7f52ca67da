//! Store events: what a change fires, in the webhook scope vocabulary. State changes
//! return them while the store is locked; the simulator hands them to webhook delivery
//! after the lock is released, so a slow receiver never holds up the API.

use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Event {
    /// The exact scope, e.g. `store/order/statusUpdated`.
    pub scope: &'static str,
    /// The payload's `data` object.
    pub data: Value,
}

impl Event {
    pub fn order_created(id: u64) -> Self {
        Self::order("store/order/created", id)
    }

    pub fn order_updated(id: u64) -> Self {
        Self::order("store/order/updated", id)
    }

    pub fn order_archived(id: u64) -> Self {
        Self::order("store/order/archived", id)
    }

    /// `data.status` carries both ids, per store_order_statusUpdated.
    pub fn order_status_updated(id: u64, previous: u8, new: u8) -> Self {
        let mut e = Self::order("store/order/statusUpdated", id);
        e.data["status"] = json!({ "previous_status_id": previous, "new_status_id": new });
        e
    }

    pub fn shipment_created(id: u64, order_id: u64) -> Self {
        Self::shipment("store/shipment/created", id, order_id)
    }

    pub fn shipment_updated(id: u64, order_id: u64) -> Self {
        Self::shipment("store/shipment/updated", id, order_id)
    }

    pub fn shipment_deleted(id: u64, order_id: u64) -> Self {
        Self::shipment("store/shipment/deleted", id, order_id)
    }

    /// `{type: "shipment", id, orderId}`, per store_shipment_*.yml.
    fn shipment(scope: &'static str, id: u64, order_id: u64) -> Self {
        Self {
            scope,
            data: json!({ "type": "shipment", "id": id, "orderId": order_id }),
        }
    }

    /// `{type: "sku", id (the SKU id), inventory{product_id, method, value, variant_id}}`, per
    /// store_sku_inventory_updated.json.
    pub fn sku_inventory(
        scope: &'static str,
        variant_id: u64,
        product_id: u64,
        method: &str,
        value: i64,
    ) -> Self {
        Self {
            scope,
            data: json!({
                "type": "sku",
                "id": variant_id,
                "inventory": {
                    "product_id": product_id, "method": method, "value": value,
                    "variant_id": variant_id,
                },
            }),
        }
    }

    /// `{type: "product", id, inventory{product_id, method, value}}`, per
    /// store_product_inventory_updated.json.
    pub fn product_inventory(
        scope: &'static str,
        product_id: u64,
        method: &str,
        value: i64,
    ) -> Self {
        Self {
            scope,
            data: json!({
                "type": "product",
                "id": product_id,
                "inventory": { "product_id": product_id, "method": method, "value": value },
            }),
        }
    }

    fn order(scope: &'static str, id: u64) -> Self {
        Self {
            scope,
            data: json!({ "type": "order", "id": id }),
        }
    }
}
