//! `vendor_orders.create`: sends a purchase order to its vendor's store as an order, exactly
//! once (the intent is recorded with the purchase order; see `app::vendor_store_orders`).

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::outcome;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

/// Transient failures retry on their own for a long while: a purchase order must not be lost
/// to an outage of the vendor's store.
const CREATE_MAX_ATTEMPTS: i64 = 50;

#[derive(Debug, Serialize, Deserialize)]
pub struct VendorOrderCreate {
    pub vendor_order_id: i64,
}

impl VendorOrderCreate {
    pub(crate) async fn enqueue(self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let job = self
            .collapsing_job(self.vendor_order_id)
            .max_attempts(CREATE_MAX_ATTEMPTS);
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for VendorOrderCreate {
    const KIND: &'static str = "vendor_orders.create";

    fn describe(&self) -> JobAbout {
        JobAbout::Words("Send a purchase order to the vendor's BigCommerce store".to_owned())
    }

    async fn run(self, app: &App, claim: &ClaimedJob) -> JobOutcome {
        outcome(
            app.send_vendor_store_order(self.vendor_order_id, &claim.lease)
                .await,
        )
    }
}
