//! `webhooks.remove`: removes a disabled store's hooks from BigCommerce.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct WebhookRemoval {
    pub store_id: i64,
}

impl WebhookRemoval {
    pub(crate) async fn enqueue(self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let job = self.collapsing_job(self.store_id).store(self.store_id);
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for WebhookRemoval {
    const KIND: &'static str = "webhooks.remove";

    fn describe(&self) -> JobAbout {
        JobAbout::Words("Remove wharf's webhooks from BigCommerce".to_owned())
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        app.remove_webhooks(self.store_id).await
    }
}
