//! `shipments.import`: reads an order's BigCommerce shipments and imports those made there.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::job::{Job, JobAbout};
use crate::app::App;
use crate::app::error::outcome;
use crate::db::{DbError, jobs};
use crate::jobs::{ClaimedJob, JobOutcome};

/// A shipment webhook is often the echo of wharf's own push, arriving before the push stored
/// its answer: look a moment later, when the echo is recognisable as ours without a request.
const WEBHOOK_IMPORT_DELAY: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize, Deserialize)]
pub struct ShipmentImport {
    pub store_id: i64,
    /// The BigCommerce order id.
    pub order_id: u64,
    /// The shipment a `store/shipment/created` webhook named, if that is what queued this.
    #[serde(default)]
    pub created_shipment_id: Option<u64>,
    /// Read the shipments whatever wharf's counts say (a `store/shipment/deleted` webhook
    /// arrives before the order's new `items_shipped` is known).
    #[serde(default)]
    pub always_read: bool,
}

/// Why an order's BigCommerce shipments are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShipmentImportHint {
    /// A `store/shipment/created` webhook named this shipment.
    Created(u64),
    /// A `store/shipment/deleted` webhook.
    Deleted,
    /// BigCommerce's `items_shipped` differs from what wharf's shipments account for.
    CountsDiffer,
}

impl ShipmentImport {
    /// Queues the import (from a webhook or the poll), collapsing with the same one waiting.
    pub(crate) async fn enqueue(
        conn: &mut AnyConnection,
        store_id: i64,
        order_id: u64,
        hint: ShipmentImportHint,
    ) -> Result<(), DbError> {
        let (created_shipment_id, always_read, reason) = match hint {
            ShipmentImportHint::Created(id) => (Some(id), false, id.to_string()),
            ShipmentImportHint::Deleted => (None, true, "deleted".to_owned()),
            ShipmentImportHint::CountsDiffer => (None, false, "counts".to_owned()),
        };
        let import = ShipmentImport {
            store_id,
            order_id,
            created_shipment_id,
            always_read,
        };
        let mut job = import
            .collapsing_job(format_args!("{store_id}:{order_id}:{reason}"))
            .store(store_id);
        if created_shipment_id.is_some() {
            job = job.run_after(WEBHOOK_IMPORT_DELAY);
        }
        jobs::enqueue(conn, &job).await?;
        Ok(())
    }
}

impl Job for ShipmentImport {
    const KIND: &'static str = "shipments.import";

    fn describe(&self) -> JobAbout {
        JobAbout::Words(format!(
            "Read the shipments of order #{} from BigCommerce",
            self.order_id
        ))
    }

    async fn run(self, app: &App, _claim: &ClaimedJob) -> JobOutcome {
        outcome(app.import_shipments(&self).await)
    }
}
