//! `inventory.push`: sends the store's changed levels (every level when `full`).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct InventoryPush {
    pub store_id: i64,
    #[serde(default)]
    pub full: bool,
}

impl InventoryPush {
    /// Queues the push after `delay`, collapsing with one already waiting: a burst of changes
    /// (a feed, a busy minute of orders) becomes one push.
    pub(crate) async fn enqueue(
        self,
        conn: &mut AnyConnection,
        delay: Duration,
    ) -> Result<(), DbError> {
        let job = self
            .collapsing_job(format_args!("{}:{}", self.store_id, self.full))
            .store(self.store_id)
            .run_after(delay);
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }

    /// The change-driven push of a store's changed levels.
    pub(crate) fn of_changes(store_id: i64) -> Self {
        InventoryPush {
            store_id,
            full: false,
        }
    }
}

impl Job for InventoryPush {
    const KIND: &'static str = "inventory.push";

    fn describe(&self) -> JobAbout {
        JobAbout::Words(if self.full {
            "Push every stock level to BigCommerce".to_owned()
        } else {
            "Push changed stock levels to BigCommerce".to_owned()
        })
    }

    async fn run(self, app: &App, claim: &ClaimedJob) -> JobOutcome {
        app.run_inventory_push(self.store_id, self.full, claim.id)
            .await
    }
}
