//! `vendor_orders.shipments`: reads what the vendor shipped on its order in its own store and
//! records each new shipment as the vendor's shipment in wharf.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::outcome;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

#[derive(Debug, Serialize, Deserialize)]
pub struct VendorOrderShipments {
    pub vendor_order_id: i64,
}

impl VendorOrderShipments {
    /// Collapses into a read of the same vendor order already waiting.
    pub(crate) async fn enqueue(self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let job = self.collapsing_job(self.vendor_order_id);
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for VendorOrderShipments {
    const KIND: &'static str = "vendor_orders.shipments";

    fn describe(&self) -> JobAbout {
        JobAbout::Words("Read the vendor's shipments from its BigCommerce store".to_owned())
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        outcome(
            app.import_vendor_store_shipments(self.vendor_order_id)
                .await,
        )
    }
}
