//! `orders.fetch`: re-reads one order a webhook named (events are hints, never the truth).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::outcome;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

/// BigCommerce sends an order's events in bursts (created, statusUpdated, updated; each
/// shipment adds its own): one re-read a moment after the first covers the whole burst.
const ORDER_EVENT_COLLAPSE: Duration = Duration::from_millis(250);

#[derive(Debug, Serialize, Deserialize)]
pub struct OrderFetch {
    pub store_id: i64,
    /// The BigCommerce order id.
    pub order_id: u64,
}

impl OrderFetch {
    /// Queues the re-read a moment from now, collapsing with one already waiting.
    pub(crate) async fn enqueue(self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let job = self
            .collapsing_job(format_args!("{}:{}", self.store_id, self.order_id))
            .store(self.store_id)
            .run_after(ORDER_EVENT_COLLAPSE);
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for OrderFetch {
    const KIND: &'static str = "orders.fetch";

    fn describe(&self) -> JobAbout {
        JobAbout::Words(format!("Read order #{} from BigCommerce", self.order_id))
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        outcome(app.fetch_order(self.store_id, self.order_id).await)
    }
}
