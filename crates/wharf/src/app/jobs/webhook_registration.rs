//! `webhooks.register`: registers (or re-activates) a store's order and shipment hooks.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct WebhookRegistration {
    pub store_id: i64,
}

impl WebhookRegistration {
    pub(crate) async fn enqueue(self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let job = self.collapsing_job(self.store_id).store(self.store_id);
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for WebhookRegistration {
    const KIND: &'static str = "webhooks.register";

    fn describe(&self) -> JobAbout {
        JobAbout::Words("Register wharf's webhooks with BigCommerce".to_owned())
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        app.register_webhooks(self.store_id).await
    }
}
