//! Orders in: reading them from the store (poll and per-order fetch), routing their lines to
//! vendors' purchase orders, and cancelling those when the order is cancelled.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::AnyConnection;

use super::App;
use super::error::AppError;
use super::jobs::{InventoryPush, OrderPoll, ShipmentImport, ShipmentImportHint};
use super::vendor_store_orders;
use crate::app::error::SyncError;
use crate::channels::bigcommerce::orders::{ModifiedOrders, read_order};
use crate::db::orders::{self, OrderEvent, OrderPage, OrderSummary, PurchaseOrder};
use crate::db::{self, DbError, now_ms};
use crate::domain::incoming_order::IncomingOrder;
use crate::domain::order::{RoutingState, cancels_fulfilment, routes, routing_entry};
use crate::domain::order_search::OrderSearch;
use crate::domain::routing::{RoutingPlan, RoutingRules, plan_order_passing_over};

/// Where the poll resumes: the newest `date_modified` it stored, never later than its own start.
pub const ORDERS_CURSOR: &str = "orders";
/// Re-read this far behind the cursor: BigCommerce's `date_modified` and the poll's clock are
/// not in lockstep, and an order written while a poll ran must not fall between two polls.
pub const POLL_OVERLAP_MS: i64 = 2 * 60 * 1000;

/// How an order was noticed, for its timeline.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    Poll,
    Webhook,
    /// Read back after wharf created a shipment.
    ShipmentReadBack,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Poll => "poll",
            Source::Webhook => "webhook",
            Source::ShipmentReadBack => "shipment read-back",
        }
    }
}

/// What storing a store's orders consults, loaded once per poll or fetch, not once per order.
pub(super) struct StorePolicy {
    pub(super) rules: RoutingRules,
    routed_statuses: Vec<i64>,
    pub(super) vendors: HashMap<i64, String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct PollReport {
    pub pages: u32,
    pub orders: usize,
}

/// An order with everything the order page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderDetail {
    pub order: OrderSummary,
    pub purchase_orders: Vec<PurchaseOrder>,
    pub shipments: Vec<crate::db::shipments::ShipmentView>,
    pub timeline: Vec<OrderEvent>,
}

/// The dry run of an order's split, with vendor names.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoutingPreview {
    pub plan: RoutingPlan,
    /// Vendor id → name, for the vendors the plan names.
    #[schema(value_type = HashMap<String, String>)]
    pub vendors: HashMap<i64, String>,
}

impl App {
    /// Reads every order modified since the store's cursor, page by page; each page and the
    /// cursor it advances commit together.
    pub async fn poll_orders(&self, store_id: i64) -> Result<PollReport, SyncError> {
        let client = self.sales_client_for(store_id).await?;
        let poll_started = now_ms();
        let since = db::cursors::get(&self.db, store_id, ORDERS_CURSOR)
            .await?
            .map(|c| c - POLL_OVERLAP_MS);
        let policy = self.store_policy(store_id).await?;
        let mut report = PollReport::default();
        let mut pages = ModifiedOrders::new(&client, since);
        while let Some(orders) = pages.next_page().await? {
            let newest = orders.iter().filter_map(|o| o.date_modified_ms).max();
            let mut tx = self.db.begin().await?;
            let mut changed_at = Vec::new();
            for order in &orders {
                if self
                    .store_order(&mut tx, store_id, order, Source::Poll, &policy)
                    .await?
                {
                    changed_at.extend(order.date_modified_ms);
                }
            }
            if let Some(newest) = newest {
                // Never past the poll's start: what changes while it runs is read next time.
                db::cursors::set(&mut tx, store_id, ORDERS_CURSOR, newest.min(poll_started))
                    .await?;
            }
            tx.commit().await?;
            // The first poll (no cursor) reads the store's history: its age is not lag.
            if since.is_some() {
                for at in changed_at {
                    self.record_lag("orders", at).await;
                }
            }
            report.pages += 1;
            report.orders += orders.len();
        }
        Ok(report)
    }

    /// Re-reads one order (a webhook's hint) and stores it.
    pub async fn fetch_order(&self, store_id: i64, order_id: u64) -> Result<(), SyncError> {
        let client = self.sales_client_for(store_id).await?;
        let Some(order) = read_order(&client, order_id).await? else {
            tracing::info!(
                store_id,
                order_id,
                "order named by a webhook no longer exists"
            );
            return Ok(());
        };
        let policy = self.store_policy(store_id).await?;
        let mut tx = self.db.begin().await?;
        let changed = self
            .store_order(&mut tx, store_id, &order, Source::Webhook, &policy)
            .await?;
        tx.commit().await?;
        if changed && let Some(at) = order.date_modified_ms {
            self.record_lag("orders", at).await;
        }
        Ok(())
    }

    /// Stores one read of an order; true when it was new or its status changed.
    pub(super) async fn store_order(
        &self,
        tx: &mut AnyConnection,
        store_id: i64,
        order: &IncomingOrder,
        source: Source,
        policy: &StorePolicy,
    ) -> Result<bool, DbError> {
        let stored = orders::upsert_order(tx, store_id, order).await?;
        let id = stored.order_id;
        if stored.created {
            let message = format!(
                "Received via {} (status {})",
                source.as_str(),
                order.status_label
            );
            orders::record_event(tx, id, "received", &message).await?;
        } else if stored.previous_status_id != Some(order.status_id) {
            let message = format!(
                "Status changed to {} (seen via {})",
                order.status_label,
                source.as_str()
            );
            orders::record_event(tx, id, "status", &message).await?;
        }
        if cancels_fulfilment(order.status_id, order.archived) {
            // Read before they are cancelled: their vendors are told to stop.
            let to_tell = db::mail::recipients::open_purchase_orders(tx, id).await?;
            let in_vendor_stores = vendor_store_orders::purchase_orders_to_cancel(tx, id).await?;
            let cancelled = orders::cancel_purchase_orders(tx, id).await?;
            vendor_store_orders::queue_cancellations(tx, &in_vendor_stores).await?;
            self.tell_of_cancelled_purchase_orders(tx, &to_tell).await?;
            if cancelled > 0 {
                let message = format!(
                    "Cancelled {cancelled} open purchase order(s): the order is {}",
                    cancel_reason(order)
                );
                orders::record_event(tx, id, "cancelled", &message).await?;
            }
            orders::set_routing_state(tx, id, RoutingState::Cancelled).await?;
        } else if routes(order.status_id, &policy.routed_statuses) {
            self.route_order(tx, id, &policy.rules, &policy.vendors)
                .await?;
        } else if stored.created {
            orders::set_routing_state(tx, id, RoutingState::Waiting).await?;
        }
        // A new order, a cancellation or a status change moves what is allocated: republish.
        let changed = stored.created || stored.previous_status_id != Some(order.status_id);
        // Marked whenever the order is stored, since an edit can move its allocation too;
        // a push is queued when the allocation surely moved, and any push takes the mark.
        crate::db::inventory::changes::mark_order(tx, id).await?;
        if changed {
            InventoryPush::of_changes(store_id)
                .enqueue(tx, self.inventory_push_delay)
                .await?;
        }
        // Shipped items wharf doesn't know of (made, or deleted, in BigCommerce by someone else,
        // or a webhook lost): read the order's shipments.
        let surely_unshipped = stored.created && order.items_shipped == 0;
        if !surely_unshipped
            && db::shipments::items_known_shipped(tx, id).await? != order.items_shipped
        {
            ShipmentImport::enqueue(
                tx,
                store_id,
                order.external_id as u64,
                ShipmentImportHint::CountsDiffer,
            )
            .await?;
        }
        Ok(changed)
    }

    /// Puts the order's unrouted lines on purchase orders, passing over the vendors that
    /// declined each; what no rule matches needs attention.
    pub(super) async fn route_order(
        &self,
        tx: &mut AnyConnection,
        order_id: i64,
        rules: &RoutingRules,
        vendors: &HashMap<i64, String>,
    ) -> Result<RoutingState, DbError> {
        let previous = orders::routing_state(tx, order_id).await?;
        let lines = orders::unrouted_lines(tx, order_id).await?;
        let declines = orders::declines_of_order(tx, order_id).await?;
        let plan = plan_order_passing_over(rules, &lines, &declines);
        let created = orders::apply_plan(tx, order_id, &plan).await?;
        vendor_store_orders::queue_new_purchase_orders(tx, order_id, &created).await?;
        self.tell_of_new_purchase_orders(tx, order_id, &created)
            .await?;
        for vendor_id in created {
            let count = plan.purchase_orders[&vendor_id].len();
            let name = vendors.get(&vendor_id).map_or("?", String::as_str);
            orders::record_event(
                tx,
                order_id,
                "routed",
                &format!("Purchase order for {name} ({count} line(s))"),
            )
            .await?;
        }
        let state = if plan.needs_attention.is_empty() {
            RoutingState::Routed
        } else {
            RoutingState::NeedsAttention
        };
        if let Some(message) = routing_entry(previous, state, plan.needs_attention.len()) {
            orders::record_event(tx, order_id, state.as_str(), &message).await?;
        }
        orders::set_routing_state(tx, order_id, state).await?;
        Ok(state)
    }

    /// Routes again every order of the store that needs attention (after an assignment).
    pub async fn reroute_needing_attention(&self, store_id: i64) -> Result<usize, AppError> {
        let waiting = orders::needing_attention(&self.db, store_id).await?;
        let rules = db::assignments::routing_rules(&self.db, store_id).await?;
        let vendors = self.vendor_names().await?;
        let mut routed = 0;
        for order_id in waiting {
            let mut tx = self.db.begin().await?;
            if self
                .route_order(&mut tx, order_id, &rules, &vendors)
                .await?
                == RoutingState::Routed
            {
                routed += 1;
            }
            tx.commit().await.map_err(DbError::from)?;
        }
        Ok(routed)
    }

    /// How the order's unrouted lines would split now, without creating anything.
    pub async fn preview_routing(&self, order_id: i64) -> Result<RoutingPreview, AppError> {
        let order = self.order_summary(order_id).await?;
        let rules = db::assignments::routing_rules(&self.db, order.store_id).await?;
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        let lines = orders::unrouted_lines(&mut conn, order_id).await?;
        let declines = orders::declines_of_order(&mut conn, order_id).await?;
        Ok(RoutingPreview {
            plan: plan_order_passing_over(&rules, &lines, &declines),
            vendors: self.vendor_names().await?,
        })
    }

    pub async fn list_orders(
        &self,
        store_id: Option<i64>,
        state: Option<RoutingState>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<OrderSummary>, AppError> {
        Ok(orders::list_orders(&self.db, store_id, state, limit, offset).await?)
    }

    /// A page of the orders a search finds, newest first, at most `limit` of them.
    pub async fn find_orders(
        &self,
        search: &OrderSearch,
        limit: i64,
    ) -> Result<OrderPage, AppError> {
        Ok(orders::search_orders(&self.db, search, limit).await?)
    }

    /// The order a store's BigCommerce order number names: how people and their addresses
    /// name an order (wharf's own id never appears to them).
    pub async fn order_by_number(
        &self,
        store_id: i64,
        number: i64,
    ) -> Result<OrderSummary, AppError> {
        orders::order_by_number(&self.db, store_id, number)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "order",
                id: format!("#{number} of store {store_id}"),
            })
    }

    /// Sets which statuses create purchase orders for the store, and routes what now qualifies
    /// at the next read of each order.
    pub async fn set_routed_statuses(
        &self,
        store_id: i64,
        status_ids: &[i64],
    ) -> Result<Vec<i64>, AppError> {
        let ids = crate::domain::order::parse_routed_statuses(status_ids)
            .map_err(|e| AppError::Invalid(crate::domain::FieldErrors(vec![e])))?;
        if !db::stores::set_routed_statuses(&self.db, store_id, &ids).await? {
            return Err(AppError::NotFound {
                what: "store",
                id: store_id.to_string(),
            });
        }
        Ok(ids)
    }

    /// "Alpha Supply (accepted), Beta Goods" for each listed order that has purchase orders.
    pub async fn vendor_split(
        &self,
        orders: &[OrderSummary],
    ) -> Result<HashMap<i64, String>, AppError> {
        let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
        let names = self.vendor_names().await?;
        Ok(orders::vendors_by_order(&self.db, &ids)
            .await?
            .into_iter()
            .map(|(order_id, vendor_ids)| {
                let split = vendor_ids
                    .iter()
                    .map(|(v, accepted)| {
                        let name = names.get(v).map_or("?", String::as_str);
                        if *accepted {
                            format!("{name} (accepted)")
                        } else {
                            name.to_owned()
                        }
                    })
                    .collect::<Vec<_>>();
                (order_id, split.join(", "))
            })
            .collect())
    }

    pub async fn count_needing_attention(&self) -> Result<i64, AppError> {
        Ok(orders::count_needing_attention(&self.db).await?)
    }

    pub async fn order_detail(&self, order_id: i64) -> Result<OrderDetail, AppError> {
        Ok(OrderDetail {
            order: self.order_summary(order_id).await?,
            purchase_orders: orders::purchase_orders(&self.db, Some(order_id), None, false).await?,
            shipments: self.order_shipments(order_id).await?,
            timeline: orders::order_events(&self.db, order_id).await?,
        })
    }

    /// Every purchase order of a vendor (optionally only open ones), oldest first: what the
    /// demo's and the soak's simulated vendors work through. People page through
    /// [`App::vendor_purchase_orders`].
    pub async fn every_vendor_purchase_order(
        &self,
        vendor_id: i64,
        only_open: bool,
    ) -> Result<Vec<PurchaseOrder>, AppError> {
        Ok(orders::purchase_orders(&self.db, None, Some(vendor_id), only_open).await?)
    }

    pub(crate) async fn order_summary(&self, order_id: i64) -> Result<OrderSummary, AppError> {
        orders::get_order(&self.db, order_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "order",
                id: order_id.to_string(),
            })
    }

    pub(super) async fn store_policy(&self, store_id: i64) -> Result<StorePolicy, DbError> {
        let store = db::stores::get(&self.db, store_id)
            .await?
            .ok_or(DbError::Corrupt(format!("no store {store_id}")))?;
        Ok(StorePolicy {
            rules: db::assignments::routing_rules(&self.db, store_id).await?,
            routed_statuses: store.routed_status_ids,
            vendors: self.vendor_names().await?,
        })
    }

    pub(super) async fn vendor_names(&self) -> Result<HashMap<i64, String>, DbError> {
        Ok(db::vendors::list(&self.db)
            .await?
            .into_iter()
            .map(|v| (v.id, v.name))
            .collect())
    }

    /// Queues a poll of the store's orders (collapsing into one already waiting).
    pub async fn queue_order_poll(&self, store_id: i64) -> Result<(), DbError> {
        OrderPoll { store_id }.enqueue(&self.db).await
    }
}

fn cancel_reason(order: &IncomingOrder) -> String {
    if order.archived {
        "archived".to_owned()
    } else {
        order.status_label.to_lowercase()
    }
}
