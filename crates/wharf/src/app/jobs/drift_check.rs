//! `inventory.drift`: compares BigCommerce's levels with what wharf confirmed, and repairs.

use serde::{Deserialize, Serialize};

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::outcome;
use crate::db::{Db, DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct DriftCheck {
    pub store_id: i64,
}

impl DriftCheck {
    pub(crate) async fn enqueue(self, db: &Db) -> Result<(), DbError> {
        let job = self.collapsing_job(self.store_id).store(self.store_id);
        jobs::enqueue_now(db, &job).await?;
        Ok(())
    }
}

impl Job for DriftCheck {
    const KIND: &'static str = "inventory.drift";

    fn describe(&self) -> JobAbout {
        JobAbout::Words("Compare stock levels with BigCommerce's".to_owned())
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        outcome(app.check_drift(self.store_id).await.map(drop))
    }
}
