//! An order as the channel read it, in wharf's terms, before it is stored: BigCommerce's ids
//! are kept as `external_id`s for the bindings the storing makes.

use super::routing::LineKind;

/// An order as read from the channel, mapped to wharf's terms.
#[derive(Debug, Clone)]
pub struct IncomingOrder {
    pub external_id: i64,
    pub status_id: i64,
    pub status_label: String,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub total: Option<String>,
    pub currency_code: Option<String>,
    pub items_total: i64,
    pub items_shipped: i64,
    pub archived: bool,
    pub date_created_ms: Option<i64>,
    pub date_modified_ms: Option<i64>,
    /// What the customer wrote at checkout (delivery instructions, say): shown to the vendors
    /// who ship the order.
    pub customer_message: Option<String>,
    pub addresses: Vec<IncomingAddress>,
    pub lines: Vec<IncomingLine>,
}

#[derive(Debug, Clone)]
pub struct IncomingAddress {
    pub external_id: i64,
    pub name: String,
    pub company: Option<String>,
    pub street_1: String,
    pub street_2: Option<String>,
    pub city: String,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
    pub country_iso2: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub shipping_method: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IncomingLine {
    pub external_id: i64,
    pub address_external_id: Option<i64>,
    pub variant_external_id: Option<i64>,
    pub name: String,
    pub sku: Option<String>,
    pub kind: LineKind,
    pub quantity: i64,
    pub quantity_shipped: i64,
}
