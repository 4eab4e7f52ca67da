//! Every kind of job wharf queues, each in its own file with its kind name, its payload and
//! the function that queues it; `handlers` registers them all for the worker (`crate::jobs`).
//!
//! A job is queued inside the transaction of the change that causes it (the `enqueue`
//! functions take the caller's connection), so the change and its remote side effect happen
//! both or neither. A job's `run` calls the use case on [`App`] and says what became of it.

mod catalog_import;
mod drift_check;
mod feed_fetch;
mod inventory_push;
mod job;
mod mail_send;
mod order_fetch;
mod order_poll;
mod schedules;
mod shipment_import;
mod shipment_push;
mod vendor_catalog_import;
mod vendor_order_cancel;
mod vendor_order_create;
mod vendor_order_poll;
mod vendor_order_shipments;
mod vendor_stock_read;
mod webhook_registration;
mod webhook_removal;

pub use catalog_import::CatalogImport;
pub use drift_check::DriftCheck;
pub use feed_fetch::FeedFetch;
pub use inventory_push::InventoryPush;
pub use job::{Job, JobAbout};
pub use mail_send::MailSend;
pub use order_fetch::OrderFetch;
pub use order_poll::OrderPoll;
pub use schedules::Schedules;
pub use shipment_import::{ShipmentImport, ShipmentImportHint};
pub use shipment_push::ShipmentPush;
pub use vendor_catalog_import::VendorCatalogImport;
pub use vendor_order_cancel::VendorOrderCancel;
pub use vendor_order_create::VendorOrderCreate;
pub use vendor_order_poll::VendorOrderPoll;
pub use vendor_order_shipments::VendorOrderShipments;
pub use vendor_stock_read::VendorStockRead;
pub use webhook_registration::WebhookRegistration;
pub use webhook_removal::WebhookRemoval;

use super::App;
use crate::jobs::{ClaimedJob, Handlers, JobOutcome};

/// The handler of every job kind, one line each.
pub fn handlers(app: &App) -> Handlers {
    Handlers::default()
        .register_kind::<CatalogImport>(app)
        .register_kind::<OrderPoll>(app)
        .register_kind::<OrderFetch>(app)
        .register_kind::<WebhookRegistration>(app)
        .register_kind::<WebhookRemoval>(app)
        .register_kind::<ShipmentPush>(app)
        .register_kind::<ShipmentImport>(app)
        .register_kind::<InventoryPush>(app)
        .register_kind::<DriftCheck>(app)
        .register_kind::<FeedFetch>(app)
        .register_kind::<MailSend>(app)
        .register_kind::<VendorOrderCreate>(app)
        .register_kind::<VendorOrderCancel>(app)
        .register_kind::<VendorOrderShipments>(app)
        .register_kind::<VendorOrderPoll>(app)
        .register_kind::<VendorCatalogImport>(app)
        .register_kind::<VendorStockRead>(app)
}

/// What a queued job does, read from its kind and payload; `None` for a kind this wharf does
/// not know (one a newer version queued) or a payload it cannot read.
pub fn about(kind: &str, payload: &str) -> Option<JobAbout> {
    fn read<J: Job>(payload: &str) -> Option<JobAbout> {
        serde_json::from_str::<J>(payload)
            .ok()
            .map(|job| job.describe())
    }
    match kind {
        CatalogImport::KIND => read::<CatalogImport>(payload),
        OrderPoll::KIND => read::<OrderPoll>(payload),
        OrderFetch::KIND => read::<OrderFetch>(payload),
        WebhookRegistration::KIND => read::<WebhookRegistration>(payload),
        WebhookRemoval::KIND => read::<WebhookRemoval>(payload),
        ShipmentPush::KIND => read::<ShipmentPush>(payload),
        ShipmentImport::KIND => read::<ShipmentImport>(payload),
        InventoryPush::KIND => read::<InventoryPush>(payload),
        DriftCheck::KIND => read::<DriftCheck>(payload),
        FeedFetch::KIND => read::<FeedFetch>(payload),
        MailSend::KIND => read::<MailSend>(payload),
        VendorOrderCreate::KIND => read::<VendorOrderCreate>(payload),
        VendorOrderCancel::KIND => read::<VendorOrderCancel>(payload),
        VendorOrderShipments::KIND => read::<VendorOrderShipments>(payload),
        VendorOrderPoll::KIND => read::<VendorOrderPoll>(payload),
        VendorCatalogImport::KIND => read::<VendorCatalogImport>(payload),
        VendorStockRead::KIND => read::<VendorStockRead>(payload),
        _ => None,
    }
}

/// Runs one claimed job with its kind's handler, as a worker would (for tests and one-shot
/// commands that hold a claim of their own).
pub async fn run_claimed(app: &App, claim: ClaimedJob) -> JobOutcome {
    match handlers(app).get(&claim.kind) {
        Some(handler) => handler.run(claim).await,
        None => JobOutcome::Fail {
            error: format!("no handler for job kind {:?}", claim.kind),
        },
    }
}

trait RegisterKind {
    fn register_kind<J: Job>(self, app: &App) -> Self;
}

impl RegisterKind for Handlers {
    /// Decodes the payload (an unreadable one fails the job for good: no retry can fix it) and
    /// runs the job.
    fn register_kind<J: Job>(self, app: &App) -> Self {
        let app = app.clone();
        self.register(J::KIND, move |claim: ClaimedJob| {
            let app = app.clone();
            async move {
                match claim.payload::<J>() {
                    Ok(job) => job.run(&app, &claim).await,
                    Err(error) => JobOutcome::Fail {
                        error: format!("bad payload: {error}"),
                    },
                }
            }
        })
    }
}
