//! `catalog.import`: runs or resumes an import run from its checkpoint.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct CatalogImport {
    pub import_id: i64,
}

impl CatalogImport {
    pub(crate) async fn enqueue(
        self,
        conn: &mut AnyConnection,
        store_id: i64,
    ) -> Result<(), DbError> {
        jobs::enqueue(conn, &self.new_job().store(store_id)).await?;
        Ok(())
    }
}

impl Job for CatalogImport {
    const KIND: &'static str = "catalog.import";

    fn describe(&self) -> JobAbout {
        JobAbout::Words("Import the catalog from BigCommerce".to_owned())
    }

    async fn run(self, app: &App, claim: &ClaimedJob) -> JobOutcome {
        let last_attempt = claim.attempt >= claim.max_attempts;
        app.run_import(self.import_id, last_attempt).await
    }
}
