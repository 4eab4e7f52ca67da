//! What BigCommerce posts to a hook's destination. Pure decoding, no I/O: verify the delivery
//! (custom headers or the Standard Webhooks signature) before trusting it.
//!
//! Payloads are thin on purpose (`{"type": "order", "id": 250}`): treat every event as "this
//! resource changed" and re-read it. Deliveries repeat (dedupe on `hash`) and arrive out of order.

use serde::{Deserialize, Serialize};

use crate::models::de;

/// One webhook delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// e.g. `store/order/statusUpdated`.
    pub scope: String,
    /// The numeric store id (`/v2/store`'s `store_id`), which is not the store hash. BigCommerce
    /// sends a string; a number is accepted too.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub store_id: String,
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub data: WebhookData,
    /// Identifies the event: a repeated delivery carries the same hash.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub hash: String,
    /// Unix seconds.
    #[serde(default)]
    pub created_at: i64,
    /// `stores/{store_hash}`.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub producer: String,
}

impl WebhookEvent {
    /// Decodes a delivery's body.
    pub fn parse(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// The store hash from `producer` (`stores/{hash}`).
    pub fn store_hash(&self) -> Option<&str> {
        self.producer
            .strip_prefix("stores/")
            .map(|hash| hash.trim_end_matches('/'))
            .filter(|hash| !hash.is_empty() && !hash.contains('/'))
    }

    /// The order an order event (`store/order/…`) or shipment event (`store/shipment/…`) is
    /// about.
    pub fn order_id(&self) -> Option<u64> {
        match self.data.resource_type.as_deref() {
            Some("order") => self.data.id,
            Some("shipment") => self.data.order_id,
            _ if self.scope.starts_with("store/order/") => self.data.id,
            _ if self.scope.starts_with("store/shipment/") => self.data.order_id,
            _ => None,
        }
    }
}

/// An event's `data`. Which fields are set depends on the scope; unknown ones are ignored.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WebhookData {
    /// `order`, `shipment`, `product`, `sku`, `store`, … Absent on location-aware inventory
    /// events.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "de::opt_nonempty_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_type: Option<String>,
    /// The resource's id: order, shipment, product or SKU id. `None` when absent or not a
    /// number (carts use UUIDs).
    #[serde(
        default,
        deserialize_with = "de::opt_lenient_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<u64>,
    /// Shipment events: the order the shipment belongs to.
    #[serde(
        rename = "orderId",
        default,
        deserialize_with = "de::opt_lenient_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub order_id: Option<u64>,
    /// `store/order/statusUpdated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusChange>,
    /// Product and SKU inventory events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<InventoryChange>,
    /// Location-aware inventory events.
    #[serde(
        default,
        deserialize_with = "de::opt_lenient_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_id: Option<u64>,
    #[serde(
        default,
        deserialize_with = "de::opt_lenient_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub variant_id: Option<u64>,
    #[serde(
        default,
        deserialize_with = "de::opt_lenient_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub location_id: Option<u64>,
}

/// `{"previous_status_id": 0, "new_status_id": 11}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    #[serde(default, deserialize_with = "de::count")]
    pub previous_status_id: u32,
    #[serde(default, deserialize_with = "de::count")]
    pub new_status_id: u32,
}

/// `{"product_id": 206, "variant_id": 509, "method": "absolute", "value": 5}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryChange {
    #[serde(default, deserialize_with = "de::opt_lenient_id")]
    pub product_id: Option<u64>,
    /// SKU events only.
    #[serde(default, deserialize_with = "de::opt_lenient_id")]
    pub variant_id: Option<u64>,
    /// `absolute` (API or control panel: `value` is the new level) or `relative` (an order:
    /// `value` is the change).
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub method: Option<String>,
    #[serde(default)]
    pub value: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_created() {
        let body = br#"{"scope":"store/order/created","store_id":"1025646",
            "data":{"type":"order","id":250},"hash":"dd70c0976e06b67aaf671e73f49dcb79230ebf9d",
            "created_at":1561479335,"producer":"stores/abc123"}"#;

        let event = WebhookEvent::parse(body).expect("event");

        assert_eq!(event.scope, "store/order/created");
        assert_eq!(event.store_id, "1025646");
        assert_eq!(event.data.resource_type.as_deref(), Some("order"));
        assert_eq!(event.data.id, Some(250));
        assert_eq!(event.data.status, None);
        assert_eq!(event.hash, "dd70c0976e06b67aaf671e73f49dcb79230ebf9d");
        assert_eq!(event.created_at, 1561479335);
        assert_eq!(event.store_hash(), Some("abc123"));
        assert_eq!(event.order_id(), Some(250));
    }

    #[test]
    fn status_updated_carries_both_statuses() {
        let body = br#"{"scope":"store/order/statusUpdated","store_id":"1025646",
            "data":{"type":"order","id":251,"status":{"previous_status_id":0,"new_status_id":11}},
            "hash":"7ee6","created_at":1561479335,"producer":"stores/abc123"}"#;

        let event = WebhookEvent::parse(body).expect("event");

        assert_eq!(
            event.data.status,
            Some(StatusChange {
                previous_status_id: 0,
                new_status_id: 11
            })
        );
        assert_eq!(event.order_id(), Some(251));
    }

    #[test]
    fn shipment_events_name_their_order() {
        let body = br#"{"scope":"store/shipment/created","store_id":1025646,
            "data":{"type":"shipment","id":12,"orderId":251},
            "hash":"8b98","created_at":1561482857,"producer":"stores/abc123"}"#;

        let event = WebhookEvent::parse(body).expect("event");

        assert_eq!(
            event.store_id, "1025646",
            "a numeric store_id reads as text"
        );
        assert_eq!(event.data.id, Some(12));
        assert_eq!(event.data.order_id, Some(251));
        assert_eq!(event.order_id(), Some(251), "the order, not the shipment");
    }

    #[test]
    fn inventory_and_other_events_decode_without_an_order() {
        let sku = br#"{"scope":"store/sku/inventory/updated","store_id":"1",
            "data":{"type":"sku","id":461,"inventory":{"product_id":206,"method":"absolute","value":5,"variant_id":509}},
            "hash":"h","created_at":1,"producer":"stores/abc123"}"#;
        let location = br#"{"scope":"store/channel/1/inventory/product/stock_changed","store_id":"1",
            "data":{"product_id":7,"variant_id":8,"location_id":1},"hash":"h","created_at":1,"producer":"stores/abc123"}"#;
        let cart = br#"{"scope":"store/cart/created","store_id":"1",
            "data":{"type":"cart","id":"09346904-4175-44fd-be53-f7e598531b6c"},"hash":"h","created_at":1,"producer":"stores/abc123"}"#;
        let store = br#"{"scope":"store/app/uninstalled","store_id":"1","data":{"type":"store"},
            "hash":"h","created_at":1,"producer":"stores/abc123"}"#;

        let sku = WebhookEvent::parse(sku).expect("sku");
        let location = WebhookEvent::parse(location).expect("location");
        let cart = WebhookEvent::parse(cart).expect("cart");
        let store = WebhookEvent::parse(store).expect("store");

        assert_eq!(
            sku.data.inventory,
            Some(InventoryChange {
                product_id: Some(206),
                variant_id: Some(509),
                method: Some("absolute".into()),
                value: Some(5),
            })
        );
        assert_eq!(sku.order_id(), None);
        assert_eq!(location.data.resource_type, None);
        assert_eq!(
            (
                location.data.product_id,
                location.data.variant_id,
                location.data.location_id
            ),
            (Some(7), Some(8), Some(1))
        );
        assert_eq!(cart.data.id, None, "a UUID is not a numeric id");
        assert_eq!(store.data.resource_type.as_deref(), Some("store"));
        assert_eq!(store.order_id(), None);
    }

    #[test]
    fn odd_producers_have_no_store_hash() {
        let mut event = WebhookEvent::parse(br#"{"scope":"store/order/updated"}"#).expect("bare");
        assert_eq!(event.store_hash(), None);
        assert_eq!(event.order_id(), None);
        event.producer = "stores/".into();
        assert_eq!(event.store_hash(), None);
        event.producer = "apps/abc".into();
        assert_eq!(event.store_hash(), None);
    }

    #[test]
    fn an_event_round_trips_through_json() {
        let body = br#"{"scope":"store/shipment/created","store_id":"1",
            "data":{"type":"shipment","id":12,"orderId":251},"hash":"h","created_at":5,"producer":"stores/x"}"#;
        let event = WebhookEvent::parse(body).expect("event");

        let again = WebhookEvent::parse(&serde_json::to_vec(&event).expect("json")).expect("again");

        assert_eq!(again, event);
    }

    #[test]
    fn a_body_that_is_not_an_event_is_an_error() {
        assert!(WebhookEvent::parse(b"not json").is_err());
        assert!(
            WebhookEvent::parse(br#"{"store_id":"1"}"#).is_err(),
            "scope is required"
        );
    }
}
