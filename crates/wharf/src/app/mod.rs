//! Use cases shared by every surface: the web UI, the JSON API and the CLI call these same
//! functions, so a flow behaves identically wherever the merchant starts it.

pub mod account;
pub mod activity;
pub mod api_usage;
pub mod assignments;
pub mod branding;
pub mod catalog;
pub mod error;
pub mod inventory;
pub mod jobs;
pub mod latency;
pub mod mail;
pub mod needs_attention;
pub mod operators;
pub mod orders;
pub mod packing_slips;
pub mod password_work;
pub mod portal;
pub mod products;
pub mod purchase_orders;
pub mod shipments;
pub mod sign_in_throttle;
pub mod store_edit;
pub mod store_removal;
pub mod store_state;
pub mod stores;
pub mod throughput;
pub mod tokens;
pub mod vendor_catalog;
pub mod vendor_orders;
pub mod vendor_store_orders;
pub mod vendor_stores;
pub mod vendors;
pub mod webhooks;

use bigcommerce::BigCommerce;

use crate::db::Db;
use crate::secrets::SecretCipher;

/// Everything a use case needs: storage, the secret cipher, and the BigCommerce client.
#[derive(Clone, Debug)]
pub struct App {
    pub db: Db,
    pub cipher: SecretCipher,
    pub bigcommerce: BigCommerce,
    /// wharf's own public address, where BigCommerce delivers webhooks. Without it wharf
    /// registers no webhooks and relies on polling alone.
    pub public_url: Option<url::Url>,
    /// Wakes this process's job workers when a use case queued work they should start now.
    pub job_waker: std::sync::Arc<tokio::sync::Notify>,
    /// Items a full inventory push works out together (`app::inventory::ITEMS_PER_CHUNK`): what
    /// it holds in memory at once, against a few statements per chunk.
    pub inventory_push_chunk: usize,
    /// Where stock feeds may be fetched from, and how much of them.
    pub feed_policy: crate::feeds::FetchPolicy,
    /// Stock rows naming no store item kept per vendor; a report beyond it drops the oldest.
    pub unmatched_skus_per_vendor: i64,
    /// Failed sign-ins per address and account, shared by every request of this process.
    pub sign_in_throttle: std::sync::Arc<sign_in_throttle::Throttle>,
    /// Where password hashes and checks run, a bounded number at a time.
    pub password_work: std::sync::Arc<password_work::PasswordWork>,
    /// The SMTP server mail goes through; `None` when e-mail is off (mails are recorded as not
    /// sent).
    pub mailer: Option<crate::smtp::Mailer>,
}

impl App {
    /// Tells an idle worker of this process to look for jobs now. (Workers of other processes
    /// find the job at their next poll.)
    pub fn wake_workers(&self) {
        self.job_waker.notify_one();
    }

    /// Whether the database answers (the readiness probe): without it wharf can neither serve
    /// a page nor run a job.
    pub async fn ping_database(&self) -> Result<(), crate::db::DbError> {
        crate::db::metrics::ping(&self.db).await
    }
}
