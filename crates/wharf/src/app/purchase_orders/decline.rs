//! "Can't fulfil this line": the vendor declines one line of its purchase order, with a reason.
//! The line leaves the purchase order and routing tries it again, passing over every vendor
//! that declined it: the next vendor the rules allow gets it, or the order goes to Needs
//! attention, where the operator reads who declined and why. A purchase order left with no
//! line is closed.
//!
//! Only a line with nothing shipped may be declined, and all of it happens in one transaction
//! that holds the purchase order's lock (as recording a shipment does) and the order's (as
//! importing BigCommerce's shipments does): a shipment and a decline of the same line come one
//! after the other, and whichever comes second sees what the first did.

use super::{App, PurchaseOrderStatus, VendorPurchaseOrderDetail, lock_vendors_purchase_order};
use crate::app::error::AppError;
use crate::db::orders::{self, LineOnPurchaseOrder};
use crate::db::{DbError, now_ms};
use crate::domain::FieldErrors;
use crate::domain::purchase_order::{DeclineReason, VendorActor};

impl App {
    /// Declines a line of the vendor's purchase order: it leaves the purchase order and goes to
    /// the next vendor the rules allow, or to Needs attention. Refused (a conflict, in words)
    /// when any of it shipped or the purchase order is cancelled; a line that is not on the
    /// vendor's purchase order is "not found".
    pub async fn decline_purchase_order_line(
        &self,
        vendor_id: i64,
        purchase_order_id: i64,
        order_line_id: i64,
        reason: &str,
        actor: &VendorActor,
    ) -> Result<VendorPurchaseOrderDetail, AppError> {
        let reason =
            DeclineReason::parse(reason).map_err(|e| AppError::Invalid(FieldErrors(vec![e])))?;
        // The store's rules are read before the transaction: on SQLite a read on another
        // connection must not wait behind this transaction's write lock.
        let order_id = self.order_of_purchase_order(purchase_order_id).await?;
        let store_id = self.order_summary(order_id).await?.store_id;
        let policy = self.store_policy(store_id).await?;

        let mut tx = self.db.begin().await?;
        let (order_id, status) =
            lock_vendors_purchase_order(&mut tx, vendor_id, purchase_order_id).await?;
        orders::lock_order(&mut tx, order_id).await?;
        if status == PurchaseOrderStatus::Cancelled {
            return Err(AppError::Conflict(format!(
                "Purchase order {purchase_order_id} is cancelled (its order was cancelled in \
                 BigCommerce): its lines go to nobody"
            )));
        }
        let line = orders::line_on_purchase_order(&mut tx, purchase_order_id, order_line_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "line on this purchase order",
                id: order_line_id.to_string(),
            })?;
        refuse_if_shipped(&line)?;

        let vendor = |id: i64| {
            policy
                .vendors
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "a vendor".to_owned())
        };
        let item = describe(&line);
        let closed = orders::decline_line(
            &mut tx,
            purchase_order_id,
            vendor_id,
            order_line_id,
            reason.as_str(),
            now_ms(),
        )
        .await?;
        orders::record_event(
            &mut tx,
            order_id,
            "declined",
            &format!(
                "{} can't fulfil {item} ({}): {}",
                vendor(vendor_id),
                actor.describe(),
                reason.as_str()
            ),
        )
        .await?;
        if closed {
            orders::record_event(
                &mut tx,
                order_id,
                "closed",
                &format!(
                    "Purchase order for {} closed: every line on it was declined",
                    vendor(vendor_id)
                ),
            )
            .await?;
        }

        self.route_order(&mut tx, order_id, &policy.rules, &policy.vendors)
            .await?;
        let now_with_vendor = orders::vendor_of_line(&mut tx, order_line_id).await?;
        let outcome = match now_with_vendor {
            Some(next) => format!("{item} now goes to {}", vendor(next)),
            None => format!("{item} needs a vendor: no other vendor the rules allow can take it"),
        };
        orders::record_event(&mut tx, order_id, "rerouted", &outcome).await?;
        // Who hears of it: the vendor that takes the line over, by the new purchase order's
        // mail (`route_order`); the operator, by the next digest (the decline, and the order
        // if it now needs them). The vendor that declined knows.
        tx.commit().await.map_err(DbError::from)?;
        self.vendor_purchase_order(vendor_id, purchase_order_id)
            .await
    }
}

/// A line with any unit shipped stays with its vendor: BigCommerce already tells the customer
/// it is on its way, and another vendor would ship it twice.
fn refuse_if_shipped(line: &LineOnPurchaseOrder) -> Result<(), AppError> {
    let shipped = line.shipped.max(line.shipped_in_bigcommerce);
    if shipped == 0 {
        return Ok(());
    }
    Err(AppError::Conflict(format!(
        "{} of {} of {} shipped already: a line with shipments can't be declined. Ship the \
         rest, or ask the merchant to cancel it",
        shipped,
        line.quantity,
        describe(line)
    )))
}

fn describe(line: &LineOnPurchaseOrder) -> String {
    match &line.sku {
        Some(sku) => format!("{} × {} ({sku})", line.quantity, line.name),
        None => format!("{} × {}", line.quantity, line.name),
    }
}
