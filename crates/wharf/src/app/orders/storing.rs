//! Storing orders read from a store: a page of a poll at a time, in the page's transaction,
//! with a bounded number of statements (each kind of row written or looked up for the whole
//! batch at once). One order (a webhook's re-read, a shipment's read-back) is a batch of one,
//! so both paths are the same code.

use sqlx::AnyConnection;

use super::{Source, StorePolicy};
use crate::app::App;
use crate::app::jobs::{InventoryPush, ShipmentImport, ShipmentImportHint};
use crate::app::vendor_store_orders;
use crate::db::orders::{self, NewEvent};
use crate::db::{self, DbError};
use crate::domain::incoming_order::IncomingOrder;
use crate::domain::order::{RoutingState, cancels_fulfilment, routes};

impl App {
    /// Stores one read of an order; true when it was new or its status changed.
    pub(in crate::app) async fn store_order(
        &self,
        tx: &mut AnyConnection,
        store_id: i64,
        order: &IncomingOrder,
        source: Source,
        policy: &StorePolicy,
    ) -> Result<bool, DbError> {
        let changed = self
            .store_orders(tx, store_id, std::slice::from_ref(order), source, policy)
            .await?;
        Ok(changed[0])
    }

    /// Stores reads of orders, none of them twice (see `runs_without_repeats`), and does what
    /// each calls for: its timeline, cancelling its purchase orders or routing its lines, the
    /// stock marks and push, and a read of its shipments when BigCommerce counts more (or
    /// fewer) shipped items than wharf knows of. Returns, for each order, whether it was new or
    /// its status changed.
    pub(super) async fn store_orders(
        &self,
        tx: &mut AnyConnection,
        store_id: i64,
        orders: &[IncomingOrder],
        source: Source,
        policy: &StorePolicy,
    ) -> Result<Vec<bool>, DbError> {
        let reads: Vec<&IncomingOrder> = orders.iter().collect();
        let stored = orders::upsert_orders(tx, store_id, &reads).await?;
        let mut timeline = Vec::new();
        let mut to_route = Vec::new();
        let mut states = Vec::new();
        for (order, stored) in orders.iter().zip(&stored) {
            let id = stored.order_id;
            if stored.created {
                timeline.push(NewEvent {
                    order_id: id,
                    kind: "received",
                    message: format!(
                        "Received via {} (status {})",
                        source.as_str(),
                        order.status_label
                    ),
                });
            } else if stored.previous_status_id != Some(order.status_id) {
                timeline.push(NewEvent {
                    order_id: id,
                    kind: "status",
                    message: format!(
                        "Status changed to {} (seen via {})",
                        order.status_label,
                        source.as_str()
                    ),
                });
            }
            if cancels_fulfilment(order.status_id, order.archived) {
                self.cancel_purchase_orders_of(tx, id, order, &mut timeline)
                    .await?;
                states.push((id, RoutingState::Cancelled));
            } else if routes(order.status_id, &policy.routed_statuses) {
                to_route.push(id);
            } else if stored.created {
                states.push((id, RoutingState::Waiting));
            }
        }
        self.route_orders(tx, &to_route, &policy.rules, &policy.vendors, &mut timeline)
            .await?;
        orders::set_routing_states(tx, &states).await?;
        orders::record_events(tx, &timeline).await?;

        // A new order, a cancellation or a status change moves what is allocated: republish.
        let changed: Vec<bool> = orders
            .iter()
            .zip(&stored)
            .map(|(order, stored)| {
                stored.created || stored.previous_status_id != Some(order.status_id)
            })
            .collect();
        // Marked whenever an order is stored, since an edit can move its allocation too; a
        // push is queued when an allocation surely moved, and any push takes the marks.
        let order_ids: Vec<i64> = stored.iter().map(|s| s.order_id).collect();
        db::inventory::changes::mark_orders(tx, &order_ids).await?;
        if changed.contains(&true) {
            InventoryPush::of_changes(store_id).enqueue(tx).await?;
        }
        self.import_shipments_made_elsewhere(tx, store_id, orders, &stored)
            .await?;
        Ok(changed)
    }

    /// The order is cancelled (or archived): its open purchase orders are cancelled, their
    /// vendors told to stop, and their orders in vendors' stores cancelled too.
    async fn cancel_purchase_orders_of(
        &self,
        tx: &mut AnyConnection,
        order_id: i64,
        order: &IncomingOrder,
        timeline: &mut Vec<NewEvent>,
    ) -> Result<(), DbError> {
        // Read before they are cancelled: their vendors are told to stop.
        let to_tell = db::mail::recipients::open_purchase_orders(tx, order_id).await?;
        let in_vendor_stores = vendor_store_orders::purchase_orders_to_cancel(tx, order_id).await?;
        let cancelled = orders::cancel_purchase_orders(tx, order_id).await?;
        vendor_store_orders::queue_cancellations(tx, &in_vendor_stores).await?;
        self.tell_of_cancelled_purchase_orders(tx, &to_tell).await?;
        if cancelled > 0 {
            timeline.push(NewEvent {
                order_id,
                kind: "cancelled",
                message: format!(
                    "Cancelled {cancelled} open purchase order(s): the order is {}",
                    cancel_reason(order)
                ),
            });
        }
        Ok(())
    }

    /// Shipped items wharf doesn't know of (made, or deleted, in BigCommerce by someone else,
    /// or a webhook lost): queues a read of those orders' shipments.
    async fn import_shipments_made_elsewhere(
        &self,
        tx: &mut AnyConnection,
        store_id: i64,
        orders: &[IncomingOrder],
        stored: &[orders::StoredOrder],
    ) -> Result<(), DbError> {
        // A new order with nothing shipped surely has no shipments to read.
        let to_check: Vec<(&IncomingOrder, i64)> = orders
            .iter()
            .zip(stored)
            .filter(|(order, stored)| !(stored.created && order.items_shipped == 0))
            .map(|(order, stored)| (order, stored.order_id))
            .collect();
        if to_check.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = to_check.iter().map(|(_, id)| *id).collect();
        let known = db::shipments::items_known_shipped_of_orders(tx, &ids).await?;
        for (order, id) in to_check {
            if known.get(&id).copied().unwrap_or(0) != order.items_shipped {
                ShipmentImport::enqueue(
                    tx,
                    store_id,
                    order.external_id as u64,
                    ShipmentImportHint::CountsDiffer,
                )
                .await?;
            }
        }
        Ok(())
    }
}

fn cancel_reason(order: &IncomingOrder) -> String {
    if order.archived {
        "archived".to_owned()
    } else {
        order.status_label.to_lowercase()
    }
}
