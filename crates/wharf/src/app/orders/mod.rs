//! Orders in: reading them from the store (poll and per-order fetch), storing them a page at
//! a time (`storing.rs`), routing their lines to vendors' purchase orders (`routing.rs`), and
//! cancelling those when the order is cancelled.

mod routing;
mod storing;

use std::collections::HashMap;

use serde::Serialize;

use super::App;
use super::error::AppError;
use super::jobs::OrderPoll;
use crate::app::error::SyncError;
use crate::channels::bigcommerce::orders::{ModifiedOrders, read_order};
use crate::db::orders::{self, OrderEvent, OrderPage, OrderSummary, PurchaseOrder};
use crate::db::{self, DbError, now_ms};
use crate::domain::incoming_order::runs_without_repeats;
use crate::domain::order::RoutingState;
use crate::domain::order_search::OrderSearch;
use crate::domain::routing::{RoutingPlan, RoutingRules};

/// Where the poll resumes: the newest `date_modified` it stored, never later than its own start.
pub const ORDERS_CURSOR: &str = "orders";
/// Re-read this far behind the cursor: BigCommerce's `date_modified` and the poll's clock are
/// not in lockstep, and an order written while a poll ran must not fall between two polls.
pub const POLL_OVERLAP_MS: i64 = 2 * 60 * 1000;

/// The tables a poll fills, whose statistics a long poll refreshes as they grow.
const ORDER_TABLES: &[&str] = &[
    "bindings",
    "orders",
    "order_addresses",
    "order_lines",
    "order_events",
    "purchase_orders",
    "purchase_order_lines",
    "inventory_changes",
];

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
            // A page that reads an order twice stores it in two steps, the later read seeing
            // the earlier one stored.
            for run in runs_without_repeats(&orders) {
                let changed = self
                    .store_orders(&mut tx, store_id, run, Source::Poll, &policy)
                    .await?;
                for (order, changed) in run.iter().zip(changed) {
                    if changed {
                        changed_at.extend(order.date_modified_ms);
                    }
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
            if report.pages > 1 && report.pages.is_power_of_two() {
                // A long read (a backfill) grows the order tables fast: keep the planner's
                // picture of them current. A poll of one page, the usual, never pays for it.
                self.db.refresh_statistics(ORDER_TABLES).await?;
            }
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
