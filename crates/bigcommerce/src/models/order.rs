//! `GET /v2/orders` (optionally with `include=consignments.line_items&consignment_structure=object`),
//! `GET /v2/orders/{id}`, `GET /v2/orders/{id}/products`, `GET /v2/orders/{id}/shipping_addresses`
//! and `GET /v2/orders/count`.
//!
//! v2 sends money as strings (`"15.0000"`) and dates as RFC 2822 (`Tue, 20 Nov 2012 00:00:00
//! +0000`, empty string for "not yet"). Only what a fulfilment service needs is typed; the rest of
//! each payload is ignored.

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::models::de;

/// An order. Money is in the order's currency (`currency_code`) unless the field says otherwise.
///
/// `id` and `status_id` are required: an order without them can't be acted on, so it is a decode
/// error rather than a guess. Everything else is optional or defaults to empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: u64,
    /// Match on this, not on `status`: see [`crate::OrderStatus`].
    pub status_id: u32,
    /// The status's label, e.g. `Awaiting Fulfillment`.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub status: String,
    /// `0` for guest orders.
    #[serde(default, deserialize_with = "de::count_u64")]
    pub customer_id: u64,
    #[serde(default, deserialize_with = "de::opt_rfc2822_timestamp")]
    pub date_created: Option<Timestamp>,
    #[serde(default, deserialize_with = "de::opt_rfc2822_timestamp")]
    pub date_modified: Option<Timestamp>,
    /// When the order was fully shipped; `None` (`""` on the wire) until then.
    #[serde(default, deserialize_with = "de::opt_rfc2822_timestamp")]
    pub date_shipped: Option<Timestamp>,
    /// Number of items (quantities summed) in the order.
    #[serde(default, deserialize_with = "de::count")]
    pub items_total: u32,
    #[serde(default, deserialize_with = "de::count")]
    pub items_shipped: u32,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub subtotal_ex_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub subtotal_inc_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub subtotal_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub total_ex_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub total_inc_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub total_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub shipping_cost_ex_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub shipping_cost_inc_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub handling_cost_inc_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub discount_amount: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub coupon_discount: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub refunded_amount: Option<Decimal>,
    /// The transactional currency, e.g. `USD`.
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub currency_code: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub default_currency_code: Option<String>,
    /// e.g. `captured`, `authorized`; `None` when empty.
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub payment_status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub payment_method: Option<String>,
    /// Archived (deleted) orders are kept by BigCommerce with this set.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub is_deleted: bool,
    /// `www`, `manual`, `external`, `checkout_api`, `amazon`, `ebay`, …
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub order_source: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nonzero_id")]
    pub channel_id: Option<u64>,
    /// The reference the creator stored (writable on create and update, filterable).
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub external_order_id: Option<String>,
    /// The system that created the order through the API, as it named itself.
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub external_source: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub customer_message: Option<String>,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub staff_notes: Option<String>,
    #[serde(default)]
    pub billing_address: Option<BillingAddress>,
    /// Present only with `include=consignments` and `consignment_structure=object`; otherwise
    /// (or with the legacy array structure) `None`.
    #[serde(default, deserialize_with = "object_consignments")]
    pub consignments: Option<Consignments>,
}

/// Reads the object structure; the legacy array structure (or a `{url, resource}` link) is
/// `None` rather than an error, so a misconfigured request still yields the order itself.
fn object_consignments<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Consignments>, D::Error> {
    match Option::<serde_json::Value>::deserialize(de)? {
        Some(value @ serde_json::Value::Object(_)) if !is_link(&value) => {
            Consignments::deserialize(value)
                .map(Some)
                .map_err(serde::de::Error::custom)
        }
        _ => Ok(None),
    }
}

/// `{"url": …, "resource": …}`: a sub-resource that was not included.
fn is_link(value: &serde_json::Value) -> bool {
    value.get("resource").is_some() && value.get("id").is_none()
}

/// The billing address of an order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BillingAddress {
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub first_name: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub last_name: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub company: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub street_1: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub street_2: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub city: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub state: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub zip: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub country: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub country_iso2: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub phone: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub email: String,
}

/// An order's consignments in the object structure. Only shipping consignments are typed; the
/// others are kept as raw JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Consignments {
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub shipping: Vec<ShippingConsignment>,
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub pickups: Vec<serde_json::Value>,
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub downloads: Vec<serde_json::Value>,
    /// Gift certificates sent by email: `{"gift_certificates": […]}`.
    #[serde(default)]
    pub email: Option<serde_json::Value>,
}

/// One shipping destination of an order with the items going there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "ShippingConsignmentWire")]
pub struct ShippingConsignment {
    /// The shipping address id: the `order_address_id` a shipment needs.
    pub id: u64,
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub street_1: String,
    pub street_2: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub country: String,
    pub country_iso2: String,
    pub email: String,
    pub phone: String,
    pub items_total: u32,
    pub items_shipped: u32,
    pub shipping_method: Option<String>,
    /// With `include=consignments.line_items`, the order products going to this address — at
    /// most 50 of them, see [`ShippingConsignment::truncated`]. Without that include BigCommerce
    /// sends `{url, resource}` links, which are skipped, leaving this empty.
    pub line_items: Vec<OrderProduct>,
    /// BigCommerce left line items out (it inlines at most 50 per consignment and says so in an
    /// undocumented `__warning__`). Fetch them with [`crate::StoreClient::all_order_products`]
    /// and pick those whose `order_address_id` is this consignment's `id`.
    #[serde(skip_serializing)]
    pub truncated: bool,
    /// The `__warning__` that set `truncated`.
    #[serde(rename = "__warning__", skip_serializing_if = "Option::is_none")]
    pub warning: Option<ConsignmentWarning>,
}

impl ShippingConsignment {
    /// The consignment's destination, as `GET /v2/orders/{id}/shipping_addresses` lists it.
    pub fn address(&self, order_id: u64) -> ShippingAddress {
        ShippingAddress {
            id: self.id,
            order_id,
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            company: self.company.clone(),
            street_1: self.street_1.clone(),
            street_2: self.street_2.clone(),
            city: self.city.clone(),
            state: self.state.clone(),
            zip: self.zip.clone(),
            country: self.country.clone(),
            country_iso2: self.country_iso2.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            items_total: self.items_total,
            items_shipped: self.items_shipped,
            shipping_method: self.shipping_method.clone(),
        }
    }

    /// Whether `line_items` may not be the whole list: truncated, or empty although the
    /// consignment has items (they came as links).
    pub fn line_items_incomplete(&self) -> bool {
        self.truncated || (self.line_items.is_empty() && self.items_total > 0)
    }
}

/// `"__warning__": {"message": "Not all line items of this consignment are returned …"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsignmentWarning {
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub message: String,
}

/// [`ShippingConsignment`] as it arrives; `truncated` is derived from `__warning__`.
#[derive(Deserialize)]
struct ShippingConsignmentWire {
    #[serde(deserialize_with = "de::count_u64")]
    id: u64,
    #[serde(default, deserialize_with = "de::lenient_string")]
    first_name: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    last_name: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    company: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    street_1: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    street_2: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    city: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    state: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    zip: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    country: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    country_iso2: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    email: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    phone: String,
    #[serde(default, deserialize_with = "de::count")]
    items_total: u32,
    #[serde(default, deserialize_with = "de::count")]
    items_shipped: u32,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    shipping_method: Option<String>,
    #[serde(default, deserialize_with = "line_items")]
    line_items: Vec<OrderProduct>,
    #[serde(default, rename = "__warning__")]
    warning: Option<ConsignmentWarning>,
}

impl From<ShippingConsignmentWire> for ShippingConsignment {
    fn from(wire: ShippingConsignmentWire) -> Self {
        ShippingConsignment {
            id: wire.id,
            first_name: wire.first_name,
            last_name: wire.last_name,
            company: wire.company,
            street_1: wire.street_1,
            street_2: wire.street_2,
            city: wire.city,
            state: wire.state,
            zip: wire.zip,
            country: wire.country,
            country_iso2: wire.country_iso2,
            email: wire.email,
            phone: wire.phone,
            items_total: wire.items_total,
            items_shipped: wire.items_shipped,
            shipping_method: wire.shipping_method,
            line_items: wire.line_items,
            truncated: wire.warning.is_some(),
            warning: wire.warning,
        }
    }
}

/// Order products, skipping `{url, resource}` links (sent when line items weren't included).
/// A real product that fails to decode is an error, with its own message.
fn line_items<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<OrderProduct>, D::Error> {
    let items = match Option::<serde_json::Value>::deserialize(de)? {
        Some(serde_json::Value::Array(items)) => items,
        // A single link object, or null.
        _ => return Ok(Vec::new()),
    };
    items
        .into_iter()
        .filter(|item| !is_link(item))
        .map(|item| OrderProduct::deserialize(item).map_err(serde::de::Error::custom))
        .collect()
}

/// A line of an order (`GET /v2/orders/{id}/products`, or inlined in a consignment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderProduct {
    /// The `order_product_id` a shipment's items refer to.
    pub id: u64,
    #[serde(default, deserialize_with = "de::count_u64")]
    pub order_id: u64,
    /// `0` for custom products not in the catalog.
    #[serde(default, deserialize_with = "de::count_u64")]
    pub product_id: u64,
    /// `None` for custom products (BigCommerce sends `0` or leaves it out).
    #[serde(default, deserialize_with = "de::opt_nonzero_id")]
    pub variant_id: Option<u64>,
    /// The shipping address (consignment) this line ships to.
    #[serde(default, deserialize_with = "de::count_u64")]
    pub order_address_id: u64,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub name: String,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub sku: Option<String>,
    #[serde(
        rename = "type",
        default = "OrderProductType::unknown",
        deserialize_with = "OrderProductType::deserialize_or_unknown"
    )]
    pub product_type: OrderProductType,
    #[serde(default, deserialize_with = "de::count")]
    pub quantity: u32,
    #[serde(default, deserialize_with = "de::count")]
    pub quantity_shipped: u32,
    #[serde(default, deserialize_with = "de::count")]
    pub quantity_refunded: u32,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub base_price: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub price_ex_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub price_inc_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub total_inc_tax: Option<Decimal>,
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub product_options: Vec<OrderProductOption>,
    /// A component of a bundle; its parent is `parent_order_product_id`.
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub is_bundled_product: bool,
    /// `None` (`null` or `0` on the wire) for top-level lines.
    #[serde(default, deserialize_with = "de::opt_nonzero_id")]
    pub parent_order_product_id: Option<u64>,
}

/// `physical`, `digital` or `giftcertificate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderProductType {
    Physical,
    Digital,
    GiftCertificate,
    /// A value this client doesn't know, or none was sent.
    #[serde(other)]
    Unknown,
}

impl OrderProductType {
    fn unknown() -> Self {
        OrderProductType::Unknown
    }

    fn deserialize_or_unknown<'de, D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        Ok(Option::<Self>::deserialize(de)?.unwrap_or(OrderProductType::Unknown))
    }
}

/// An option the customer chose for an order line, e.g. `Size: M`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderProductOption {
    #[serde(default)]
    pub id: Option<u64>,
    /// The catalog option's id.
    #[serde(default)]
    pub option_id: Option<u64>,
    #[serde(default)]
    pub product_option_id: Option<u64>,
    /// e.g. `Size`.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub display_name: String,
    /// e.g. `M`.
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub display_value: String,
    /// The raw value (an option value id, text, …).
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub value: String,
    #[serde(rename = "type", default, deserialize_with = "de::lenient_string")]
    pub option_type: String,
}

/// `GET /v2/orders/{id}/shipping_addresses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingAddress {
    /// The `order_address_id` shipments and order products refer to.
    pub id: u64,
    #[serde(default, deserialize_with = "de::count_u64")]
    pub order_id: u64,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub first_name: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub last_name: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub company: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub street_1: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub street_2: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub city: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub state: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub zip: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub country: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub country_iso2: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub email: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub phone: String,
    #[serde(default, deserialize_with = "de::count")]
    pub items_total: u32,
    #[serde(default, deserialize_with = "de::count")]
    pub items_shipped: u32,
    #[serde(default, deserialize_with = "de::opt_nonempty_string")]
    pub shipping_method: Option<String>,
}

/// `GET /v2/orders/count`: how many orders the store has, in total and per status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCount {
    #[serde(default, deserialize_with = "de::null_as_default")]
    pub statuses: Vec<OrderStatusCount>,
    #[serde(default, deserialize_with = "de::count_u64")]
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderStatusCount {
    /// The status id, as in [`Order::status_id`].
    pub id: u32,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub name: String,
    #[serde(default, deserialize_with = "de::lenient_string")]
    pub custom_label: String,
    #[serde(default, deserialize_with = "de::count_u64")]
    pub count: u64,
    #[serde(default)]
    pub sort_order: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn order(fields: serde_json::Value) -> Result<Order, serde_json::Error> {
        let mut body = json!({"id": 1, "status_id": 11});
        for (key, value) in fields.as_object().expect("object") {
            body[key] = value.clone();
        }
        serde_json::from_value(body)
    }

    #[test]
    fn rfc2822_dates_with_any_offset_read_as_instants() {
        let read = |text: &str| order(json!({ "date_modified": text })).map(|o| o.date_modified);
        let expected: Timestamp = "2017-04-20T15:32:00Z".parse().expect("timestamp");

        assert_eq!(
            read("Thu, 20 Apr 2017 15:32:00 +0000").unwrap(),
            Some(expected)
        );
        assert_eq!(
            read("Thu, 20 Apr 2017 11:32:00 -0400").unwrap(),
            Some(expected)
        );
        assert_eq!(
            read("Thu, 20 Apr 2017 15:32:00 GMT").unwrap(),
            Some(expected)
        );
        assert_eq!(read("2017-04-20T15:32:00Z").unwrap(), Some(expected));
        assert_eq!(read("  ").unwrap(), None);
        assert!(read("20/04/2017").is_err());
        assert_eq!(
            order(json!({"date_shipped": null})).unwrap().date_shipped,
            None
        );
    }

    #[test]
    fn counts_accept_numbers_and_numeric_text() {
        let read = |value: serde_json::Value| order(json!({ "items_total": value }));

        assert_eq!(read(json!(3)).unwrap().items_total, 3);
        assert_eq!(read(json!(3.0)).unwrap().items_total, 3);
        assert_eq!(read(json!("3")).unwrap().items_total, 3);
        assert_eq!(read(json!(null)).unwrap().items_total, 0);
        assert!(read(json!(-1)).is_err());
        assert!(read(json!(1.5)).is_err());
        assert!(read(json!(true)).is_err());
    }

    #[test]
    fn an_order_needs_its_id_and_status() {
        assert!(serde_json::from_value::<Order>(json!({"id": 1})).is_err());
        assert!(serde_json::from_value::<Order>(json!({"status_id": 1})).is_err());
    }

    #[test]
    fn unknown_product_types_and_legacy_consignments_do_not_fail() {
        let product: OrderProduct =
            serde_json::from_value(json!({"id": 5, "type": "subscription", "variant_id": null}))
                .expect("product");
        let legacy = order(json!({"consignments": [{"shipping": []}]})).expect("legacy");

        assert_eq!(product.product_type, OrderProductType::Unknown);
        assert_eq!(product.variant_id, None);
        assert_eq!(legacy.consignments, None);
    }
}
