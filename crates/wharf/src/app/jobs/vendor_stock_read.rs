//! `vendor_stock.read`: reads the levels of a vendor's own BigCommerce store — one product's,
//! after a webhook said its stock changed, or every item's (the drift read) — and reports the
//! matched items' as the vendor's stock.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::outcome;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

/// A stock change fires a SKU event and a product event, often several: one read a moment
/// after the first covers the burst.
const STOCK_EVENT_COLLAPSE: Duration = Duration::from_millis(250);

#[derive(Debug, Serialize, Deserialize)]
pub struct VendorStockRead {
    pub vendor_id: i64,
    /// The vendor store's product a webhook named; `None` reads every item.
    pub product_id: Option<i64>,
}

impl VendorStockRead {
    pub(crate) async fn enqueue(
        self,
        conn: &mut AnyConnection,
        store_id: i64,
    ) -> Result<(), DbError> {
        let scope = match self.product_id {
            Some(product) => format!("{}:{product}", self.vendor_id),
            None => format!("{}:all", self.vendor_id),
        };
        let job = self
            .collapsing_job(scope)
            .store(store_id)
            .run_after(STOCK_EVENT_COLLAPSE);
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for VendorStockRead {
    const KIND: &'static str = "vendor_stock.read";

    fn describe(&self) -> JobAbout {
        JobAbout::Words(match self.product_id {
            Some(_) => "Read a product's stock in a vendor's BigCommerce store".to_owned(),
            None => "Read the stock levels of a vendor's BigCommerce store".to_owned(),
        })
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        outcome(
            app.read_vendor_store_levels(self.vendor_id, self.product_id)
                .await
                .map(drop),
        )
    }
}
