//! `shipments.push`: creates a shipment's parts in BigCommerce, exactly once.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::outcome;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

/// Transient failures retry on their own for a long while: a shipment must not be lost to a
/// BigCommerce outage.
const PUSH_MAX_ATTEMPTS: i64 = 50;

#[derive(Debug, Serialize, Deserialize)]
pub struct ShipmentPush {
    pub shipment_id: i64,
}

impl ShipmentPush {
    pub(crate) async fn enqueue(self, conn: &mut AnyConnection) -> Result<(), DbError> {
        let job = self
            .collapsing_job(self.shipment_id)
            .max_attempts(PUSH_MAX_ATTEMPTS);
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for ShipmentPush {
    const KIND: &'static str = "shipments.push";

    fn describe(&self) -> JobAbout {
        JobAbout::ShipmentPush {
            shipment_id: self.shipment_id,
        }
    }

    async fn run(self, app: &App, claim: &ClaimedJob) -> JobOutcome {
        outcome(app.push_shipment(self.shipment_id, &claim.lease).await)
    }
}
