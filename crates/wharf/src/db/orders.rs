//! Orders, their addresses and lines, purchase orders, and each order's timeline.
//!
//! Every write here takes the caller's transaction: an order, its routing and the cursor that
//! says it was read are committed together or not at all.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};

use super::bindings::{NewBinding, bind_all, local_id};
use super::{Db, DbError, now_ms};
use crate::domain::incoming_order::IncomingOrder;
use crate::domain::order::RoutingState;
use crate::domain::routing::{LineKind, RoutableLine, RoutingPlan};

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
                        date_created = $11, date_modified = $12, updated_at = $13
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
            .execute(&mut *conn)
            .await?;
            (order_id, false, Some(previous))
        }
        None => {
            let order_id: i64 = sqlx::query(
                "INSERT INTO orders (store_id, status_id, status_label, customer_name, customer_email, total, currency_code,
                                     items_total, items_shipped, is_archived, date_created, date_modified, routing_state,
                                     created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'waiting', $13, $13) RETURNING id",
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

fn kind_str(kind: LineKind) -> &'static str {
    match kind {
        LineKind::Physical => "physical",
        LineKind::Digital => "digital",
        LineKind::GiftCertificate => "gift_certificate",
    }
}

fn parse_kind(s: &str) -> LineKind {
    match s {
        "digital" => LineKind::Digital,
        "gift_certificate" => LineKind::GiftCertificate,
        _ => LineKind::Physical,
    }
}

/// The order's lines not yet on any purchase order, as routing sees them.
pub async fn unrouted_lines(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<RoutableLine>, DbError> {
    let rows = sqlx::query(
        "SELECT l.id, l.variant_id, l.sku, l.kind, l.quantity, p.brand_name
         FROM order_lines l
         LEFT JOIN variants v ON v.id = l.variant_id
         LEFT JOIN products p ON p.id = v.product_id
         WHERE l.order_id = $1 AND NOT EXISTS (SELECT 1 FROM purchase_order_lines pl WHERE pl.order_line_id = l.id)
         ORDER BY l.id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| RoutableLine {
            line_id: r.get("id"),
            variant_id: r.get("variant_id"),
            brand: r.get("brand_name"),
            sku: r.get("sku"),
            kind: parse_kind(r.get("kind")),
            quantity: r.get("quantity"),
        })
        .collect())
}

/// Puts the planned lines on their vendors' purchase orders (one per vendor per order).
/// Returns the vendors whose purchase order this created.
pub async fn apply_plan(
    conn: &mut AnyConnection,
    order_id: i64,
    plan: &RoutingPlan,
) -> Result<Vec<i64>, DbError> {
    let now = now_ms();
    let mut created = Vec::new();
    for (&vendor_id, lines) in &plan.purchase_orders {
        let inserted = sqlx::query(
            "INSERT INTO purchase_orders (order_id, vendor_id, status, created_at, updated_at) VALUES ($1, $2, 'open', $3, $3)
             ON CONFLICT (order_id, vendor_id) DO NOTHING RETURNING id",
        )
        .bind(order_id)
        .bind(vendor_id)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        let purchase_order_id: i64 = match inserted {
            Some(row) => {
                created.push(vendor_id);
                row.get("id")
            }
            None => {
                sqlx::query("SELECT id FROM purchase_orders WHERE order_id = $1 AND vendor_id = $2")
                    .bind(order_id)
                    .bind(vendor_id)
                    .fetch_one(&mut *conn)
                    .await?
                    .get("id")
            }
        };
        for &(line_id, quantity) in lines {
            sqlx::query(
                "INSERT INTO purchase_order_lines (purchase_order_id, order_line_id, quantity) VALUES ($1, $2, $3)
                 ON CONFLICT (order_line_id) DO NOTHING",
            )
            .bind(purchase_order_id)
            .bind(line_id)
            .bind(quantity)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(created)
}

/// Cancels the order's open purchase orders; returns how many.
pub async fn cancel_purchase_orders(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<u64, DbError> {
    let result = sqlx::query(
        "UPDATE purchase_orders SET status = 'cancelled', updated_at = $2 WHERE order_id = $1 AND status = 'open'",
    )
    .bind(order_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(result.rows_affected())
}

pub async fn set_routing_state(
    conn: &mut AnyConnection,
    order_id: i64,
    state: RoutingState,
) -> Result<(), DbError> {
    sqlx::query("UPDATE orders SET routing_state = $2 WHERE id = $1")
        .bind(order_id)
        .bind(state.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn record_event(
    conn: &mut AnyConnection,
    order_id: i64,
    kind: &str,
    message: &str,
) -> Result<(), DbError> {
    sqlx::query("INSERT INTO order_events (order_id, at, kind, message) VALUES ($1, $2, $3, $4)")
        .bind(order_id)
        .bind(now_ms())
        .bind(kind)
        .bind(message)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

// ---- reading ---------------------------------------------------------------------------------

/// `SELECT <an order summary's columns> FROM orders … <rest>`, as the literal sqlx requires.
macro_rules! select_orders {
    ($rest:literal) => {
        concat!(
            "SELECT o.id, o.store_id, b.external_id, o.status_id, o.status_label, o.customer_name, o.total,
                    o.routing_state, o.items_total, o.date_created,
                    (SELECT COUNT(*) FROM purchase_orders po WHERE po.order_id = o.id) AS purchase_orders
             FROM orders o JOIN bindings b ON b.kind = 'order' AND b.local_id = o.id ",
            $rest
        )
    };
}

fn order_summary(r: &sqlx::any::AnyRow) -> OrderSummary {
    OrderSummary {
        id: r.get("id"),
        store_id: r.get("store_id"),
        external_id: r.get("external_id"),
        status_id: r.get("status_id"),
        status_label: r.get("status_label"),
        customer_name: r.get("customer_name"),
        total: r.get("total"),
        routing_state: r.get("routing_state"),
        items_total: r.get("items_total"),
        purchase_orders: r.get("purchase_orders"),
        date_created_ms: r.get("date_created"),
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OrderSummary {
    pub id: i64,
    pub store_id: i64,
    pub external_id: i64,
    pub status_id: i64,
    pub status_label: String,
    pub customer_name: String,
    pub total: Option<String>,
    pub routing_state: String,
    pub items_total: i64,
    pub purchase_orders: i64,
    pub date_created_ms: Option<i64>,
}

pub async fn list_orders(
    db: &Db,
    store_id: Option<i64>,
    routing_state: Option<RoutingState>,
    limit: i64,
    offset: i64,
) -> Result<Vec<OrderSummary>, DbError> {
    let rows = sqlx::query(select_orders!(
        "WHERE ($1 < 0 OR o.store_id = $1) AND ($2 = '' OR o.routing_state = $2)
             ORDER BY o.id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(store_id.unwrap_or(-1))
    .bind(routing_state.map_or("", RoutingState::as_str))
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(order_summary).collect())
}

pub async fn count_needing_attention(db: &Db) -> Result<i64, DbError> {
    Ok(
        sqlx::query("SELECT COUNT(*) AS n FROM orders WHERE routing_state = 'needs_attention'")
            .fetch_one(db.pool())
            .await?
            .get("n"),
    )
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OrderEvent {
    pub at_ms: i64,
    pub kind: String,
    pub message: String,
}

pub async fn order_events(db: &Db, order_id: i64) -> Result<Vec<OrderEvent>, DbError> {
    let rows =
        sqlx::query("SELECT at, kind, message FROM order_events WHERE order_id = $1 ORDER BY id")
            .bind(order_id)
            .fetch_all(db.pool())
            .await?;
    Ok(rows
        .iter()
        .map(|r| OrderEvent {
            at_ms: r.get("at"),
            kind: r.get("kind"),
            message: r.get("message"),
        })
        .collect())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PurchaseOrderLine {
    pub order_line_id: i64,
    pub name: String,
    pub sku: Option<String>,
    pub quantity: i64,
    /// Covered by shipments recorded in wharf (the vendor's, and any made in BigCommerce).
    pub quantity_shipped: i64,
    /// What BigCommerce said was shipped of the line when wharf last read the order.
    pub quantity_shipped_in_bigcommerce: i64,
    pub address_id: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PurchaseOrderAddress {
    pub id: i64,
    pub name: String,
    pub company: Option<String>,
    pub street_1: String,
    pub street_2: Option<String>,
    pub city: String,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country_iso2: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PurchaseOrder {
    pub id: i64,
    pub order_id: i64,
    pub order_external_id: i64,
    pub vendor_id: i64,
    pub status: String,
    pub created_at_ms: i64,
    pub lines: Vec<PurchaseOrderLine>,
    pub addresses: Vec<PurchaseOrderAddress>,
}

/// Purchase orders of an order, or of a vendor (optionally only open ones).
pub async fn purchase_orders(
    db: &Db,
    order_id: Option<i64>,
    vendor_id: Option<i64>,
    only_open: bool,
) -> Result<Vec<PurchaseOrder>, DbError> {
    let rows = sqlx::query(
        "SELECT po.id, po.order_id, b.external_id, po.vendor_id, po.status, po.created_at
         FROM purchase_orders po JOIN bindings b ON b.kind = 'order' AND b.local_id = po.order_id
         WHERE ($1 < 0 OR po.order_id = $1) AND ($2 < 0 OR po.vendor_id = $2) AND ($3 = 0 OR po.status = 'open')
         ORDER BY po.id",
    )
    .bind(order_id.unwrap_or(-1))
    .bind(vendor_id.unwrap_or(-1))
    .bind(only_open as i64)
    .fetch_all(db.pool())
    .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.get("id");
        let lines_sql = format!(
            "SELECT l.id, l.name, l.sku, pl.quantity, l.address_id, l.quantity_shipped,
                    {} AS shipped
             FROM purchase_order_lines pl JOIN order_lines l ON l.id = pl.order_line_id
             WHERE pl.purchase_order_id = $1 ORDER BY l.id",
            super::shipments::SHIPPED_OF_LINE
        );
        let lines = sqlx::query(sqlx::AssertSqlSafe(lines_sql))
            .bind(id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|l| PurchaseOrderLine {
                order_line_id: l.get("id"),
                name: l.get("name"),
                sku: l.get("sku"),
                quantity: l.get("quantity"),
                quantity_shipped: l.get("shipped"),
                quantity_shipped_in_bigcommerce: l.get("quantity_shipped"),
                address_id: l.get("address_id"),
            })
            .collect::<Vec<_>>();
        let addresses = sqlx::query(
            "SELECT DISTINCT a.id, a.name, a.company, a.street_1, a.street_2, a.city, a.state, a.zip, a.country_iso2, a.phone
             FROM purchase_order_lines pl JOIN order_lines l ON l.id = pl.order_line_id
             JOIN order_addresses a ON a.id = l.address_id
             WHERE pl.purchase_order_id = $1 ORDER BY a.id",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|a| PurchaseOrderAddress {
            id: a.get("id"),
            name: a.get("name"),
            company: a.get("company"),
            street_1: a.get("street_1"),
            street_2: a.get("street_2"),
            city: a.get("city"),
            state: a.get("state"),
            zip: a.get("zip"),
            country_iso2: a.get("country_iso2"),
            phone: a.get("phone"),
        })
        .collect();
        orders.push(PurchaseOrder {
            id,
            order_id: r.get("order_id"),
            order_external_id: r.get("external_id"),
            vendor_id: r.get("vendor_id"),
            status: r.get("status"),
            created_at_ms: r.get("created_at"),
            lines,
            addresses,
        });
    }
    Ok(orders)
}

pub async fn get_order(db: &Db, order_id: i64) -> Result<Option<OrderSummary>, DbError> {
    let row = sqlx::query(select_orders!("WHERE o.id = $1"))
        .bind(order_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.as_ref().map(order_summary))
}

/// The vendors of each order's purchase orders, for the orders listed (one query).
pub async fn vendors_by_order(
    db: &Db,
    order_ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, DbError> {
    let mut vendors: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in order_ids.chunks(super::sql::IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT order_id, vendor_id FROM purchase_orders WHERE order_id IN ({}) ORDER BY order_id, vendor_id",
            super::sql::placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(db.pool()).await? {
            vendors
                .entry(row.get("order_id"))
                .or_default()
                .push(row.get("vendor_id"));
        }
    }
    Ok(vendors)
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

pub async fn routing_state(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Option<RoutingState>, DbError> {
    let Some(row) = sqlx::query("SELECT routing_state FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let state: String = row.get("routing_state");
    RoutingState::parse(&state)
        .map(Some)
        .ok_or_else(|| DbError::Corrupt(format!("unknown routing state {state:?}")))
}

/// The purchase order an order line is on, if it was routed.
pub async fn purchase_order_of_line(
    conn: &mut AnyConnection,
    order_line_id: i64,
) -> Result<Option<i64>, DbError> {
    Ok(
        sqlx::query("SELECT purchase_order_id FROM purchase_order_lines WHERE order_line_id = $1")
            .bind(order_line_id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.get("purchase_order_id")),
    )
}

pub async fn order_of_purchase_order(
    conn: &mut AnyConnection,
    purchase_order_id: i64,
) -> Result<Option<i64>, DbError> {
    Ok(
        sqlx::query("SELECT order_id FROM purchase_orders WHERE id = $1")
            .bind(purchase_order_id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.get("order_id")),
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
