//! `/v2/orders/{id}/shipments`: what has been shipped of an order, and the body that ships more.
//!
//! Read like the other v2 payloads: ids and quantities may arrive as numbers or strings, empty
//! text is `""`, `date_created` is RFC 2822. The billing and shipping addresses BigCommerce
//! repeats in every shipment are ignored; [`crate::ShippingAddress`] has them.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::models::de;

/// A shipment of (some of) an order's items to one of its shipping addresses.
///
/// `id` is required: a shipment without one can't be updated or told apart from another, so it
/// is a decode error rather than a guess.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shipment {
    pub id: u64,
    #[serde(default, deserialize_with = "de::count_u64")]
    pub order_id: u64,
    /// The [`crate::ShippingAddress::id`] it ships to.
    #[serde(default, deserialize_with = "de::count_u64")]
    pub order_address_id: u64,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub tracking_number: String,
    /// Free text, e.g. `Ground`.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub shipping_method: String,
    /// e.g. `ups`, `carrier_{id}`; `""` for none.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub shipping_provider: String,
    /// An AfterShip courier slug, e.g. `dhl`; `""` for none.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub tracking_carrier: String,
    /// The custom link the shipment was created with; `""` if none.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub tracking_link: String,
    /// The link BigCommerce built from provider or carrier and tracking number; `""` if it
    /// could not build one.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub generated_tracking_link: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub comments: String,
    #[serde(default, deserialize_with = "de::opt_rfc2822_timestamp")]
    pub date_created: Option<Timestamp>,
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub items: Vec<ShipmentItem>,
}

/// One shipped order product and how many of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipmentItem {
    /// The [`crate::OrderProduct::id`].
    #[serde(default, deserialize_with = "de::count_u64")]
    pub order_product_id: u64,
    /// The catalog product; `0` for custom products. Read-only: not part of [`NewShipmentItem`].
    #[serde(default, deserialize_with = "de::count_u64")]
    pub product_id: u64,
    #[serde(default, deserialize_with = "de::count")]
    pub quantity: u32,
}

/// Body of `POST /v2/orders/{id}/shipments`.
///
/// `shipping_provider` and `tracking_carrier` are always sent, `""` for none: older BigCommerce
/// docs say an omitted provider defaults to "custom", which generates no tracking link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewShipment {
    /// The [`crate::ShippingAddress::id`] the items ship to; every item must belong to it.
    pub order_address_id: u64,
    pub items: Vec<NewShipmentItem>,
    /// At most 50 characters.
    pub tracking_number: String,
    /// `""`, one of BigCommerce's providers (`ups`, `fedex`, `usps`, …) or `carrier_{id}`.
    pub shipping_provider: String,
    /// `""` or an AfterShip courier slug (`dhl`, `australia-post`, …).
    pub tracking_carrier: String,
    /// A custom tracking link (at most 500 characters); left out of the request when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_link: Option<String>,
    /// Free text; left out of the request when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_method: Option<String>,
    /// Left out of the request when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
}

/// One line of a [`NewShipment`]: at most the quantity of the order product not yet shipped,
/// or BigCommerce answers 400 `The field 'quantity' is invalid.`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewShipmentItem {
    /// The [`crate::OrderProduct::id`].
    pub order_product_id: u64,
    pub quantity: u32,
}
