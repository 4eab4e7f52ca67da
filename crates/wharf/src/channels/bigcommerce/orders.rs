//! Reading orders: BigCommerce v2 orders with their consignments become wharf's incoming orders.
//!
//! One request reads a page of 250 orders with their shipping consignments and line items
//! (`include=consignments.line_items`, object structure). An order is read again through
//! `/v2/orders/{id}/products` only when that is not enough: a consignment truncated at 50 lines,
//! or digital/gift-certificate consignments, whose lines the shipping consignments do not hold;
//! and through `/v2/orders/{id}/shipping_addresses` when consignments are missing altogether.

use std::collections::HashSet;

use bigcommerce::{
    BcError, MAX_V2_PAGE_SIZE, Order, OrderProduct, OrderProductType, OrderQuery, OrderSortField,
    ShippingAddress, SortDirection, StoreClient,
};

use crate::domain::incoming_order::{IncomingAddress, IncomingLine, IncomingOrder};
use crate::domain::routing::LineKind;

const PAGE_SIZE: u32 = MAX_V2_PAGE_SIZE;

/// The orders modified since a moment, a page at a time, oldest modification first.
///
/// The list is sorted by a key that moves while it is read: an order modified meanwhile leaves
/// its place for the end of the list. Numbered pages over such a list skip the row that slides
/// back onto a page already read and repeat the rows that moved forward (a soak found a poll's
/// second page made only of first-page orders modified while the first was stored). So each
/// page is asked as the first page of `min_date_modified=<newest modification read>`: rows
/// that moved are read again (they changed), and no row can slide past the filter. Only when a
/// whole page shares one second (the filter's resolution) does the walk number pages within it.
pub struct ModifiedOrders<'a> {
    client: &'a StoreClient,
    walk: ModifiedSinceWalk,
}

impl<'a> ModifiedOrders<'a> {
    /// Orders modified since `since_ms` (unix ms), or every order.
    pub fn new(client: &'a StoreClient, since_ms: Option<i64>) -> Self {
        ModifiedOrders {
            client,
            walk: ModifiedSinceWalk::new(since_ms),
        }
    }

    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<Vec<IncomingOrder>>, BcError> {
        let Some(request) = self.walk.next_request() else {
            return Ok(None);
        };
        let query = OrderQuery {
            page: request.page,
            limit: PAGE_SIZE,
            min_date_modified: request
                .since_ms
                .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()),
            sort: Some((OrderSortField::DateModified, SortDirection::Asc)),
            include_consignment_line_items: true,
            ..OrderQuery::default()
        };
        let orders = self.client.orders_page(&query).await?;
        let rows: Vec<(u64, Option<i64>)> = orders
            .iter()
            .map(|order| (order.id, order.date_modified.map(|t| t.as_millisecond())))
            .collect();
        self.walk.after_page(&rows)?;
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

/// Which page of which filter to ask for next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PageRequest {
    since_ms: Option<i64>,
    page: u32,
}

/// The decisions of [`ModifiedOrders`], apart from the requests, so they can be tested against
/// a list that moves. Bounded: a page that holds no order (or no modification) not read before
/// ends the walk with [`BcError::BrokenPaging`] unless it is the first page of a filter that
/// moved on, and the filter only ever moves forward.
#[derive(Debug)]
struct ModifiedSinceWalk {
    next: Option<PageRequest>,
    /// Orders read, with the modification they were read at: a row read again because it
    /// changed is news, a row read again unchanged is not.
    seen: HashSet<(u64, Option<i64>)>,
    pages_read: u32,
}

impl ModifiedSinceWalk {
    fn new(since_ms: Option<i64>) -> Self {
        ModifiedSinceWalk {
            next: Some(PageRequest { since_ms, page: 1 }),
            seen: HashSet::new(),
            pages_read: 0,
        }
    }

    fn next_request(&self) -> Option<PageRequest> {
        self.next
    }

    /// Takes the answer to [`Self::next_request`]: each row's id and modification time (ms).
    fn after_page(&mut self, rows: &[(u64, Option<i64>)]) -> Result<(), BcError> {
        let Some(asked) = self.next.take() else {
            return Ok(());
        };
        self.pages_read += 1;
        let new_rows = rows.iter().filter(|row| self.seen.insert(**row)).count();
        if (rows.len() as u32) < PAGE_SIZE {
            return Ok(());
        }
        if new_rows == 0 && asked.page > 1 {
            return Err(BcError::BrokenPaging {
                request: "GET v2/orders".into(),
                problem: format!(
                    "page {} of the orders modified since the same second held only orders read before ({} pages read)",
                    asked.page, self.pages_read
                ),
            });
        }
        let newest = rows.iter().filter_map(|(_, modified)| *modified).max();
        let second = |ms: i64| ms.div_euclid(1000);
        self.next = Some(match (newest, asked.since_ms) {
            (Some(newest), Some(since)) if second(newest) <= second(since) => PageRequest {
                since_ms: asked.since_ms,
                page: asked.page + 1,
            },
            (Some(newest), _) => PageRequest {
                since_ms: Some(newest),
                page: 1,
            },
            // No modification times to move the filter on: number the pages.
            (None, _) => PageRequest {
                since_ms: asked.since_ms,
                page: asked.page + 1,
            },
        });
        Ok(())
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
        customer_message: order.customer_message.as_deref().and_then(non_empty),
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

    use super::{ModifiedSinceWalk, PAGE_SIZE};

    /// A store's order list as v2 answers it: filtered by `min_date_modified` at second
    /// resolution, sorted by modification, then id.
    struct MovingList {
        /// (id, modified at, in seconds)
        orders: Vec<(u64, i64)>,
    }

    impl MovingList {
        fn page(&self, since_ms: Option<i64>, page: u32) -> Vec<(u64, Option<i64>)> {
            let mut rows: Vec<(u64, i64)> = self
                .orders
                .iter()
                .copied()
                .filter(|(_, at)| since_ms.is_none_or(|ms| *at >= ms.div_euclid(1000)))
                .collect();
            rows.sort_by_key(|(id, at)| (*at, *id));
            rows.into_iter()
                .skip((page as usize - 1) * PAGE_SIZE as usize)
                .take(PAGE_SIZE as usize)
                .map(|(id, at)| (id, Some(at * 1000)))
                .collect()
        }

        fn touch(&mut self, id: u64, at: i64) {
            self.orders.iter_mut().find(|o| o.0 == id).unwrap().1 = at;
        }
    }

    /// Walks the list to its end, calling `between` after each page; the rows read.
    fn walk(
        list: &mut MovingList,
        since_ms: Option<i64>,
        mut between: impl FnMut(&mut MovingList, u32),
    ) -> Result<Vec<(u64, Option<i64>)>, bigcommerce::BcError> {
        let mut walk = ModifiedSinceWalk::new(since_ms);
        let mut read = Vec::new();
        while let Some(request) = walk.next_request() {
            let rows = list.page(request.since_ms, request.page);
            walk.after_page(&rows)?;
            read.extend(rows);
            between(list, walk.pages_read);
        }
        Ok(read)
    }

    #[test]
    fn orders_modified_while_the_poll_reads_are_read_again_and_none_is_skipped() {
        // 300 orders a second apart; while the first page is stored, 60 of its orders change.
        let mut list = MovingList {
            orders: (1..=300).map(|id| (id, 1_000 + id as i64)).collect(),
        };
        let read = walk(&mut list, Some(1_000_000), |list, pages| {
            if pages == 1 {
                for id in (1..=120).step_by(2) {
                    list.touch(id, 5_000 + id as i64);
                }
            }
        })
        .unwrap();
        for &(id, at) in &list.orders {
            assert!(
                read.contains(&(id, Some(at * 1000))),
                "order {id} at its latest modification was not read"
            );
        }
    }

    #[test]
    fn more_orders_in_one_second_than_a_page_are_read_by_page_number() {
        let mut list = MovingList {
            orders: (1..=600).map(|id| (id, 7_000)).collect(),
        };
        let read = walk(&mut list, None, |_, _| {}).unwrap();
        let ids: std::collections::BTreeSet<u64> = read.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, (1..=600).collect());
    }

    #[test]
    fn a_server_repeating_its_page_ends_the_walk_with_an_error() {
        let list = MovingList {
            orders: (1..=250).map(|id| (id, 7_000 + id as i64)).collect(),
        };
        let mut walk = ModifiedSinceWalk::new(None);
        let mut result = Ok(());
        let mut requests = 0;
        while let (Some(_), Ok(())) = (walk.next_request(), &result) {
            requests += 1;
            // Whatever is asked, the same full page comes back.
            result = walk.after_page(&list.page(None, 1));
        }
        let error = result.unwrap_err();
        assert!(
            matches!(error, bigcommerce::BcError::BrokenPaging { .. }),
            "{error:?}"
        );
        assert!(requests <= 3, "{requests} requests");
    }

    #[test]
    fn a_short_page_ends_the_walk() {
        let mut list = MovingList {
            orders: (1..=10).map(|id| (id, 7_000 + id as i64)).collect(),
        };
        assert_eq!(walk(&mut list, None, |_, _| {}).unwrap().len(), 10);
    }

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
