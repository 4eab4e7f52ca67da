//! What the portal adds to a vendor's purchase orders: the user's visits that mark what is new
//! (the list itself is the vendor API's search, `App::vendor_purchase_orders`) and the stores
//! the vendor ships for. Every read names the vendor.

use crate::app::App;
use crate::app::error::AppError;
use crate::db::orders;
use crate::db::{now_ms, portal_visits};

impl App {
    /// A vendor user opens the purchase-order list: this visit is recorded, and the previous
    /// one returned — purchase orders created after it are new to the user (all of them on a
    /// first visit, `None`).
    pub async fn start_purchase_order_visit(
        &self,
        vendor_user_id: i64,
    ) -> Result<Option<i64>, AppError> {
        Ok(portal_visits::start_purchase_order_visit(&self.db, vendor_user_id, now_ms()).await?)
    }

    /// The previous visit of a user paging on through the list, so later pages keep the marks
    /// the first showed.
    pub async fn purchase_order_visit_before(
        &self,
        vendor_user_id: i64,
    ) -> Result<Option<i64>, AppError> {
        Ok(portal_visits::purchase_order_visit_before(&self.db, vendor_user_id).await?)
    }

    /// The stores the vendor ships for (id, name): where its tracking files' order numbers
    /// may come from.
    pub async fn vendor_stores(&self, vendor_id: i64) -> Result<Vec<(i64, String)>, AppError> {
        Ok(orders::stores_of_vendor(&self.db, vendor_id).await?)
    }
}
