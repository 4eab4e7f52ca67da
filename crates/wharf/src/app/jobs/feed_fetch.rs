//! `inventory.feed`: fetches a vendor's stock feed and records what it says.

use serde::{Deserialize, Serialize};

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::AppError;
use crate::db::{Db, DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct FeedFetch {
    pub feed_id: i64,
}

impl FeedFetch {
    pub(crate) async fn enqueue(self, db: &Db) -> Result<(), DbError> {
        let job = self.collapsing_job(self.feed_id);
        jobs::enqueue_now(db, &job).await?;
        Ok(())
    }
}

impl Job for FeedFetch {
    const KIND: &'static str = "inventory.feed";

    fn describe(&self) -> JobAbout {
        JobAbout::FeedFetch {
            feed_id: self.feed_id,
        }
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        // A feed that fails is recorded and tried again at its next interval, not retried now.
        match app.run_feed(self.feed_id).await {
            Ok(_) => JobOutcome::Done,
            // Deleted since it was queued: nothing to fetch.
            Err(AppError::NotFound { .. }) => JobOutcome::Done,
            Err(error) => JobOutcome::Retry {
                error: error.to_string(),
            },
        }
    }
}
