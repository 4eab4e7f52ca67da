//! Purchase orders out as orders in vendors' own BigCommerce stores (issue 19): queued when
//! routing creates a purchase order for a vendor with a connected store, sent exactly once
//! (`send`), cancelled with the purchase order (`cancel`), and the vendor's shipments read
//! back (`shipments`). How the send is exactly once without an idempotency key is explained
//! once: ARCHITECTURE.md, *Vendor store orders*.

mod cancel;
mod options;
mod send;
mod shipments;

use std::collections::HashMap;

use serde::Serialize;
use sqlx::AnyConnection;

use super::App;
use super::error::AppError;
use super::jobs::{VendorOrderCancel, VendorOrderCreate, VendorOrderShipments};
use crate::db::{DbError, orders, vendor_orders};
use crate::domain::vendor_order::reference;

/// A purchase order's order in its vendor's store, as the order page, the API and the CLI
/// show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorOrderView {
    pub purchase_order_id: i64,
    /// The reference the vendor sees: `PO-{order number}-{purchase order id}`.
    pub reference: String,
    /// The order's number in the vendor's store, once created.
    pub vendor_order_number: Option<i64>,
    /// intent, sending, created, failed, cancelled or replaced.
    pub state: String,
    /// The state in words.
    pub state_label: String,
    /// Why it failed, or which lines were left out, in words.
    pub message: Option<String>,
    /// The vendor shipped before the cancellation reached it: its order was kept.
    pub shipped_before_cancel: bool,
    /// *Send again* is possible now.
    pub may_send_again: bool,
}

impl VendorOrderView {
    fn of(row: &vendor_orders::VendorOrderRow) -> Self {
        VendorOrderView {
            purchase_order_id: row.purchase_order_id,
            reference: row.reference.clone(),
            vendor_order_number: row.external_id,
            state: row.state.as_str().to_owned(),
            state_label: row.state.label().to_owned(),
            message: row.message.clone(),
            shipped_before_cancel: row.shipped_before_cancel,
            may_send_again: row.state.may_send_again(),
        }
    }
}

impl App {
    /// The purchase order's latest order in its vendor's store; `None` when it was never sent
    /// (its vendor has no connected store).
    pub async fn vendor_store_order(
        &self,
        purchase_order_id: i64,
    ) -> Result<Option<VendorOrderView>, AppError> {
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        if vendor_orders::send_context(&mut conn, purchase_order_id)
            .await?
            .is_none()
        {
            return Err(AppError::not_found("purchase order", purchase_order_id));
        }
        Ok(
            vendor_orders::latest_of_purchase_order(&mut conn, purchase_order_id)
                .await?
                .as_ref()
                .map(VendorOrderView::of),
        )
    }

    /// *Send again* (Onport's "Mark as unsent"): after the operator fixed what made the vendor's
    /// store refuse it, the purchase order is sent as a new order. Refused while a vendor order
    /// exists or is being sent, and for a cancelled purchase order.
    pub async fn send_vendor_store_order_again(
        &self,
        purchase_order_id: i64,
    ) -> Result<VendorOrderView, AppError> {
        let mut tx = self.db.begin().await?;
        let context = vendor_orders::send_context(&mut tx, purchase_order_id)
            .await?
            .ok_or_else(|| AppError::not_found("purchase order", purchase_order_id))?;
        if context.cancelled {
            return Err(AppError::Conflict(format!(
                "Purchase order {purchase_order_id} is cancelled: it is not sent to the vendor's store again"
            )));
        }
        let Some(store_id) = vendor_orders::vendor_store_of(&mut tx, context.vendor_id).await?
        else {
            return Err(AppError::Conflict(format!(
                "The vendor of purchase order {purchase_order_id} has no connected BigCommerce store to send it to"
            )));
        };
        if let Some(latest) =
            vendor_orders::latest_of_purchase_order(&mut tx, purchase_order_id).await?
        {
            if latest.state.is_live() {
                let what = match latest.external_id {
                    Some(number) => format!("is order {number} in the vendor's store"),
                    None => "is being sent to the vendor's store".to_owned(),
                };
                return Err(AppError::Conflict(format!(
                    "Purchase order {purchase_order_id} {what}: cancel that first, or wait; it is never sent twice"
                )));
            }
            vendor_orders::replace(&mut tx, latest.id).await?;
        }
        let reference = reference(context.order_number, purchase_order_id);
        let Some(id) =
            vendor_orders::record_intent(&mut tx, purchase_order_id, store_id, &reference).await?
        else {
            return Err(AppError::Conflict(format!(
                "Purchase order {purchase_order_id} is being sent to the vendor's store already"
            )));
        };
        VendorOrderCreate {
            vendor_order_id: id,
        }
        .enqueue(&mut tx)
        .await?;
        orders::record_event(
            &mut tx,
            context.order_id,
            "vendor_order",
            &format!("Purchase order {reference} queued to be sent again to the vendor's store"),
        )
        .await?;
        let row = vendor_orders::get(&mut tx, id)
            .await?
            .ok_or_else(|| DbError::Corrupt(format!("vendor order {id} vanished")))?;
        tx.commit().await.map_err(DbError::from)?;
        self.wake_workers();
        Ok(VendorOrderView::of(&row))
    }
}

/// Routing created purchase orders (each order with the vendors whose purchase order it
/// created): those of vendors with a connected store get a vendor order, its intent recorded
/// and its send queued in the routing's transaction.
pub(crate) async fn queue_new_purchase_orders(
    tx: &mut AnyConnection,
    created: &[(i64, Vec<i64>)],
) -> Result<(), DbError> {
    // Looked up once per vendor, however many of its purchase orders a page creates.
    let mut store_of: HashMap<i64, Option<i64>> = HashMap::new();
    for (order_id, vendor_ids) in created {
        for &vendor_id in vendor_ids {
            let store_id = match store_of.get(&vendor_id) {
                Some(store) => *store,
                None => {
                    let store = vendor_orders::vendor_store_of(tx, vendor_id).await?;
                    store_of.insert(vendor_id, store);
                    store
                }
            };
            if let Some(store_id) = store_id {
                queue_new_purchase_order(tx, *order_id, vendor_id, store_id).await?;
            }
        }
    }
    Ok(())
}

/// The vendor order of one new purchase order, for the vendor's store `store_id`.
async fn queue_new_purchase_order(
    tx: &mut AnyConnection,
    order_id: i64,
    vendor_id: i64,
    store_id: i64,
) -> Result<(), DbError> {
    let Some(purchase_order_id) =
        vendor_orders::purchase_order_of_vendor(tx, order_id, vendor_id).await?
    else {
        return Ok(());
    };
    let Some(context) = vendor_orders::send_context(tx, purchase_order_id).await? else {
        return Ok(());
    };
    let reference = reference(context.order_number, purchase_order_id);
    if let Some(id) =
        vendor_orders::record_intent(tx, purchase_order_id, store_id, &reference).await?
    {
        VendorOrderCreate {
            vendor_order_id: id,
        }
        .enqueue(tx)
        .await?;
    }
    Ok(())
}

/// The order is being cancelled: read before its purchase orders are, the ones whose vendor
/// order must be cancelled too.
pub(crate) async fn purchase_orders_to_cancel(
    tx: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<i64>, DbError> {
    vendor_orders::live_of_open_purchase_orders(tx, order_id).await
}

/// Queues the cancellation of those purchase orders' vendor orders, in the cancelling
/// transaction.
pub(crate) async fn queue_cancellations(
    tx: &mut AnyConnection,
    purchase_order_ids: &[i64],
) -> Result<(), DbError> {
    for &purchase_order_id in purchase_order_ids {
        VendorOrderCancel { purchase_order_id }.enqueue(tx).await?;
    }
    Ok(())
}

/// The vendor store hinted at one of its orders (webhook): queue the read of its shipments, in
/// the delivery's transaction, when it is one of wharf's vendor orders.
pub(crate) async fn queue_shipments_read(
    tx: &mut AnyConnection,
    store_id: i64,
    external_order_id: u64,
) -> Result<(), DbError> {
    if let Some(row) = vendor_orders::by_external_id(tx, store_id, external_order_id as i64).await?
    {
        VendorOrderShipments {
            vendor_order_id: row.id,
        }
        .enqueue(tx)
        .await?;
    }
    Ok(())
}
