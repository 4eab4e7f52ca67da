//! Inventory v3: `GET /v3/inventory/items`, `GET /v3/inventory/locations`, and the bodies of
//! `PUT /v3/inventory/adjustments/absolute` and `POST /v3/inventory/adjustments/relative`.
//!
//! Read leniently like the other models, except the stock numbers: an item location without
//! `available_to_sell` or `total_inventory_onhand` is a decode error, because reading a missing
//! count as `0` would make a sync believe the item sold out.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::models::de;

/// Stock of one inventory item (a variant tracked by variant, or a product tracked by product)
/// at every location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryItem {
    pub identity: ItemIdentity,
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub locations: Vec<ItemLocation>,
}

/// Which catalog object an [`InventoryItem`] is. This is the way from a SKU to its `variant_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemIdentity {
    /// `""` when the item has no SKU.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub sku: String,
    #[serde(default, deserialize_with = "de::opt_lenient_id")]
    pub variant_id: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_lenient_id")]
    pub product_id: Option<u64>,
    /// The v2 catalog SKU id; `None` for a base variant.
    #[serde(default, deserialize_with = "de::opt_lenient_id")]
    pub sku_id: Option<u64>,
}

/// An item's stock at one location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemLocation {
    pub location_id: u64,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub location_code: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub location_name: String,
    /// On hand minus safety stock; may be negative.
    pub available_to_sell: i64,
    pub total_inventory_onhand: i64,
    /// Missing reads as `true`, BigCommerce's default for a location.
    #[serde(default = "yes")]
    pub location_enabled: bool,
    #[serde(default)]
    pub settings: Option<ItemSettings>,
}

/// Per-location item settings. Missing values read as BigCommerce's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSettings {
    /// Held back from `available_to_sell`; a relative adjustment that would take stock below it
    /// is rejected.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub safety_stock: i64,
    /// Purchasable regardless of quantity.
    #[serde(default = "yes")]
    pub is_in_stock: bool,
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub warning_level: i64,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub bin_picking_number: Option<String>,
}

/// A place stock is kept (`GET /v3/inventory/locations`). Every store has location `1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub id: u64,
    /// The merchant's unique code, e.g. `BIGC-1`.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub code: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub label: String,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub description: Option<String>,
    /// Missing reads as `true`, BigCommerce's default.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `PHYSICAL` or `VIRTUAL`; kept as text so a new type doesn't fail the whole list.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub type_id: String,
    /// Another system owns this location's stock: the control panel won't let merchants edit it,
    /// and a sync that doesn't own it should leave it alone too.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub managed_by_external_source: bool,
    /// Missing reads as `true`, BigCommerce's default.
    #[serde(default = "yes")]
    pub storefront_visibility: bool,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub time_zone: Option<String>,
}

fn yes() -> bool {
    true
}

/// How an adjustment names its item: exactly one of `variant_id`, `product_id` or `sku` on the
/// wire. Items tracked by variant take `Variant` (or their SKU); products without variants, and
/// products tracked by product, take `Product`, or BigCommerce answers 422.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemKey {
    #[serde(rename = "variant_id")]
    Variant(u64),
    #[serde(rename = "product_id")]
    Product(u64),
    #[serde(rename = "sku")]
    Sku(String),
}

/// As BigCommerce names items in its messages: `variant_id 106`, `product_id 113`, `sku RE-130`.
impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemKey::Variant(id) => write!(f, "variant_id {id}"),
            ItemKey::Product(id) => write!(f, "product_id {id}"),
            ItemKey::Sku(sku) => write!(f, "sku {sku}"),
        }
    }
}

/// One line of an adjustment: `{"location_id": 1, "variant_id": 78, "quantity": 10}`.
///
/// `quantity` is the new on-hand count for an absolute adjustment and the change (negative to
/// take stock away) for a relative one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Adjustment {
    pub location_id: u64,
    #[serde(flatten)]
    pub item: ItemKey,
    pub quantity: i64,
}

/// Body of both adjustment endpoints.
#[derive(Debug, Serialize)]
pub(crate) struct AdjustmentRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
    pub items: &'a [Adjustment],
}

/// What both adjustment endpoints answer.
#[derive(Debug, Deserialize)]
pub(crate) struct TransactionResponse {
    #[serde(deserialize_with = "de::lenient_string")]
    pub transaction_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_adjustment_names_its_item_by_exactly_one_key() {
        let items = [
            Adjustment {
                location_id: 1,
                item: ItemKey::Variant(78),
                quantity: 10,
            },
            Adjustment {
                location_id: 2,
                item: ItemKey::Product(120),
                quantity: -7,
            },
            Adjustment {
                location_id: 1,
                item: ItemKey::Sku("RE-130".into()),
                quantity: 0,
            },
        ];
        let body = serde_json::to_value(AdjustmentRequest {
            reason: None,
            items: &items,
        })
        .expect("serializes");
        assert_eq!(
            body,
            json!({"items": [
                {"location_id": 1, "variant_id": 78, "quantity": 10},
                {"location_id": 2, "product_id": 120, "quantity": -7},
                {"location_id": 1, "sku": "RE-130", "quantity": 0},
            ]})
        );
    }

    #[test]
    fn an_item_reads_leniently_but_needs_its_counts() {
        let item: InventoryItem = serde_json::from_value(json!({
            "identity": {"sku": "RE-130", "variant_id": 79, "product_id": 120, "sku_id": null},
            "locations": [{
                "location_id": 1, "location_code": "BC-1", "available_to_sell": 10,
                "total_inventory_onhand": 11, "settings": {"safety_stock": 1}, "extra": true
            }]
        }))
        .expect("decodes");
        assert_eq!(item.identity.sku_id, None);
        let location = &item.locations[0];
        assert!(location.location_enabled);
        let settings = location.settings.as_ref().expect("settings");
        assert_eq!(settings.safety_stock, 1);
        assert!(settings.is_in_stock);
        assert_eq!(settings.warning_level, 0);

        let missing_count = serde_json::from_value::<ItemLocation>(json!({
            "location_id": 1, "total_inventory_onhand": 3
        }));
        assert!(missing_count.is_err());
    }

    #[test]
    fn item_keys_display_as_bigcommerce_writes_them() {
        assert_eq!(ItemKey::Variant(106).to_string(), "variant_id 106");
        assert_eq!(ItemKey::Sku("RE-130".into()).to_string(), "sku RE-130");
    }
}
