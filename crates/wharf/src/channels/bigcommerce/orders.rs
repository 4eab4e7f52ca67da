//! Reading orders: BigCommerce v2 orders with their consignments become wharf's incoming orders.
//!
//! One request reads a page of 250 orders with their shipping consignments and line items
//! (`include=consignments.line_items`, object structure). An order is read again through
//! `/v2/orders/{id}/products` only when that is not enough: a consignment truncated at 50 lines,
//! or digital/gift-certificate consignments, whose lines the shipping consignments do not hold;
//! and through `/v2/orders/{id}/shipping_addresses` when consignments are missing altogether.

use bigcommerce::{
    BcError, MAX_V2_PAGE_SIZE, Order, OrderProduct, OrderProductType, OrderQuery, OrderSortField,
    PageBound, PageWalk, ShippingAddress, SortDirection, StoreClient,
};

use crate::domain::incoming_order::{IncomingAddress, IncomingLine, IncomingOrder};
use crate::domain::routing::LineKind;

const PAGE_SIZE: u32 = MAX_V2_PAGE_SIZE;

/// The orders modified since a moment, a page at a time, oldest modification first; the walk
/// is bounded (`bigcommerce::PageBound`), so a server repeating its pages ends it with an error.
pub struct ModifiedOrders<'a> {
    client: &'a StoreClient,
    since_ms: Option<i64>,
    page: u32,
    bound: PageBound,
    finished: bool,
}

impl<'a> ModifiedOrders<'a> {
    /// Orders modified since `since_ms` (unix ms), or every order.
    pub fn new(client: &'a StoreClient, since_ms: Option<i64>) -> Self {
        ModifiedOrders {
            client,
            since_ms,
            page: 1,
            bound: PageBound::new("v2/orders", PageWalk::Numbered),
            finished: false,
        }
    }

    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<Vec<IncomingOrder>>, BcError> {
        if self.finished {
            return Ok(None);
        }
        let query = OrderQuery {
            page: self.page,
            limit: PAGE_SIZE,
            min_date_modified: self
                .since_ms
                .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()),
            sort: Some((OrderSortField::DateModified, SortDirection::Asc)),
            include_consignment_line_items: true,
            ..OrderQuery::default()
        };
        let orders = self.client.orders_page(&query).await?;
        self.finished = !self
            .bound
            .after_v2_page(&orders, PAGE_SIZE, |order| order.id)?;
        self.page += 1;
        if orders.is_empty() {
            return Ok(None);
        }
        let mut incoming = Vec::with_capacity(orders.len());
        for order in orders {
            incoming.push(complete(self.client, order).await?);
        }
        Ok(Some(incoming))
    }
}

/// One order, re-read (a webhook only says that something changed). `None` when it is gone.
pub async fn read_order(
    client: &StoreClient,
    order_id: u64,
) -> Result<Option<IncomingOrder>, BcError> {
    match client.order(order_id, true).await {
        Ok(order) => Ok(Some(complete(client, order).await?)),
        Err(BcError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Maps an order, reading what its consignments do not hold: the full product list when a
/// shipping consignment is truncated at 50 or a digital/gift-certificate consignment can't be
/// read, and the shipping addresses when consignments are missing (the spec's own example
/// answer has none) or don't name a line's address. An order leaves here only with its lines
/// and every physical line's ship-to known, so it is never routed without them.
async fn complete(client: &StoreClient, order: Order) -> Result<IncomingOrder, BcError> {
    let lines = match order.consignments.as_ref() {
        Some(c) if !c.shipping.iter().any(|s| s.line_items_incomplete()) => {
            let mut other = Vec::new();
            let readable = c
                .downloads
                .iter()
                .chain(c.email.iter())
                .all(|v| collect_line_items(v, &mut other));
            readable.then(|| {
                c.shipping
                    .iter()
                    .flat_map(|s| s.line_items.iter().cloned())
                    .chain(other)
                    .collect()
            })
        }
        _ => None,
    };
    let mut lines = match lines {
        Some(lines) => lines,
        None => client.all_order_products(order.id).await?,
    };
    let mut addresses: Vec<IncomingAddress> = order
        .consignments
        .as_ref()
        .map(|c| {
            c.shipping
                .iter()
                .map(|consignment| shipping_address(&consignment.address(order.id)))
                .collect()
        })
        .unwrap_or_default();
    if !ship_to_known(&lines, &addresses) {
        addresses = client
            .order_shipping_addresses(order.id)
            .await?
            .iter()
            .map(shipping_address)
            .collect();
        ship_to_of_single_address(&mut lines, &addresses);
        if let Some(line) = lines
            .iter()
            .find(|line| needs_ship_to(line) && !addressed(line, &addresses))
        {
            return Err(BcError::Decode {
                message: format!(
                    "order {}: line {} ({}) ships to address {}, which GET v2/orders/{}/shipping_addresses does not list; the order was not stored",
                    order.id, line.id, line.name, line.order_address_id, order.id
                ),
            });
        }
    }
    Ok(to_incoming(order, lines, addresses))
}

/// Only goods travel: digital lines and gift certificates have no ship-to.
fn needs_ship_to(line: &OrderProduct) -> bool {
    matches!(
        line.product_type,
        OrderProductType::Physical | OrderProductType::Unknown
    )
}

fn addressed(line: &OrderProduct, addresses: &[IncomingAddress]) -> bool {
    line.order_address_id != 0
        && addresses
            .iter()
            .any(|a| a.external_id == line.order_address_id as i64)
}

fn ship_to_known(lines: &[OrderProduct], addresses: &[IncomingAddress]) -> bool {
    lines
        .iter()
        .filter(|line| needs_ship_to(line))
        .all(|line| addressed(line, addresses))
}

/// A line that names no address goes to the order's only one, if it has only one.
fn ship_to_of_single_address(lines: &mut [OrderProduct], addresses: &[IncomingAddress]) {
    let [only] = addresses else {
        return;
    };
    for line in lines
        .iter_mut()
        .filter(|line| needs_ship_to(line) && line.order_address_id == 0)
    {
        line.order_address_id = only.external_id as u64;
    }
}

/// Digital and email consignments come as nested objects and lists, each group of goods with
/// its `line_items`. Collects them; false when a group holds something that isn't readable.
fn collect_line_items(value: &serde_json::Value, out: &mut Vec<OrderProduct>) -> bool {
    match value {
        serde_json::Value::Array(items) => items.iter().all(|item| collect_line_items(item, out)),
        serde_json::Value::Object(fields) => match fields.get("line_items") {
            Some(serde_json::Value::Array(items)) => items.iter().all(|item| {
                serde_json::from_value::<OrderProduct>(item.clone())
                    .map(|line| out.push(line))
                    .is_ok()
            }),
            Some(_) => false,
            None => fields.values().all(|v| collect_line_items(v, out)),
        },
        _ => true,
    }
}

fn shipping_address(s: &ShippingAddress) -> IncomingAddress {
    IncomingAddress {
        external_id: s.id as i64,
        name: full_name(&s.first_name, &s.last_name),
        company: non_empty(&s.company),
        street_1: s.street_1.clone(),
        street_2: non_empty(&s.street_2),
        city: s.city.clone(),
        state: non_empty(&s.state),
        zip: non_empty(&s.zip),
        country: non_empty(&s.country),
        country_iso2: non_empty(&s.country_iso2),
        email: non_empty(&s.email),
        phone: non_empty(&s.phone),
        shipping_method: s.shipping_method.clone(),
    }
}

fn to_incoming(
    order: Order,
    products: Vec<OrderProduct>,
    addresses: Vec<IncomingAddress>,
) -> IncomingOrder {
    let lines = products
        .into_iter()
        .map(|p| IncomingLine {
            external_id: p.id as i64,
            address_external_id: (p.order_address_id != 0).then_some(p.order_address_id as i64),
            variant_external_id: p.variant_id.map(|v| v as i64),
            name: p.name,
            sku: p.sku.filter(|s| !s.trim().is_empty()),
            kind: match p.product_type {
                OrderProductType::Digital => LineKind::Digital,
                OrderProductType::GiftCertificate => LineKind::GiftCertificate,
                // Unknown types are treated as goods to ship: better a line someone looks at
                // than a line nobody sends.
                OrderProductType::Physical | OrderProductType::Unknown => LineKind::Physical,
            },
            quantity: i64::from(p.quantity),
            quantity_shipped: i64::from(p.quantity_shipped),
        })
        .collect();
    let billing = order.billing_address.as_ref();
    IncomingOrder {
        external_id: order.id as i64,
        status_id: i64::from(order.status_id),
        status_label: order.status.clone(),
        customer_name: billing
            .map(|b| full_name(&b.first_name, &b.last_name))
            .unwrap_or_default(),
        customer_email: billing.and_then(|b| non_empty(&b.email)),
        total: order.total_inc_tax.map(|t| t.normalize().to_string()),
        currency_code: order.currency_code.clone(),
        items_total: i64::from(order.items_total),
        items_shipped: i64::from(order.items_shipped),
        archived: order.is_deleted,
        date_created_ms: order.date_created.map(|t| t.as_millisecond()),
        date_modified_ms: order.date_modified.map(|t| t.as_millisecond()),
        addresses,
        lines,
    }
}

fn full_name(first: &str, last: &str) -> String {
    format!("{} {}", first.trim(), last.trim())
        .trim()
        .to_owned()
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn line(id: u64) -> serde_json::Value {
        json!({ "id": id, "order_id": 1, "product_id": 0, "order_address_id": 0, "name": "Gift", "quantity": 1, "type": "giftcertificate" })
    }

    #[test]
    fn line_items_are_read_from_nested_consignments() {
        let mut lines = Vec::new();
        let email = json!({ "gift_certificates": [{ "line_items": [line(31)] }] });
        assert!(super::collect_line_items(&email, &mut lines));
        assert!(super::collect_line_items(
            &json!({ "gift_certificates": [] }),
            &mut lines
        ));
        assert_eq!(lines.iter().map(|l| l.id).collect::<Vec<_>>(), [31]);
    }

    #[test]
    fn unreadable_line_items_ask_for_the_product_list() {
        let mut lines = Vec::new();
        assert!(!super::collect_line_items(
            &json!([{ "line_items": { "url": "…", "resource": "/orders/1/products" } }]),
            &mut lines
        ));
        assert!(!super::collect_line_items(
            &json!([{ "line_items": [{ "no_id": true }] }]),
            &mut lines
        ));
    }
}
