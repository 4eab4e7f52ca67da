//! `webhooks.remove`: removes a disabled or removed store's hooks from BigCommerce.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct WebhookRemoval {
    pub store_id: i64,
    /// The store was removed: its row is gone or blanked, so the job reads the hash and token
    /// set aside for it (`db::store_removals`). Absent from jobs queued by a disable.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub store_removed: bool,
}

impl WebhookRemoval {
    /// The hooks of a store just disabled.
    pub fn of_disabled_store(store_id: i64) -> Self {
        WebhookRemoval {
            store_id,
            store_removed: false,
        }
    }

    /// The hooks of a store just removed.
    pub fn of_removed_store(store_id: i64) -> Self {
        WebhookRemoval {
            store_id,
            store_removed: true,
        }
    }

    pub(crate) async fn enqueue(self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let job = if self.store_removed {
            // No store on the job: a store removed with its orders takes its jobs with it
            // (the foreign key cascades), and this one must outlive it.
            self.collapsing_job(format_args!("removed-{}", self.store_id))
        } else {
            self.collapsing_job(self.store_id).store(self.store_id)
        };
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for WebhookRemoval {
    const KIND: &'static str = "webhooks.remove";

    fn describe(&self) -> JobAbout {
        JobAbout::Words(if self.store_removed {
            "Remove a removed store's webhooks from BigCommerce".to_owned()
        } else {
            "Remove wharf's webhooks from BigCommerce".to_owned()
        })
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        if self.store_removed {
            app.remove_removed_store_webhooks(self.store_id).await
        } else {
            app.remove_webhooks(self.store_id).await
        }
    }
}
