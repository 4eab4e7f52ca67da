//! Reading orders: BigCommerce v2 orders with their consignments become wharf's incoming orders.
//!
//! One request reads a page of 250 orders with their shipping consignments and line items
//! (`include=consignments.line_items`, object structure). An order is read again through
//! `/v2/orders/{id}/products` only when that is not enough: a consignment truncated at 50 lines,
//! or digital/gift-certificate consignments, whose lines the shipping consignments do not hold.

use bigcommerce::{
    BcError, MAX_V2_PAGE_SIZE, Order, OrderProduct, OrderProductType, OrderQuery, OrderSortField,
    SortDirection, StoreClient,
};

use crate::db::orders::{IncomingAddress, IncomingLine, IncomingOrder};
use crate::domain::routing::LineKind;

pub const PAGE_SIZE: u32 = MAX_V2_PAGE_SIZE;

/// One page of orders modified since `since` (unix ms), oldest modification first.
pub async fn read_orders_page(
    client: &StoreClient,
    since_ms: Option<i64>,
    page: u32,
) -> Result<Vec<IncomingOrder>, BcError> {
    let query = OrderQuery {
        page,
        limit: PAGE_SIZE,
        min_date_modified: since_ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()),
        sort: Some((OrderSortField::DateModified, SortDirection::Asc)),
        include_consignment_line_items: true,
        ..OrderQuery::default()
    };
    let orders = client.orders_page(&query).await?;
    let mut incoming = Vec::with_capacity(orders.len());
    for order in orders {
        incoming.push(complete(client, order).await?);
    }
    Ok(incoming)
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

/// Maps an order, reading its full product list when the consignments don't hold every line.
async fn complete(client: &StoreClient, order: Order) -> Result<IncomingOrder, BcError> {
    let consignments = order.consignments.as_ref();
    let needs_products = match consignments {
        None => true,
        Some(c) => {
            c.shipping.iter().any(|s| s.line_items_incomplete())
                || !c.downloads.is_empty()
                || c.email
                    .as_ref()
                    .is_some_and(|e| !e.is_null() && e.as_object().is_none_or(|o| !o.is_empty()))
        }
    };
    let products = if needs_products {
        Some(client.all_order_products(order.id).await?)
    } else {
        None
    };
    Ok(to_incoming(order, products))
}

fn to_incoming(order: Order, products: Option<Vec<OrderProduct>>) -> IncomingOrder {
    let shipping = order
        .consignments
        .as_ref()
        .map(|c| c.shipping.clone())
        .unwrap_or_default();
    let addresses = shipping
        .iter()
        .map(|s| IncomingAddress {
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
        })
        .collect();
    let products =
        products.unwrap_or_else(|| shipping.into_iter().flat_map(|s| s.line_items).collect());
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
