//! Routing orders' lines onto vendors' purchase orders: a batch of orders at a time (a page
//! of a poll; one order is a batch of one), the routes worked out in memory and written with
//! a bounded number of statements.

use std::collections::HashMap;

use sqlx::AnyConnection;

use super::RoutingPreview;
use crate::app::App;
use crate::app::error::AppError;
use crate::app::vendor_store_orders;
use crate::db::orders::{self, NewEvent};
use crate::db::{self, DbError};
use crate::domain::order::{RoutingState, routing_entry};
use crate::domain::routing::{RoutingPlan, RoutingRules, plan_order_passing_over};

impl App {
    /// Puts the order's unrouted lines on purchase orders, passing over the vendors that
    /// declined each; what no rule matches needs attention.
    pub(in crate::app) async fn route_order(
        &self,
        tx: &mut AnyConnection,
        order_id: i64,
        rules: &RoutingRules,
        vendors: &HashMap<i64, String>,
    ) -> Result<RoutingState, DbError> {
        let mut timeline = Vec::new();
        let states = self
            .route_orders(tx, &[order_id], rules, vendors, &mut timeline)
            .await?;
        orders::record_events(tx, &timeline).await?;
        Ok(states[0].1)
    }

    /// [`App::route_order`] for orders, none of them twice: their purchase orders created
    /// (their vendors told, their vendor-store orders queued) and their routing states set.
    /// Their timeline entries are added to `timeline`, for the caller to store after the
    /// entries that come before them. Returns each order's new state, in the order given.
    pub(super) async fn route_orders(
        &self,
        tx: &mut AnyConnection,
        order_ids: &[i64],
        rules: &RoutingRules,
        vendors: &HashMap<i64, String>,
        timeline: &mut Vec<NewEvent>,
    ) -> Result<Vec<(i64, RoutingState)>, DbError> {
        if order_ids.is_empty() {
            return Ok(Vec::new());
        }
        let previous = orders::routing_states(tx, order_ids).await?;
        let mut lines = orders::unrouted_lines_of_orders(tx, order_ids).await?;
        let declines = orders::declines_of_orders(tx, order_ids).await?;
        let plans: Vec<(i64, RoutingPlan)> = order_ids
            .iter()
            .map(|&id| {
                let lines = lines.remove(&id).unwrap_or_default();
                (id, plan_order_passing_over(rules, &lines, &declines))
            })
            .collect();
        let to_apply: Vec<(i64, &RoutingPlan)> = plans.iter().map(|(id, p)| (*id, p)).collect();
        let created: Vec<(i64, Vec<i64>)> = order_ids
            .iter()
            .copied()
            .zip(orders::apply_plans(tx, &to_apply).await?)
            .collect();
        vendor_store_orders::queue_new_purchase_orders(tx, &created).await?;
        self.tell_of_new_purchase_orders(tx, &created).await?;

        let mut states = Vec::with_capacity(plans.len());
        for ((order_id, plan), (_, created)) in plans.iter().zip(&created) {
            for vendor_id in created {
                let count = plan.purchase_orders[vendor_id].len();
                let name = vendors.get(vendor_id).map_or("?", String::as_str);
                timeline.push(NewEvent {
                    order_id: *order_id,
                    kind: "routed",
                    message: format!("Purchase order for {name} ({count} line(s))"),
                });
            }
            let state = if plan.needs_attention.is_empty() {
                RoutingState::Routed
            } else {
                RoutingState::NeedsAttention
            };
            let before = previous.get(order_id).copied();
            if let Some(message) = routing_entry(before, state, plan.needs_attention.len()) {
                timeline.push(NewEvent {
                    order_id: *order_id,
                    kind: state.as_str(),
                    message,
                });
            }
            states.push((*order_id, state));
        }
        orders::set_routing_states(tx, &states).await?;
        Ok(states)
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
}
