//! `orders.poll`: reads the orders a store changed since its cursor (the reconciliation that
//! catches what webhooks miss).

use serde::{Deserialize, Serialize};

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::outcome;
use crate::db::{Db, DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct OrderPoll {
    pub store_id: i64,
}

impl OrderPoll {
    /// Queues a poll now, collapsing into one already waiting.
    pub(crate) async fn enqueue(self, db: &Db) -> Result<(), DbError> {
        let job = self.collapsing_job(self.store_id).store(self.store_id);
        jobs::enqueue_now(db, &job).await?;
        Ok(())
    }
}

impl Job for OrderPoll {
    const KIND: &'static str = "orders.poll";

    fn describe(&self) -> JobAbout {
        JobAbout::Words("Check BigCommerce for new and changed orders".to_owned())
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        outcome(app.poll_orders(self.store_id).await.map(drop))
    }
}
