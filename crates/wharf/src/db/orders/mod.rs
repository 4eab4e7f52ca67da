//! Orders, their addresses and lines, purchase orders, and each order's timeline: storing
//! orders read from a store, a batch at a time (`stored.rs`), routing their lines
//! (`routing.rs`), the purchase orders they make (`purchase_orders.rs`), what their vendors do
//! with them (`vendor_actions.rs`), the order list and its search (`summaries.rs`), and the
//! timeline (`timeline.rs`) have a file each.
//!
//! Every write here takes the caller's transaction: an order, its routing and the cursor that
//! says it was read are committed together or not at all.

mod purchase_orders;
mod routing;
mod stored;
mod summaries;
mod timeline;
mod vendor_actions;

pub use purchase_orders::{
    DeclinedLine, PurchaseOrder, PurchaseOrderAddress, PurchaseOrderLine, order_of_purchase_order,
    purchase_order_of_line, purchase_orders, vendor_purchase_order, vendors_by_order,
};
pub use routing::{
    UnroutedLine, apply_plans, cancel_purchase_orders, routing_state, routing_states,
    set_routing_state, set_routing_states, unrouted_line_details, unrouted_lines,
    unrouted_lines_of_orders,
};
pub use stored::{StoredOrder, upsert_orders};
pub use summaries::{
    OrderPage, OrderSummary, count_needing_attention, get_order, list_orders, needing_attention,
    order_by_number, search_orders,
};
pub use timeline::{NewEvent, OrderEvent, order_events, record_event, record_events};
pub use vendor_actions::{
    LineDecline, LineOnPurchaseOrder, PurchaseOrderPage, accept, decline_line, declines_of_order,
    declines_of_orders, line_declines, line_on_purchase_order, search_vendor_purchase_orders,
    stores_of_vendor, vendor_of_line,
};

use sqlx::{AnyConnection, Row};

use crate::db::DbError;

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
