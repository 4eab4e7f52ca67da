//! Bodies of `POST /v2/orders` (`order_Post`) and `PUT /v2/orders/{id}` (`order_Put`), as far as
//! a service creating orders in someone else's store needs them.
//!
//! What the spec says and these types follow:
//! - `external_id` is read-only ("(Read-only) The order ID in another system"); the writable
//!   reference is `external_order_id` ("After setting it, you can update this field using a POST
//!   or PUT request"), which `GET /v2/orders` can filter on. So only the latter is sent.
//! - There is no field to send or suppress customer e-mails: "The V2 Orders API will not trigger
//!   the typical Order Email when creating orders" (only a cart converted through the Checkout
//!   API does).
//! - A catalog line names `product_id` and either `variant_id` or `product_options`
//!   (`orderCatalogProduct_Post`); prices default to the catalog's when left out.
//! - `status_id` defaults to 1 (Pending) when left out; these types always send it.

use serde::Serialize;

/// Body of `POST /v2/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewOrder {
    /// Required by BigCommerce; `zip` must have at least two characters.
    pub billing_address: NewOrderAddress,
    /// Where the physical lines go; BigCommerce takes a list, a dropship order has one.
    pub shipping_addresses: Vec<NewShippingAddress>,
    pub products: Vec<NewOrderProduct>,
    /// e.g. 11 (Awaiting Fulfillment); see [`crate::OrderStatus`].
    pub status_id: u32,
    /// 0 for a guest order, which is what an order on behalf of another store's customer is.
    pub customer_id: u64,
    /// The creator's reference for the order: shown to the merchant and filterable
    /// ([`crate::OrderQuery::external_order_id`]). Left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_order_id: Option<String>,
    /// The system creating the order, e.g. `ERP (Acme)`. Left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_source: Option<String>,
    /// Notes only the store's staff see (at most 65,535 characters). Left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_notes: Option<String>,
    /// Shown as the customer's order comment. Left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_message: Option<String>,
}

/// A billing or shipping address of a new order (`billingAddress_Base`,
/// `shippingAddress_Base`); empty text is sent as `""`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NewOrderAddress {
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub street_1: String,
    pub street_2: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub country: String,
    /// ISO 3166-1 alpha-2, e.g. `US`.
    pub country_iso2: String,
    pub phone: String,
    pub email: String,
}

/// One shipping address of a new order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewShippingAddress {
    #[serde(flatten)]
    pub address: NewOrderAddress,
    /// Free text, e.g. `Free Shipping`; left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_method: Option<String>,
}

/// One catalog line of a new order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewOrderProduct {
    pub product_id: u64,
    /// The variant ordered; left out when `None` (a simple product, or `product_options`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<u64>,
    /// The option values that pick the variant, when `variant_id` is not known; left out when
    /// empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub product_options: Vec<NewOrderProductOption>,
    pub quantity: u32,
}

/// `{id, value}`: the product's option id and the chosen option value id (as a string).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewOrderProductOption {
    pub id: u64,
    pub value: String,
}

/// Body of `PUT /v2/orders/{id}`: only the fields set are sent, the others stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct OrderUpdate {
    /// The new status, e.g. 5 (Cancelled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_notes: Option<String>,
}
