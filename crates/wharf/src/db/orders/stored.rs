//! Storing orders read from a store, with their addresses and lines, a batch at a time: each
//! kind of row is looked up by one `IN (…)` list and new rows go in multi-row INSERTs, so a
//! page of 250 orders costs a few dozen statements instead of several per row (each one a
//! round trip on PostgreSQL; see BENCHMARKS.md, *Orders in*).

use std::collections::{HashMap, HashSet};

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::db::bindings::{NewBinding, bind_all, local_ids};
use crate::db::sql::{IN_LIST_CHUNK, ROWS_PER_INSERT, ids_in_row_order, placeholders, values_rows};
use crate::db::{DbError, now_ms};
use crate::domain::incoming_order::{IncomingAddress, IncomingLine, IncomingOrder};

use super::routing::kind_str;

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

/// Inserts or updates orders with their addresses and lines, matched by their BigCommerce ids
/// so that re-reading an order never duplicates anything. Returns what storing found of each
/// order, in the order given.
///
/// An order may appear only once per call (a later read of it must see the earlier one
/// stored): callers split a page that repeats one (`domain::incoming_order::runs_without_repeats`).
pub async fn upsert_orders(
    conn: &mut AnyConnection,
    store_id: i64,
    orders: &[&IncomingOrder],
) -> Result<Vec<StoredOrder>, DbError> {
    let now = now_ms();
    let external_ids: Vec<i64> = orders.iter().map(|o| o.external_id).collect();
    let known = known_orders(conn, store_id, &external_ids).await?;
    let mut new_orders = Vec::new();
    for order in orders {
        match known.get(&order.external_id) {
            Some(&(order_id, _)) => update_order(conn, order_id, order, now).await?,
            None => new_orders.push(*order),
        }
    }
    let new_ids = insert_orders(conn, store_id, &new_orders, now).await?;
    let bindings: Vec<NewBinding> = new_orders
        .iter()
        .zip(&new_ids)
        .map(|(order, &local_id)| NewBinding {
            local_id,
            external_id: order.external_id,
            remote_modified_ms: order.date_modified_ms,
        })
        .collect();
    bind_all(conn, store_id, ORDER, &bindings, now).await?;

    let mut new_ids = new_ids.into_iter();
    let mut stored = Vec::with_capacity(orders.len());
    for order in orders {
        stored.push(match known.get(&order.external_id) {
            Some(&(order_id, previous)) => StoredOrder {
                order_id,
                created: false,
                previous_status_id: Some(previous),
            },
            None => StoredOrder {
                order_id: new_ids.next().ok_or_else(|| {
                    DbError::Corrupt("an order was read twice in one batch".into())
                })?,
                created: true,
                previous_status_id: None,
            },
        });
    }
    let placed: Vec<(i64, &IncomingOrder)> = stored
        .iter()
        .zip(orders)
        .map(|(s, o)| (s.order_id, *o))
        .collect();
    let address_ids = store_addresses(conn, store_id, &placed, now).await?;
    store_lines(conn, store_id, &placed, &address_ids, now).await?;
    Ok(stored)
}

/// The stored orders among these BigCommerce ids: external id → (order id, status as stored).
async fn known_orders(
    conn: &mut AnyConnection,
    store_id: i64,
    external_ids: &[i64],
) -> Result<HashMap<i64, (i64, i64)>, DbError> {
    let mut found = HashMap::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT b.external_id, o.id, o.status_id FROM bindings b JOIN orders o ON o.id = b.local_id
             WHERE b.store_id = $1 AND b.kind = 'order' AND b.external_id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            found.insert(
                row.get("external_id"),
                (row.get("id"), row.get("status_id")),
            );
        }
    }
    Ok(found)
}

async fn update_order(
    conn: &mut AnyConnection,
    order_id: i64,
    order: &IncomingOrder,
    now: i64,
) -> Result<(), DbError> {
    let query = sqlx::query(
        "UPDATE orders SET status_id = $2, status_label = $3, customer_name = $4, customer_email = $5, total = $6,
                currency_code = $7, items_total = $8, items_shipped = $9, is_archived = $10,
                date_created = $11, date_modified = $12, updated_at = $13, customer_message = $14
         WHERE id = $1",
    )
    .bind(order_id);
    bind_order_columns(query, order)
        .bind(now)
        .bind(order.customer_message.as_deref())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// New orders, waiting to be routed; their ids in the order given.
async fn insert_orders(
    conn: &mut AnyConnection,
    store_id: i64,
    orders: &[&IncomingOrder],
    now: i64,
) -> Result<Vec<i64>, DbError> {
    let mut ids = Vec::with_capacity(orders.len());
    for chunk in orders.chunks(ROWS_PER_INSERT / 2) {
        let sql = format!(
            "INSERT INTO orders (store_id, status_id, status_label, customer_name, customer_email, total, currency_code,
                                 items_total, items_shipped, is_archived, date_created, date_modified, routing_state,
                                 created_at, updated_at, customer_message)
             VALUES {} RETURNING id",
            values_rows(chunk.len(), 16)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for order in chunk {
            query = bind_order_columns(query.bind(store_id), order)
                .bind("waiting")
                .bind(now)
                .bind(now)
                .bind(order.customer_message.as_deref());
        }
        ids.extend(ids_in_row_order(
            query.fetch_all(&mut *conn).await?,
            chunk.len(),
        )?);
    }
    Ok(ids)
}

/// Binds the order's own columns, in the order both the UPDATE and the INSERT list them:
/// `status_id, status_label, customer_name, customer_email, total, currency_code, items_total,
/// items_shipped, is_archived, date_created, date_modified`.
fn bind_order_columns<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    order: &'q IncomingOrder,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
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
}

/// Stores the addresses not stored before (an address, once stored, is kept as first read).
/// Returns every address's id by its BigCommerce id.
async fn store_addresses(
    conn: &mut AnyConnection,
    store_id: i64,
    orders: &[(i64, &IncomingOrder)],
    now: i64,
) -> Result<HashMap<i64, i64>, DbError> {
    let external_ids: Vec<i64> = orders
        .iter()
        .flat_map(|(_, o)| o.addresses.iter().map(|a| a.external_id))
        .collect();
    let mut ids = local_ids(conn, store_id, ADDRESS, &external_ids).await?;
    let mut new_addresses: Vec<(i64, &IncomingAddress)> = Vec::new();
    let mut queued = HashSet::new();
    for &(order_id, order) in orders {
        for address in &order.addresses {
            // A repeated id is one address: stored once, as its first read.
            if !ids.contains_key(&address.external_id) && queued.insert(address.external_id) {
                new_addresses.push((order_id, address));
            }
        }
    }
    let mut bindings = Vec::with_capacity(new_addresses.len());
    for chunk in new_addresses.chunks(ROWS_PER_INSERT / 2) {
        let sql = format!(
            "INSERT INTO order_addresses (order_id, name, company, street_1, street_2, city, state, zip, country,
                                          country_iso2, email, phone, shipping_method)
             VALUES {} RETURNING id",
            values_rows(chunk.len(), 13)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (order_id, a) in chunk {
            query = query
                .bind(*order_id)
                .bind(&a.name)
                .bind(a.company.as_deref())
                .bind(&a.street_1)
                .bind(a.street_2.as_deref())
                .bind(&a.city)
                .bind(a.state.as_deref())
                .bind(a.zip.as_deref())
                .bind(a.country.as_deref())
                .bind(a.country_iso2.as_deref())
                .bind(a.email.as_deref())
                .bind(a.phone.as_deref())
                .bind(a.shipping_method.as_deref());
        }
        let new_ids = ids_in_row_order(query.fetch_all(&mut *conn).await?, chunk.len())?;
        for ((_, address), local_id) in chunk.iter().zip(new_ids) {
            ids.insert(address.external_id, local_id);
            bindings.push(NewBinding {
                local_id,
                external_id: address.external_id,
                remote_modified_ms: None,
            });
        }
    }
    bind_all(conn, store_id, ADDRESS, &bindings, now).await?;
    Ok(ids)
}

/// A line as read, with its order, address and variant as stored.
struct LineRead<'a> {
    order_id: i64,
    line: &'a IncomingLine,
    address_id: Option<i64>,
    variant_id: Option<i64>,
}

/// Inserts the lines not stored before and updates the others (address, variant, quantities).
async fn store_lines(
    conn: &mut AnyConnection,
    store_id: i64,
    orders: &[(i64, &IncomingOrder)],
    address_ids: &HashMap<i64, i64>,
    now: i64,
) -> Result<(), DbError> {
    let lines = || {
        orders
            .iter()
            .flat_map(|&(id, o)| o.lines.iter().map(move |l| (id, l)))
    };
    let line_ids: Vec<i64> = lines().map(|(_, l)| l.external_id).collect();
    let mut variant_external_ids: Vec<i64> =
        lines().filter_map(|(_, l)| l.variant_external_id).collect();
    variant_external_ids.sort_unstable();
    variant_external_ids.dedup();
    let variants = local_ids(conn, store_id, "variant", &variant_external_ids).await?;
    let known = local_ids(conn, store_id, LINE, &line_ids).await?;

    let mut new_lines: Vec<LineRead> = Vec::new();
    let mut queued = HashSet::new();
    // Lines read again (stored before, or earlier in this batch): updated after the inserts.
    let mut updates: Vec<LineRead> = Vec::new();
    for (order_id, line) in lines() {
        let stored = LineRead {
            order_id,
            line,
            address_id: line
                .address_external_id
                .and_then(|a| address_ids.get(&a).copied()),
            variant_id: line
                .variant_external_id
                .and_then(|v| variants.get(&v).copied()),
        };
        if known.contains_key(&line.external_id) || !queued.insert(line.external_id) {
            updates.push(stored);
        } else {
            new_lines.push(stored);
        }
    }

    let mut ids = known;
    let mut bindings = Vec::with_capacity(new_lines.len());
    for chunk in new_lines.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO order_lines (order_id, address_id, variant_id, name, sku, kind, quantity, quantity_shipped)
             VALUES {} RETURNING id",
            values_rows(chunk.len(), 8)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for new in chunk {
            query = query
                .bind(new.order_id)
                .bind(new.address_id)
                .bind(new.variant_id)
                .bind(&new.line.name)
                .bind(new.line.sku.as_deref())
                .bind(kind_str(new.line.kind))
                .bind(new.line.quantity)
                .bind(new.line.quantity_shipped);
        }
        let new_ids = ids_in_row_order(query.fetch_all(&mut *conn).await?, chunk.len())?;
        for (new, local_id) in chunk.iter().zip(new_ids) {
            ids.insert(new.line.external_id, local_id);
            bindings.push(NewBinding {
                local_id,
                external_id: new.line.external_id,
                remote_modified_ms: None,
            });
        }
    }
    bind_all(conn, store_id, LINE, &bindings, now).await?;

    for update in updates {
        sqlx::query(
            "UPDATE order_lines SET address_id = $2, variant_id = $3, quantity = $4, quantity_shipped = $5 WHERE id = $1",
        )
        .bind(ids[&update.line.external_id])
        .bind(update.address_id)
        .bind(update.variant_id)
        .bind(update.line.quantity)
        .bind(update.line.quantity_shipped)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
