//! The trait every kind of job implements.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::app::App;
use crate::db::jobs::NewJob;
use crate::jobs::{ClaimedJob, JobOutcome};

/// What a job does, for people. Most jobs say it in words at once; a few name a record by what
/// people know it by (a tracking number, a vendor), which the payload does not hold and the
/// Activity page looks up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobAbout {
    Words(String),
    /// "Push shipment {tracking number} for order #{number}".
    ShipmentPush {
        shipment_id: i64,
    },
    /// "Fetch {vendor}'s stock feed".
    FeedFetch {
        feed_id: i64,
    },
}

/// A kind of job: its payload is the value itself.
pub trait Job: Serialize + DeserializeOwned + Send + 'static {
    /// The name stored with each queued job of this kind. Never rename one: queued jobs of the
    /// old name would find no handler.
    const KIND: &'static str;

    /// What this job does, in the words the Activity page shows.
    fn describe(&self) -> JobAbout;

    /// Runs one claimed job of this kind; `claim` carries its lease and attempt counts.
    fn run(self, app: &App, claim: &ClaimedJob) -> impl Future<Output = JobOutcome> + Send;

    /// A job of this kind with this payload, to queue.
    fn new_job(&self) -> NewJob {
        NewJob::new(Self::KIND, self)
    }

    /// A job that collapses into one of its kind already waiting for the same `scope` (a
    /// store, a feed, an order): its dedupe key is `{KIND}:{scope}`.
    fn collapsing_job(&self, scope: impl std::fmt::Display) -> NewJob {
        self.new_job().dedupe_key(format!("{}:{scope}", Self::KIND))
    }
}
