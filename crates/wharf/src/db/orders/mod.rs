//! Orders, their addresses and lines, purchase orders, and each order's timeline: storing an
//! order read from a store is here; routing its lines (`routing.rs`), the purchase orders they
//! make (`purchase_orders.rs`), what their vendors do with them (`vendor_actions.rs`), the
//! order list and its search (`summaries.rs`), and the timeline (`timeline.rs`) have a file
//! each.
//!
//! Every write here takes the caller's transaction: an order, its routing and the cursor that
//! says it was read are committed together or not at all.

mod purchase_orders;
mod routing;
mod summaries;
mod timeline;
mod vendor_actions;

pub use purchase_orders::{
    DeclinedLine, PurchaseOrder, PurchaseOrderAddress, PurchaseOrderLine, order_of_purchase_order,
    purchase_order_of_line, purchase_orders, vendor_purchase_order, vendors_by_order,
};
pub use routing::{
    UnroutedLine, apply_plan, cancel_purchase_orders, routing_state, set_routing_state,
    unrouted_line_details, unrouted_lines,
};
pub use summaries::{
    OrderPage, OrderSummary, count_needing_attention, get_order, list_orders, needing_attention,
    order_by_number, search_orders,
};
pub use timeline::{OrderEvent, order_events, record_event};
pub use vendor_actions::{
    LineDecline, LineOnPurchaseOrder, PurchaseOrderPage, accept, decline_line, declines_of_order,
    line_declines, line_on_purchase_order, search_vendor_purchase_orders, stores_of_vendor,
    vendor_of_line,
};

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};

use crate::db::bindings::{NewBinding, bind_all, local_id};
use crate::db::{DbError, now_ms};
use crate::domain::incoming_order::IncomingOrder;
use routing::kind_str;

const ORDER: &str = "order";
const ADDRESS: &str = "order_address";
const LINE: &str = "order_line";

/// What storing an order found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredOrder {
    pub order_id: i64,
    pub created: bool,
    pub previous_status_id: Option<i64>,
}

/// Inserts or updates an order with its addresses and lines (matched by their BigCommerce ids,
/// so re-reading an order never duplicates anything).
pub async fn upsert_order(
    conn: &mut AnyConnection,
    store_id: i64,
    order: &IncomingOrder,
) -> Result<StoredOrder, DbError> {
    let now = now_ms();
    let existing = local_id(conn, store_id, ORDER, order.external_id).await?;
    let (order_id, created, previous_status_id) = match existing {
        Some(order_id) => {
            let previous: i64 = sqlx::query("SELECT status_id FROM orders WHERE id = $1")
                .bind(order_id)
                .fetch_one(&mut *conn)
                .await?
                .get("status_id");
            sqlx::query(
                "UPDATE orders SET status_id = $2, status_label = $3, customer_name = $4, customer_email = $5, total = $6,
                        currency_code = $7, items_total = $8, items_shipped = $9, is_archived = $10,
                        date_created = $11, date_modified = $12, updated_at = $13, customer_message = $14
                 WHERE id = $1",
            )
            .bind(order_id)
            .bind(order.status_id)
            .bind(&order.status_label)
            .bind(&order.customer_name)
            .bind(order.customer_email.as_deref())
            .bind(order.total.as_deref())
            .bind(order.currency_code.as_deref())
            .bind(order.items_total)
            .bind(order.items_shipped)
            .bind(order.archived as i64)
            .bind(order.date_created_ms)
            .bind(order.date_modified_ms)
            .bind(now)
            .bind(order.customer_message.as_deref())
            .execute(&mut *conn)
            .await?;
            (order_id, false, Some(previous))
        }
        None => {
            let order_id: i64 = sqlx::query(
                "INSERT INTO orders (store_id, status_id, status_label, customer_name, customer_email, total, currency_code,
                                     items_total, items_shipped, is_archived, date_created, date_modified, routing_state,
                                     created_at, updated_at, customer_message)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'waiting', $13, $13, $14) RETURNING id",
            )
            .bind(store_id)
            .bind(order.status_id)
            .bind(&order.status_label)
            .bind(&order.customer_name)
            .bind(order.customer_email.as_deref())
            .bind(order.total.as_deref())
            .bind(order.currency_code.as_deref())
            .bind(order.items_total)
            .bind(order.items_shipped)
            .bind(order.archived as i64)
            .bind(order.date_created_ms)
            .bind(order.date_modified_ms)
            .bind(now)
            .bind(order.customer_message.as_deref())
            .fetch_one(&mut *conn)
            .await?
            .get("id");
            bind_all(
                conn,
                store_id,
                ORDER,
                &[NewBinding {
                    local_id: order_id,
                    external_id: order.external_id,
                    remote_modified_ms: order.date_modified_ms,
                }],
                now_ms(),
            )
            .await?;
            (order_id, true, None)
        }
    };

    let mut address_ids = HashMap::new();
    for address in &order.addresses {
        let id = match local_id(conn, store_id, ADDRESS, address.external_id).await? {
            Some(id) => id,
            None => {
                let id: i64 = sqlx::query(
                    "INSERT INTO order_addresses (order_id, name, company, street_1, street_2, city, state, zip, country,
                                                  country_iso2, email, phone, shipping_method)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                )
                .bind(order_id)
                .bind(&address.name)
                .bind(address.company.as_deref())
                .bind(&address.street_1)
                .bind(address.street_2.as_deref())
                .bind(&address.city)
                .bind(address.state.as_deref())
                .bind(address.zip.as_deref())
                .bind(address.country.as_deref())
                .bind(address.country_iso2.as_deref())
                .bind(address.email.as_deref())
                .bind(address.phone.as_deref())
                .bind(address.shipping_method.as_deref())
                .fetch_one(&mut *conn)
                .await?
                .get("id");
                bind_all(
                    conn,
                    store_id,
                    ADDRESS,
                    &[NewBinding {
                        local_id: id,
                        external_id: address.external_id,
                        remote_modified_ms: None,
                    }],
                    now_ms(),
                )
                .await?;
                id
            }
        };
        address_ids.insert(address.external_id, id);
    }

    for line in &order.lines {
        let address_id = line
            .address_external_id
            .and_then(|a| address_ids.get(&a).copied());
        let variant_id = match line.variant_external_id {
            Some(v) => local_id(conn, store_id, "variant", v).await?,
            None => None,
        };
        match local_id(conn, store_id, LINE, line.external_id).await? {
            Some(id) => {
                sqlx::query(
                    "UPDATE order_lines SET address_id = $2, variant_id = $3, quantity = $4, quantity_shipped = $5 WHERE id = $1",
                )
                .bind(id)
                .bind(address_id)
                .bind(variant_id)
                .bind(line.quantity)
                .bind(line.quantity_shipped)
                .execute(&mut *conn)
                .await?;
            }
            None => {
                let id: i64 = sqlx::query(
                    "INSERT INTO order_lines (order_id, address_id, variant_id, name, sku, kind, quantity, quantity_shipped)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(order_id)
                .bind(address_id)
                .bind(variant_id)
                .bind(&line.name)
                .bind(line.sku.as_deref())
                .bind(kind_str(line.kind))
                .bind(line.quantity)
                .bind(line.quantity_shipped)
                .fetch_one(&mut *conn)
                .await?
                .get("id");
                bind_all(
                    conn,
                    store_id,
                    LINE,
                    &[NewBinding {
                        local_id: id,
                        external_id: line.external_id,
                        remote_modified_ms: None,
                    }],
                    now_ms(),
                )
                .await?;
            }
        }
    }
    Ok(StoredOrder {
        order_id,
        created,
        previous_status_id,
    })
}

/// BigCommerce's `items_shipped` for the order, as last read.
pub async fn items_shipped(conn: &mut AnyConnection, order_id: i64) -> Result<i64, DbError> {
    Ok(
        sqlx::query("SELECT items_shipped FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(&mut *conn)
            .await?
            .get("items_shipped"),
    )
}

/// Locks the order's row until the transaction ends (PostgreSQL; SQLite's write transactions
/// are serial already), so two readers of its BigCommerce shipments can't both import one.
pub async fn lock_order(conn: &mut AnyConnection, order_id: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE orders SET updated_at = updated_at WHERE id = $1")
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
