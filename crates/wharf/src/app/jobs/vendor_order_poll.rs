//! `vendor_orders.poll`: the reconciling read of a vendor store's open orders' shipments,
//! catching what its webhooks missed (bounded per run).

use serde::{Deserialize, Serialize};

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::outcome;
use crate::db::{Db, DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct VendorOrderPoll {
    pub store_id: i64,
}

impl VendorOrderPoll {
    /// Queues a poll now, collapsing into one already waiting.
    pub(crate) async fn enqueue(self, db: &Db) -> Result<(), DbError> {
        let job = self.collapsing_job(self.store_id).store(self.store_id);
        jobs::enqueue_now(db, &job).await?;
        Ok(())
    }
}

impl Job for VendorOrderPoll {
    const KIND: &'static str = "vendor_orders.poll";

    fn describe(&self) -> JobAbout {
        JobAbout::Words("Check the vendor's BigCommerce store for new shipments".to_owned())
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        outcome(app.poll_vendor_store_orders(self.store_id).await)
    }
}
