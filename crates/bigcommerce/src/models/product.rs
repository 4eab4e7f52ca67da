//! `GET /v3/catalog/products` (with `include=variants`), `GET /v3/catalog/products/{id}/variants`
//! and `GET /v3/catalog/variants`.
//!
//! Only what an importer needs is typed. Empty identifier strings (`"upc": ""`) read as `None`;
//! money reads from JSON numbers and strings alike (see [`crate::models`]).

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::models::de;

/// A catalog product. Amounts are in the store's default currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub id: u64,
    pub name: String,
    /// The product's own SKU; variant SKUs are on [`Variant::sku`].
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub sku: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub upc: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub gtin: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub mpn: Option<String>,
    /// `0` on the wire (no brand) reads as `None`.
    #[serde(default, deserialize_with = "de::opt_nonzero_id")]
    pub brand_id: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub cost_price: Option<Decimal>,
    /// Missing (e.g. left out by `include_fields`) or `null` reads as
    /// [`InventoryTracking::Unknown`], never as "not tracked".
    #[serde(
        default = "InventoryTracking::unknown",
        deserialize_with = "InventoryTracking::deserialize_or_unknown"
    )]
    pub inventory_tracking: InventoryTracking,
    /// Stock at the default location; meaningful only when tracking is
    /// [`InventoryTracking::Product`].
    #[serde(default)]
    pub inventory_level: Option<i64>,
    #[serde(default)]
    pub is_visible: Option<bool>,
    /// `available`, `disabled` (cannot be bought) or `preorder`; absent when not sent.
    #[serde(default)]
    pub availability: Option<String>,
    #[serde(default, deserialize_with = "de::opt_timestamp")]
    pub date_modified: Option<Timestamp>,
    /// Set for simple products (whose only variant is this base variant); `null` otherwise.
    #[serde(default)]
    pub base_variant_id: Option<u64>,
    /// Present only with `include=variants`. A product with more variants than BigCommerce
    /// inlines needs [`crate::StoreClient::all_product_variants`].
    #[serde(default)]
    pub variants: Option<Vec<Variant>>,
}

/// How BigCommerce tracks a product's stock (`inventory_tracking`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InventoryTracking {
    /// Not tracked: ignore `inventory_level`.
    None,
    /// Tracked on the product's `inventory_level`.
    Product,
    /// Tracked per variant, on each variant's `inventory_level`.
    Variant,
    /// A value this client doesn't know, or none was sent. Decoding doesn't fail on it so one odd
    /// product doesn't sink a page; treat its stock as unknown.
    #[serde(other)]
    Unknown,
}

impl InventoryTracking {
    fn unknown() -> Self {
        InventoryTracking::Unknown
    }

    fn deserialize_or_unknown<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Ok(Option::<Self>::deserialize(de)?.unwrap_or(InventoryTracking::Unknown))
    }
}

/// A product variant. Simple products have one, the base variant: no option values, `sku_id`
/// `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub id: u64,
    pub product_id: u64,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub sku: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub upc: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub gtin: Option<String>,
    /// The variant's own price; `None` means it inherits the product's.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub price: Option<Decimal>,
    /// `None` means it inherits the product's.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub cost_price: Option<Decimal>,
    /// Stock at the default location; meaningful only when the product tracks by variant.
    #[serde(default)]
    pub inventory_level: Option<i64>,
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub option_values: Vec<OptionValue>,
    /// The v2 SKU id; `null` for base variants.
    #[serde(default)]
    pub sku_id: Option<u64>,
    /// The variant cannot be bought (shown, but not for sale).
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub purchasing_disabled: bool,
}

/// One option choice that defines a variant, e.g. `Color: Beige`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionValue {
    /// The option value's id.
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub option_id: Option<u64>,
    /// e.g. `Beige`.
    #[serde(default)]
    pub label: Option<String>,
    /// e.g. `Color`.
    #[serde(default)]
    pub option_display_name: Option<String>,
}
