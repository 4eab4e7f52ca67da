//! Orders V2 state: orders with their lines (order products) and shipping addresses.
//! The store keeps typed orders; `render` turns them into the orders.v2.oas2.yml shapes
//! on the way out, `routes` serves them, `place` creates them as a shopper would.
//!
//! Order, order-product and shipping-address ids come from three store-wide counters,
//! as in BigCommerce: order ids start at 100, and an order product id (the id shipments
//! name) is never the catalog product id, so a client that mixes them up notices.
//!
//! Archived orders (`DELETE /v2/orders/{id}`) stay in `GET /v2/orders` with
//! `is_deleted: true`. BigCommerce does not document either way (facts §4); listing them
//! is the choice that lets a client *notice* an archive through its normal
//! `min_date_modified` sync instead of the order silently vanishing.

mod coupons;
pub(crate) mod create;
mod create_body;
mod place;
mod query;
mod render;
pub(crate) mod routes;
mod seed;
pub(crate) mod shipment_routes;
mod shipments;
pub(crate) mod status;
pub(crate) mod sub_resource_routes;

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};

use crate::dates;
use crate::events::Event;
use crate::money::Money;

pub(crate) use coupons::OrderCoupon;
pub use place::{LineKind, ShopperAddress, ShopperCoupon, ShopperLine, ShopperOrder};
pub(crate) use place::{PlaceError, place};
pub(crate) use seed::seed_orders;
pub use shipments::{Shipment, ShipmentItem};

/// An order with its consignments and line items inline, for control answers.
pub(crate) fn render_full(
    order: &Order,
    statuses: &[crate::order_statuses::OrderStatus],
    api_base: &str,
) -> serde_json::Value {
    let include = render::Include {
        consignments: true,
        line_items: true,
        fees: false,
    };
    render::order(order, statuses, &render::Links(api_base), include)
}

/// BigCommerce numbers a store's first order 100.
const FIRST_ORDER_ID: u64 = 100;
/// Order product and shipping address ids; distinct ranges make mix-ups visible.
const FIRST_LINE_ID: u64 = 1;
const FIRST_ADDRESS_ID: u64 = 1;
const FIRST_SHIPMENT_ID: u64 = 1;
const FIRST_COUPON_ID: u64 = 1;
const FIRST_ORDER_COUPON_ID: u64 = 1;
/// The status a shopper's order is created in before checkout moves it on (facts §4:
/// `store/order/created` also fires for incomplete orders).
pub(crate) const INCOMPLETE: u8 = 0;

#[derive(Debug, Clone, Default)]
pub(crate) struct Address {
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
    pub phone: String,
    pub email: String,
}

/// One shipping address of an order: a shipping consignment.
#[derive(Debug, Clone)]
pub(crate) struct ShippingAddress {
    pub id: u64,
    pub address: Address,
    pub shipping_method: String,
    pub cost: Money,
    /// The `uuid` of the shipping quote checkout persisted for this address.
    pub quote_uuid: String,
}

/// One order product.
#[derive(Debug, Clone)]
pub(crate) struct OrderLine {
    /// The order product id (`order_product_id` in shipments).
    pub id: u64,
    /// 0 for custom products.
    pub product_id: u64,
    /// `None` for custom products ("not available for custom products").
    pub variant_id: Option<u64>,
    pub name: String,
    pub sku: String,
    pub upc: String,
    pub brand: String,
    pub kind: LineKind,
    pub unit_price: Money,
    pub quantity: u32,
    pub quantity_shipped: u32,
    /// The shipping address id; 0 for digital and gift-certificate lines, which ship
    /// nowhere.
    pub order_address_id: u64,
    /// The ordered variant's option values, as the catalog has them.
    pub options: Vec<LineOption>,
}

/// One option the shopper chose, with the catalog's ids: the `product_options` of an
/// order product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineOption {
    /// The catalog option, e.g. Color.
    pub option_id: u64,
    /// The chosen option value, e.g. Red: the order product option's `value`.
    pub value_id: u64,
    pub display_name: String,
    /// The value's label, e.g. "Red": the order product option's `display_value`.
    pub label: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub id: u64,
    pub customer_id: u64,
    pub status_id: u8,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub date_shipped: Option<Timestamp>,
    pub payment_method: String,
    pub staff_notes: String,
    pub customer_message: String,
    pub currency_code: String,
    pub channel_id: u64,
    pub billing_address: Address,
    pub lines: Vec<OrderLine>,
    pub shipping_addresses: Vec<ShippingAddress>,
    /// Archived; still listed and readable (see the module docs).
    pub is_deleted: bool,
    /// In creation (id) order.
    pub shipments: Vec<Shipment>,
    /// Redeemed at checkout, in the order given.
    pub coupons: Vec<OrderCoupon>,
    /// `www` for a storefront checkout, `external` for `POST /v2/orders`.
    pub order_source: &'static str,
    /// What an API creator said it is; `None` is the spec's `null`.
    pub external_source: Option<String>,
    /// The creator's reference; empty when none was given.
    pub external_order_id: String,
    /// Stock the order took, `(variant id keeping the stock, units)` at the default location,
    /// until a cancellation or refund gives it back.
    pub stock_taken: Vec<(u64, i64)>,
}

impl Order {
    pub fn items_total(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    pub fn items_shipped(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity_shipped).sum()
    }

    pub fn subtotal(&self) -> Money {
        self.lines
            .iter()
            .fold(Money::ZERO, |sum, l| sum + l.unit_price.times(l.quantity))
    }

    /// What the order's coupons took off its subtotal.
    pub fn coupon_discount(&self) -> Money {
        self.coupons
            .iter()
            .fold(Money::ZERO, |sum, c| sum + c.discount)
    }

    /// What the shopper pays: subtotal and shipping, less coupons (no tax is charged).
    pub fn total(&self) -> Money {
        self.subtotal() + self.shipping_cost() - self.coupon_discount()
    }

    pub fn shipping_cost(&self) -> Money {
        self.shipping_addresses
            .iter()
            .fold(Money::ZERO, |sum, a| sum + a.cost)
    }

    /// Lines shipping to one address, in order product id order.
    pub fn lines_to(&self, address_id: u64) -> impl Iterator<Item = &OrderLine> {
        self.lines
            .iter()
            .filter(move |l| l.order_address_id == address_id)
    }

    /// Moves `date_modified` to now, strictly past its old value so a client's
    /// `min_date_modified=<last seen>` sees a change made within the same second.
    fn touch(&mut self) {
        self.date_modified = dates::now().max(
            self.date_modified
                .checked_add(SignedDuration::from_secs(1))
                .unwrap_or(self.date_modified),
        );
    }
}

pub(crate) struct Orders {
    by_id: BTreeMap<u64, Order>,
    next_order_id: u64,
    next_line_id: u64,
    next_address_id: u64,
    next_shipment_id: u64,
    /// Coupon code → the store's coupon id: one coupon per code.
    coupon_ids: BTreeMap<String, u64>,
    next_coupon_id: u64,
    next_order_coupon_id: u64,
}

impl Default for Orders {
    fn default() -> Self {
        Self {
            by_id: BTreeMap::new(),
            next_order_id: FIRST_ORDER_ID,
            next_line_id: FIRST_LINE_ID,
            next_address_id: FIRST_ADDRESS_ID,
            next_shipment_id: FIRST_SHIPMENT_ID,
            coupon_ids: BTreeMap::new(),
            next_coupon_id: FIRST_COUPON_ID,
            next_order_coupon_id: FIRST_ORDER_COUPON_ID,
        }
    }
}

impl Orders {
    pub fn get(&self, id: u64) -> Option<&Order> {
        self.by_id.get(&id)
    }

    pub(crate) fn get_mut(&mut self, id: u64) -> Option<&mut Order> {
        self.by_id.get_mut(&id)
    }

    pub fn all(&self) -> impl Iterator<Item = &Order> {
        self.by_id.values()
    }

    pub(crate) fn next_order_id(&mut self) -> u64 {
        let id = self.next_order_id;
        self.next_order_id += 1;
        id
    }

    pub(crate) fn next_line_id(&mut self) -> u64 {
        let id = self.next_line_id;
        self.next_line_id += 1;
        id
    }

    pub(crate) fn next_address_id(&mut self) -> u64 {
        let id = self.next_address_id;
        self.next_address_id += 1;
        id
    }

    /// The store's coupon for a code, created on its first redemption.
    pub(crate) fn coupon_id(&mut self, code: &str) -> u64 {
        if let Some(id) = self.coupon_ids.get(code) {
            return *id;
        }
        let id = self.next_coupon_id;
        self.next_coupon_id += 1;
        self.coupon_ids.insert(code.to_owned(), id);
        id
    }

    pub(crate) fn next_order_coupon_id(&mut self) -> u64 {
        let id = self.next_order_coupon_id;
        self.next_order_coupon_id += 1;
        id
    }

    pub(crate) fn insert(&mut self, order: Order) {
        self.by_id.insert(order.id, order);
    }

    /// Changes an order's own fields and bumps `date_modified`. False when there is no
    /// such order.
    pub fn edit(&mut self, id: u64, f: impl FnOnce(&mut Order)) -> bool {
        let Some(order) = self.by_id.get_mut(&id) else {
            return false;
        };
        f(order);
        order.touch();
        true
    }

    /// A merchant status change: `store/order/updated` then `store/order/statusUpdated`
    /// when the status really changes, nothing otherwise. `None` when there is no order.
    pub fn set_status(&mut self, id: u64, status_id: u8) -> Option<Vec<Event>> {
        let order = self.by_id.get_mut(&id)?;
        let previous = order.status_id;
        if previous == status_id {
            return Some(Vec::new());
        }
        order.status_id = status_id;
        order.touch();
        Some(vec![
            Event::order_updated(id),
            Event::order_status_updated(id, previous, status_id),
        ])
    }

    /// Archives an order (`is_deleted: true`); archiving twice fires nothing new.
    pub fn archive(&mut self, id: u64) -> Option<Vec<Event>> {
        let order = self.by_id.get_mut(&id)?;
        if order.is_deleted {
            return Some(Vec::new());
        }
        order.is_deleted = true;
        order.touch();
        Some(vec![Event::order_archived(id)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(orders: &mut Orders) -> u64 {
        let id = orders.next_order_id();
        let now = dates::now();
        orders.insert(Order {
            id,
            customer_id: 0,
            status_id: 11,
            date_created: now,
            date_modified: now,
            date_shipped: None,
            payment_method: String::new(),
            staff_notes: String::new(),
            customer_message: String::new(),
            currency_code: "USD".into(),
            channel_id: 1,
            billing_address: Address::default(),
            lines: Vec::new(),
            shipping_addresses: Vec::new(),
            is_deleted: false,
            shipments: Vec::new(),
            coupons: Vec::new(),
            order_source: "www",
            external_source: None,
            external_order_id: String::new(),
            stock_taken: Vec::new(),
        });
        id
    }

    #[test]
    fn status_changes_fire_updated_and_status_updated_once() {
        let mut orders = Orders::default();
        let id = order(&mut orders);
        assert_eq!(id, 100);
        let before = orders.get(id).unwrap().date_modified;
        let events = orders.set_status(id, 9).unwrap();
        assert_eq!(events[0].scope, "store/order/updated");
        assert_eq!(events[1].data["status"]["previous_status_id"], 11);
        assert_eq!(events[1].data["status"]["new_status_id"], 9);
        assert!(orders.get(id).unwrap().date_modified > before);
        assert!(orders.set_status(id, 9).unwrap().is_empty());
        assert!(orders.set_status(999, 9).is_none());
    }

    #[test]
    fn archiving_keeps_the_order_and_fires_once() {
        let mut orders = Orders::default();
        let id = order(&mut orders);
        assert_eq!(orders.archive(id).unwrap()[0].scope, "store/order/archived");
        assert!(orders.get(id).unwrap().is_deleted);
        assert!(orders.archive(id).unwrap().is_empty());
    }
}
