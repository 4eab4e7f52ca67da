//! `vendor_orders.cancel`: a cancelled purchase order cancels its order in the vendor's store
//! (or keeps it, when the vendor shipped some of it).

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::outcome;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct VendorOrderCancel {
    pub purchase_order_id: i64,
}

impl VendorOrderCancel {
    pub(crate) async fn enqueue(self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let job = self.collapsing_job(self.purchase_order_id);
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for VendorOrderCancel {
    const KIND: &'static str = "vendor_orders.cancel";

    fn describe(&self) -> JobAbout {
        JobAbout::Words("Cancel a purchase order in the vendor's BigCommerce store".to_owned())
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        outcome(app.cancel_vendor_store_order(self.purchase_order_id).await)
    }
}
