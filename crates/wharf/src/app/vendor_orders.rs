//! A vendor's purchase orders as its own people see them in the portal: a bounded list, newest
//! first, with what is new since the user's previous visit (one purchase order is
//! `App::vendor_purchase_order`, as in the vendor API). Every read names the vendor, so another
//! vendor's purchase order is not found, exactly as in the vendor API.

use crate::app::App;
use crate::app::error::AppError;
use crate::db::orders::{self, VendorPurchaseOrderRow, VendorShelf};
use crate::db::{now_ms, portal_visits};

/// Purchase orders a portal page lists.
pub const VENDOR_PAGE_SIZE: i64 = 50;

/// A page of a vendor's purchase orders.
#[derive(Debug, Clone, Default)]
pub struct VendorPurchaseOrderPage {
    pub rows: Vec<VendorPurchaseOrderRow>,
    /// Where the next page starts (the last row's id), if there is one.
    pub next_before: Option<i64>,
}

impl App {
    /// A page of the vendor's purchase orders on `shelf`, newest first, below `before`.
    ///
    /// The one query the portal's list reads: a search with text and more states can take its
    /// place without the page changing.
    pub async fn vendor_purchase_order_page(
        &self,
        vendor_id: i64,
        shelf: VendorShelf,
        before: Option<i64>,
    ) -> Result<VendorPurchaseOrderPage, AppError> {
        let mut rows = orders::vendor_purchase_order_page(
            &self.db,
            vendor_id,
            shelf,
            before,
            VENDOR_PAGE_SIZE + 1,
        )
        .await?;
        let next_before = (rows.len() as i64 > VENDOR_PAGE_SIZE).then(|| {
            rows.truncate(VENDOR_PAGE_SIZE as usize);
            rows.last().expect("a full page has a last row").id
        });
        Ok(VendorPurchaseOrderPage { rows, next_before })
    }

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
