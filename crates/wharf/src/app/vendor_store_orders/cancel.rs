//! A cancelled purchase order cancels its order in the vendor's store, unless the vendor
//! shipped some of it: then the vendor's order is kept, the operator told, and what the vendor
//! shipped still comes back (flagged "shipped after cancellation" by the shipment push).

use crate::app::App;
use crate::app::error::SyncError;
use crate::channels::bigcommerce::vendor_orders::{
    find_vendor_order, set_vendor_order_status, vendor_order_shipped,
};
use crate::db::{DbError, orders, vendor_orders};
use crate::domain::vendor_order::{
    CANCELLED_STATUS_ID, CancelAction, LOOKUP_WINDOW_MS, VendorOrderState, cancel_action,
};

impl App {
    /// Cancels the purchase order's live vendor order (set to Cancelled in the vendor's store),
    /// or keeps it when the vendor shipped some of it.
    pub async fn cancel_vendor_store_order(&self, purchase_order_id: i64) -> Result<(), SyncError> {
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        let Some(mut row) =
            vendor_orders::latest_of_purchase_order(&mut conn, purchase_order_id).await?
        else {
            return Ok(());
        };
        let Some(context) = vendor_orders::send_context(&mut conn, purchase_order_id).await? else {
            return Ok(());
        };
        drop(conn);
        if !row.state.is_live() || row.shipped_before_cancel {
            return Ok(());
        }
        let client = self.client_for(row.store_id).await?;
        if row.state == VendorOrderState::Sending {
            // A create may have reached the store: find it, or wait for the send to settle.
            match find_vendor_order(&client, &row.reference, row.intent_at - LOOKUP_WINDOW_MS)
                .await?
            {
                Some(external_id) => {
                    let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
                    vendor_orders::set_found_external_id(&mut conn, row.id, external_id).await?;
                    row.external_id = Some(external_id);
                }
                None => {
                    return Err(DbError::Conflict(
                        "the vendor order is still being sent; the cancellation waits for it"
                            .into(),
                    )
                    .into());
                }
            }
        }
        let shipped = match row.external_id {
            Some(external_id) => {
                let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
                vendor_orders::recorded_shipments(&mut conn, row.id).await? > 0
                    || vendor_order_shipped(&client, external_id).await?
            }
            None => false,
        };
        let state = if row.external_id.is_some() {
            VendorOrderState::Created
        } else {
            row.state
        };
        let mut tx = self.db.begin().await?;
        match cancel_action(state, shipped) {
            CancelAction::NothingToCancel => {
                let message =
                    "The purchase order was cancelled before it reached the vendor's store";
                vendor_orders::mark_cancelled(&mut tx, row.id, message).await?;
            }
            CancelAction::Cancel => {
                let external_id = row.external_id.expect("created orders have their id");
                set_vendor_order_status(&client, external_id, CANCELLED_STATUS_ID).await?;
                let message = format!("Order {external_id} was cancelled in the vendor's store");
                vendor_orders::mark_cancelled(&mut tx, row.id, &message).await?;
                orders::record_event(&mut tx, context.order_id, "vendor_order", &message).await?;
            }
            CancelAction::KeepShipped => {
                let external_id = row.external_id.unwrap_or_default();
                let message = format!(
                    "The vendor shipped order {external_id} before the cancellation reached it: its order is kept, and its shipments still come back, flagged"
                );
                vendor_orders::keep_shipped(&mut tx, row.id, &message).await?;
                orders::record_event(
                    &mut tx,
                    context.order_id,
                    "shipped_after_cancellation",
                    &message,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
