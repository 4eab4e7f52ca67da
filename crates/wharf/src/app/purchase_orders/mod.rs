//! What a vendor does with its purchase orders, wherever it does it (the vendor API today, the
//! vendor portal's pages): finding them, reading one, accepting it, and declining a line it
//! can't fulfil (`decline.rs`). Every use case takes the vendor's id and answers another
//! vendor's purchase order exactly as one that does not exist.

mod decline;

use serde::Serialize;

use super::App;
use super::error::AppError;
use crate::db::orders::{self, PurchaseOrder};
use crate::db::shipments::{self, ShipmentView};
use crate::db::{DbError, now_ms};
use crate::domain::purchase_order::{PurchaseOrderSearch, VendorActor};

/// A purchase order in the vendor's list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorPurchaseOrder {
    #[serde(flatten)]
    pub purchase_order: PurchaseOrder,
    /// Created after the `seen_since` the caller passed (always false without one).
    pub is_new: bool,
}

/// A page of the vendor's purchase orders.
#[derive(Debug, Clone, Default)]
pub struct VendorPurchaseOrderPage {
    pub purchase_orders: Vec<VendorPurchaseOrder>,
    /// The cursor of the next page, when there is one.
    pub next_cursor: Option<String>,
}

/// One of the vendor's purchase orders with the shipments recorded on it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorPurchaseOrderDetail {
    #[serde(flatten)]
    pub purchase_order: PurchaseOrder,
    /// Shipments recorded on this purchase order, with their tracking, oldest first.
    pub shipments: Vec<ShipmentView>,
}

impl App {
    /// The vendor's purchase orders a search finds: still to do first (open, accepted, partly
    /// shipped), then done, each newest first; a keyset page at a time.
    pub async fn vendor_purchase_orders(
        &self,
        vendor_id: i64,
        search: &PurchaseOrderSearch,
    ) -> Result<VendorPurchaseOrderPage, AppError> {
        let page = orders::search_vendor_purchase_orders(&self.db, vendor_id, search).await?;
        let is_new = |po: &PurchaseOrder| {
            search
                .seen_since_ms
                .is_some_and(|seen| po.created_at_ms > seen)
        };
        Ok(VendorPurchaseOrderPage {
            purchase_orders: page
                .purchase_orders
                .into_iter()
                .map(|purchase_order| VendorPurchaseOrder {
                    is_new: is_new(&purchase_order),
                    purchase_order,
                })
                .collect(),
            next_cursor: page.next.map(|c| c.encode()),
        })
    }

    /// One of the vendor's purchase orders: ship-to, lines with what shipped, the customer's
    /// note, whether it is accepted, the lines it declined and its shipments.
    pub async fn vendor_purchase_order(
        &self,
        vendor_id: i64,
        purchase_order_id: i64,
    ) -> Result<VendorPurchaseOrderDetail, AppError> {
        let purchase_order = orders::vendor_purchase_order(&self.db, vendor_id, purchase_order_id)
            .await?
            .ok_or_else(|| not_found(purchase_order_id))?;
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        // Only shipments recorded on this purchase order: one made in BigCommerce may carry
        // other vendors' lines, which this vendor must not read.
        let shipments = shipments::list(&mut conn, Some(purchase_order.order_id), None)
            .await?
            .into_iter()
            .filter(|s| s.purchase_order_id == Some(purchase_order_id))
            .collect();
        Ok(VendorPurchaseOrderDetail {
            purchase_order,
            shipments,
        })
    }

    /// Records that the vendor acknowledged the purchase order (who and when; accepting again
    /// changes nothing). A cancelled or closed one has nothing to accept: a conflict, in words.
    pub async fn accept_purchase_order(
        &self,
        vendor_id: i64,
        purchase_order_id: i64,
        actor: &VendorActor,
    ) -> Result<VendorPurchaseOrderDetail, AppError> {
        let mut tx = self.db.begin().await?;
        let (order_id, status) =
            lock_vendors_purchase_order(&mut tx, vendor_id, purchase_order_id).await?;
        match status {
            PurchaseOrderStatus::Cancelled => {
                return Err(AppError::Conflict(format!(
                    "Purchase order {purchase_order_id} is cancelled (its order was cancelled in \
                     BigCommerce): there is nothing to accept"
                )));
            }
            PurchaseOrderStatus::Closed => {
                return Err(AppError::Conflict(format!(
                    "Purchase order {purchase_order_id} is closed: every line on it was declined, \
                     so there is nothing to accept"
                )));
            }
            PurchaseOrderStatus::Open => {}
        }
        if orders::accept(&mut tx, purchase_order_id, now_ms(), actor.describe()).await? {
            let vendor = self.vendor_name(vendor_id).await?;
            orders::record_event(
                &mut tx,
                order_id,
                "accepted",
                &format!(
                    "{vendor} accepted its purchase order ({})",
                    actor.describe()
                ),
            )
            .await?;
        }
        tx.commit().await.map_err(DbError::from)?;
        self.vendor_purchase_order(vendor_id, purchase_order_id)
            .await
    }

    /// The vendor's name, for the timeline.
    async fn vendor_name(&self, vendor_id: i64) -> Result<String, AppError> {
        Ok(self
            .vendor_names()
            .await?
            .remove(&vendor_id)
            .unwrap_or_else(|| "The vendor".to_owned()))
    }
}

/// A purchase order's stored status, as the vendor's actions read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PurchaseOrderStatus {
    Open,
    Cancelled,
    Closed,
}

/// Locks the purchase order for the rest of the transaction, as recording a shipment does, if
/// it is the vendor's; returns its order and status. Another vendor's is "not found".
async fn lock_vendors_purchase_order(
    tx: &mut sqlx::AnyConnection,
    vendor_id: i64,
    purchase_order_id: i64,
) -> Result<(i64, PurchaseOrderStatus), AppError> {
    let (order_id, _, status) = shipments::lock_purchase_order(tx, purchase_order_id)
        .await?
        .filter(|(_, owner, _)| *owner == vendor_id)
        .ok_or_else(|| not_found(purchase_order_id))?;
    let status = match status.as_str() {
        "open" => PurchaseOrderStatus::Open,
        "cancelled" => PurchaseOrderStatus::Cancelled,
        "closed" => PurchaseOrderStatus::Closed,
        other => {
            return Err(DbError::Corrupt(format!(
                "purchase order {purchase_order_id} has an unknown status {other:?}"
            ))
            .into());
        }
    };
    Ok((order_id, status))
}

fn not_found(purchase_order_id: i64) -> AppError {
    AppError::NotFound {
        what: "purchase order",
        id: purchase_order_id.to_string(),
    }
}
