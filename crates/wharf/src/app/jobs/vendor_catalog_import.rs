//! `vendor_catalog.import`: reads a vendor's own BigCommerce store in full, matches its variants
//! to the merchant's items and reports the matched items' levels as the vendor's stock.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::outcome;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct VendorCatalogImport {
    pub vendor_id: i64,
}

impl VendorCatalogImport {
    /// Queues the read now, collapsing with one already waiting for the vendor; `store_id` (the
    /// vendor's store) counts it against that store's running jobs.
    pub(crate) async fn enqueue(
        self,
        conn: &mut AnyConnection,
        store_id: i64,
    ) -> Result<(), DbError> {
        let job = self.collapsing_job(self.vendor_id).store(store_id);
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for VendorCatalogImport {
    const KIND: &'static str = "vendor_catalog.import";

    fn describe(&self) -> JobAbout {
        JobAbout::Words("Read a vendor's BigCommerce catalog and match it to yours".to_owned())
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        outcome(app.read_vendor_catalog(self.vendor_id).await.map(drop))
    }
}
