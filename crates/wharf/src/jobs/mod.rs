//! Runs queued jobs: claims them from the durable queue (`db::jobs`), hands each to the handler
//! registered for its kind, and records the outcome. Every flow that touches a remote system
//! plugs a handler in here instead of bringing its own loop or retry.

mod backoff;
mod handlers;
mod worker;

pub use backoff::retry_delay;
pub use handlers::{Handlers, JobHandler, JobOutcome};
pub use worker::{Worker, WorkerConfig};

pub use crate::db::jobs::{ClaimedJob, NewJob};
